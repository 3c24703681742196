/**
 * Runs one command: builds the session from the global and command options, turns what the command
 * returns or throws into an exit code, and prints errors as `CODE: message` (or `{ "error": ... }`
 * with --json). Ctrl-C aborts the running operation through the session's signal; a second one quits.
 */
import { setMaxListeners } from 'node:events';
import { isStagelyError } from '@stagely/provider-core';
import type { Command } from 'commander';
import { CliError, ExitCode, exitCodeFor, type ExitCodeValue } from './exit-codes.js';
import { Output, type Stream } from './output.js';
import { Session, type GlobalOptions, type SessionIO } from './session.js';

export interface RunEnvironment extends SessionIO {
  stdout: Stream;
  stderr: Stream;
  /** Where the exit code of the command goes. */
  setExitCode(code: ExitCodeValue): void;
}

// Commander hands actions (...positionals, options, command); commands get (session, ...positionals, options).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandBody = (session: Session, ...args: any[]) => Promise<ExitCodeValue>;
export type Runner = (body: CommandBody) => (...args: unknown[]) => Promise<void>;

export function createRunner(env: RunEnvironment): Runner {
  return (body) =>
    async (...args) => {
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
        process.off('SIGINT', onInterrupt);
      }
    };
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
