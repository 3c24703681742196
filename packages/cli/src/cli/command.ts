/**
 * What a command definition needs from the runner, without loading it: a command's body is
 * imported only when the command runs (`--help` and `--version` load commander and nothing else).
 */
import type { ExitCodeValue } from './exit-codes.js';
import type { Stream } from './output.js';
import type { Session, SessionIO } from './session.js';

export interface RunEnvironment extends SessionIO {
  stdout: Stream;
  stderr: Stream;
  /** Where the exit code of the command goes. */
  setExitCode(code: ExitCodeValue): void;
}

// Commander hands actions (...positionals, options, command); commands get (session, ...positionals, options).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandBody = (session: Session, ...args: any[]) => Promise<ExitCodeValue>;
/** Turns a loader of a command's body into a commander action. */
export type Runner = (load: () => Promise<CommandBody>) => (...args: unknown[]) => Promise<void>;
