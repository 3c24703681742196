/**
 * The CLI's exit codes: a stable, documented API (see the README), so scripts can tell a refused
 * confirmation from a failed apply. Every StagelyError code maps to one of them.
 */
import { isStagelyError, type ErrorCode } from '@stagely/provider-core';

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

const BY_ERROR_CODE: Partial<Record<ErrorCode, ExitCodeValue>> = {
  INVALID_INPUT: ExitCode.USAGE,
  AUTHENTICATION: ExitCode.CREDENTIALS,
  PERMISSION_DENIED: ExitCode.CREDENTIALS,
  CREDENTIALS: ExitCode.CREDENTIALS,
  NOT_FOUND: ExitCode.NOT_FOUND,
  UNKNOWN_PROVIDER: ExitCode.PROVIDER_UNAVAILABLE,
  PROVIDER_NOT_INSTALLED: ExitCode.PROVIDER_UNAVAILABLE,
  INCOMPATIBLE_PLUGIN: ExitCode.PROVIDER_UNAVAILABLE,
  APPLY_FAILED: ExitCode.PARTIAL,
  ABORTED: ExitCode.INTERRUPTED,
};

/** The exit code for an error: by its StagelyError code, else (a bug, an unexpected failure) FAILURE. */
export function exitCodeFor(error: unknown): ExitCodeValue {
  if (error instanceof CliError) return error.exitCode;
  if (isStagelyError(error)) {
    // An apply stopped by Ctrl-C is reported in full, but exits as interrupted.
    if (error.code === 'APPLY_FAILED' && error.details.aborted === true) return ExitCode.INTERRUPTED;
    return BY_ERROR_CODE[error.code] ?? ExitCode.FAILURE;
  }
  return ExitCode.FAILURE;
}

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
