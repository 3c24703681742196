/**
 * `init [provider]`: writes a commented starter stagely.yml (for the mock unless a provider is
 * named) where --file points, never over an existing file unless --force.
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { DEFAULT_CONFIG_FILE } from '../../config/load.js';
import { ExitCode, usageError } from '../exit-codes.js';
import type { Runner } from '../runner.js';
import { STARTER_PROVIDERS, starterFile } from '../starter.js';

export function registerInitCommand(program: Command, run: Runner): void {
  program
    .command('init')
    .description(`write a commented starter stagely.yml (providers with their usual settings: ${STARTER_PROVIDERS.join(', ')})`)
    .argument('[provider]', 'the provider the file uses', 'mock')
    .option('--force', 'overwrite an existing file')
    .action(
      run(async (session, provider: string, flags: { force?: boolean }) => {
        const file = session.options.file ?? DEFAULT_CONFIG_FILE;
        try {
          await writeFile(file, starterFile(provider), { flag: flags.force ? 'w' : 'wx' });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw usageError(`${file} already exists: nothing was written (--force overwrites it)`);
          throw error;
        }
        session.output.result({ file, provider });
        session.output.line(`${session.output.c.green('wrote')} ${file} for ${provider}: edit it, then run stagely validate and stagely plan`);
        return ExitCode.OK;
      }),
    );
}
