/** What `init` does (its options: ../commands/init.ts): writes the starter file, never over one. */
import { writeFile } from 'node:fs/promises';
import { DEFAULT_CONFIG_FILE } from '../../config/load.js';
import { ExitCode, usageError, type ExitCodeValue } from '../exit-codes.js';
import { starterFile } from '../starter.js';
import type { Session } from '../session.js';


export async function initCommand(session: Session, provider: string, flags: { force?: boolean }): Promise<ExitCodeValue> {
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
}
