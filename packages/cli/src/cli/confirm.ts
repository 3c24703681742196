/**
 * Asking before anything is changed. Without --yes a person must say yes at a terminal; with no
 * terminal to ask on (CI, a pipe, --json) the command refuses rather than guess.
 */
import { createInterface } from 'node:readline/promises';
import { CliError, ExitCode } from './exit-codes.js';
import type { Session } from './session.js';

export async function confirm(session: Session, question: string, action: string, details: Record<string, unknown> = {}): Promise<void> {
  if (session.options.yes) return;
  if (!session.interactive) {
    const why = session.output.json ? '--json was given' : 'stdin is not a terminal';
    throw new CliError(
      'NOT_CONFIRMED',
      `Refusing to ${action} without confirmation (${why}): nothing was changed. Re-run with --yes to ${action}.`,
      ExitCode.NOT_CONFIRMED,
      details,
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const cancelled = new Promise<string>((resolve) => rl.once('SIGINT', () => resolve('')));
  try {
    const answer = await Promise.race([rl.question(`${question} ${session.output.ce.dim('[y/N]')} `), cancelled]);
    if (!/^y(es)?$/i.test(answer.trim())) {
      throw new CliError('NOT_CONFIRMED', `Cancelled; nothing was changed.`, ExitCode.NOT_CONFIRMED, details);
    }
  } finally {
    rl.close();
  }
}
