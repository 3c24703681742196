/**
 * The `stagely` program (commander): global options, the commands, and usage errors turned into
 * exit code 2 (with a JSON error document under --json). Only commander and the commands'
 * definitions load up front; a command's body, core and the providers when it runs.
 */
import { Command, CommanderError, Option } from 'commander';
import { registerEnvironmentCommands } from './commands/environments.js';
import { registerInitCommand } from './commands/init.js';
import { registerInstanceCommands } from './commands/instances.js';
import { registerProvidersCommand } from './commands/providers.js';
import { registerSweepCommand } from './commands/sweep.js';
import { registerValidateCommand } from './commands/validate.js';
import type { RunEnvironment, Runner } from './command.js';
import { CliError, ExitCode, type ExitCodeValue } from './exit-codes.js';

/** Put in by the build (tsup.config.ts); absent when the source runs as it is (tests of main()). */
declare const STAGELY_CLI_VERSION: string | undefined;

function version(): string {
  return typeof STAGELY_CLI_VERSION === 'string' ? STAGELY_CLI_VERSION : '0.0.0';
}

export function createProgram(env: RunEnvironment): Command {
  const program = new Command('stagely')
    .description('Plan, apply and manage virtual machines on any Stagely provider')
    .version(version(), '-V, --version')
    .option('-f, --file <path>', 'the environments file (default ./stagely.yml)')
    .option('--json', 'print one JSON document on stdout (errors too)')
    .addOption(new Option('--no-color', 'no colour (also NO_COLOR=1); FORCE_COLOR=1 forces it'))
    .option('-v, --verbose', 'also show every API request and state change')
    .showHelpAfterError('(run stagely --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => env.stdout.write(text),
      writeErr: (text) => env.stderr.write(text),
    });
  program.addHelpText(
    'after',
    `
Exit codes:
  0  done                          5  credentials refused
  1  an operation failed           6  no such instance
  2  usage or invalid stagely.yml  7  provider not installed or incompatible
  3  changes not confirmed         8  apply left hosts in conflict
  4  partly applied (see summary)  130 interrupted`,
  );
  const run: Runner = (load) => async (...args) => {
    const [{ runCommand }, body] = await Promise.all([import('./runner.js'), load()]);
    await runCommand(env, body, args);
  };
  registerInitCommand(program, run);
  registerProvidersCommand(program, run);
  registerValidateCommand(program, run);
  registerInstanceCommands(program, run);
  registerEnvironmentCommands(program, run);
  registerSweepCommand(program, run);
  for (const command of program.commands) {
    command.exitOverride().configureOutput({ writeOut: (text) => env.stdout.write(text), writeErr: (text) => env.stderr.write(text) });
  }
  return program;
}

/** Runs the CLI with `argv` (as in process.argv) and resolves with the exit code. */
export async function main(argv: readonly string[], env: Omit<RunEnvironment, 'setExitCode'>): Promise<ExitCodeValue> {
  let code: ExitCodeValue = ExitCode.OK;
  const program = createProgram({ ...env, setExitCode: (c) => (code = c) });
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      if (error.exitCode === 0) return ExitCode.OK;
      if (argv.includes('--json')) {
        const [{ Output }, { printError }] = await Promise.all([import('./output.js'), import('./runner.js')]);
        const output = new Output({ json: true, stdout: env.stdout, stderr: env.stderr, env: env.env });
        printError(output, new CliError('USAGE', error.message.replace(/^error: /, ''), ExitCode.USAGE));
      }
      return ExitCode.USAGE;
    }
    throw error;
  }
  return code;
}
