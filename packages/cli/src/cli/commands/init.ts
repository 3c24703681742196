/**
 * `init [provider]`: writes a commented starter stagely.yml (for the mock unless a provider is
 * named) where --file points, never over an existing file unless --force.
 * The bodies live in ../actions/ and are imported when the command runs, so `--help` and
 * `--version` load only commander.
 */
import type { Command } from 'commander';
import type { Runner } from '../command.js';
import { STARTER_PROVIDERS } from '../starter.js';

export function registerInitCommand(program: Command, run: Runner): void {
  program
    .command('init')
    .description(`write a commented starter stagely.yml (providers with their usual settings: ${STARTER_PROVIDERS.join(', ')})`)
    .argument('[provider]', 'the provider the file uses', 'mock')
    .option('--force', 'overwrite an existing file')
    .action(run(() => import('../actions/init.js').then((m) => m.initCommand)));
}
