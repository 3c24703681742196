/**
 * Runs one command: builds the session from the global and command options, turns what the command
 * returns or throws into an exit code, and prints errors as `CODE: message` (or `{ "error": ... }`
 * with --json). Ctrl-C aborts the running operation through the session's signal; a second one quits.
 * Imported only once a command runs (see command.ts).
 */
import { setMaxListeners } from 'node:events';
import { isStagelyError, type ErrorCode } from '@stagely/provider-core';
import type { Command } from 'commander';
import { CliError, ExitCode, type ExitCodeValue } from './exit-codes.js';
import type { CommandBody, RunEnvironment } from './command.js';
import { Output } from './output.js';
import { Session, type GlobalOptions } from './session.js';

/** Runs `body` with commander's action arguments (`...positionals, options, command`). */
export async function runCommand(env: RunEnvironment, body: CommandBody, args: unknown[]): Promise<void> {
  const command = args.at(-1) as Command;
  const options = command.optsWithGlobals<GlobalOptions>();
  const output = new Output({ json: options.json === true, color: options.color, verbose: options.verbose, stdout: env.stdout, stderr: env.stderr, env: env.env });
  const controller = new AbortController();
  // Every call in flight listens to this one signal (16 hosts at once: 16 waits and more); each
  // listener goes when its call ends, so there is no leak for Node's warning to find.
  setMaxListeners(0, controller.signal);
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts++;
    if (interrupts > 1) process.exit(ExitCode.INTERRUPTED);
    output.note(output.ce.yellow('Stopping: waiting for calls in flight to finish (Ctrl-C again to quit at once)...'));
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  const session = new Session(options, output, env, controller.signal);
  try {
    env.setExitCode(await body(session, ...args.slice(0, -1)));
  } catch (error) {
    printError(output, error);
    env.setExitCode(exitCodeFor(error));
  } finally {
    session.close();
    process.off('SIGINT', onInterrupt);
  }
}

export function printError(output: Output, error: unknown): void {
  if (output.json) {
    output.result({ error: errorJson(error) });
    return;
  }
  const { code, message } = errorJson(error);
  output.stderr.write(`${output.redact(`${output.ce.red(code)}: ${message}`)}\n`);
  // Not one of ours is a bug: --verbose shows where (scrubbed like everything else).
  if (code === 'UNEXPECTED' && output.verbose && error instanceof Error && error.stack) {
    output.stderr.write(`${output.redact(output.ce.dim(error.stack))}\n`);
  }
}

/** An error as the CLI reports it: its code word (UNEXPECTED for anything not ours), message and details. */
export function errorJson(error: unknown): { code: string; message: string; details?: Record<string, unknown> } {
  if (error instanceof CliError) return { code: error.code, message: error.message, details: error.details };
  if (isStagelyError(error)) {
    const json = error.toJSON();
    return { code: json.code, message: json.message, details: { ...json.details, ...(json.provider ? { provider: json.provider } : {}) } };
  }
  // Not one of ours: a bug. Say so plainly.
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'UNEXPECTED', message };
}

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
function exitCodeFor(error: unknown): ExitCodeValue {
  if (error instanceof CliError) return error.exitCode;
  if (isStagelyError(error)) {
    // An apply stopped by Ctrl-C is reported in full, but exits as interrupted.
    if (error.code === 'APPLY_FAILED' && error.details.aborted === true) return ExitCode.INTERRUPTED;
    return BY_ERROR_CODE[error.code] ?? ExitCode.FAILURE;
  }
  return ExitCode.FAILURE;
}
