/**
 * The CLI's exit codes: a stable, documented API (see the README), so scripts can tell a refused
 * confirmation from a failed apply. Every StagelyError code maps to one of them (runner.ts).
 * Nothing here loads core: the program's definition and `--version` use these.
 */

export const ExitCode = {
  /** Done. */
  OK: 0,
  /** An operation failed (API, network, timeout, quota, capacity...). */
  FAILURE: 1,
  /** Bad arguments, an invalid or missing stagely.yml, a missing environment variable, invalid input. */
  USAGE: 2,
  /** Changes were not confirmed: declined at the prompt, or no terminal to ask on and no --yes. */
  NOT_CONFIRMED: 3,
  /** Some changes were made and some failed (apply, destroy, sweep, terminate): see the summary. */
  PARTIAL: 4,
  /** The credentials were refused (AUTHENTICATION, PERMISSION_DENIED) or cannot be opened (CREDENTIALS). */
  CREDENTIALS: 5,
  /** The instance does not exist (get, wait). */
  NOT_FOUND: 6,
  /** The provider is not installed, not a valid provider name, or an incompatible plugin. */
  PROVIDER_UNAVAILABLE: 7,
  /** apply: the environment differs from the file in ways it will not change without --replace. */
  CONFLICTS: 8,
  /** Interrupted (Ctrl-C) or aborted. */
  INTERRUPTED: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure of the CLI itself (usage, refused confirmation), with its own code word and exit code. */
export class CliError extends Error {
  readonly code: string;
  readonly exitCode: ExitCodeValue;
  readonly details: Record<string, unknown>;
  constructor(code: string, message: string, exitCode: ExitCodeValue, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'CliError';
    this.code = code;
    this.exitCode = exitCode;
    this.details = details;
  }
}

export const usageError = (message: string, details?: Record<string, unknown>) => new CliError('USAGE', message, ExitCode.USAGE, details);
