/**
 * `plan`, `apply` and `destroy`: an environment of the file against what runs, through core's
 * plan/apply. Nothing changes without a yes (or --yes); progress per host while apply works; a
 * summary at the end that names every host created, deleted or failed.
 * The bodies live in ../actions/ and are imported when the command runs, so `--help` and
 * `--version` load only commander.
 */
import type { Command } from 'commander';
import { parsePositiveInt, parseSeconds } from '../arguments.js';
import type { Runner } from '../command.js';

export function registerEnvironmentCommands(program: Command, run: Runner): void {
  program
    .command('plan')
    .description('show what apply would change in an environment (reads only)')
    .argument('[environment]', "an environment of the file (default: the file's only one)")
    .option('--replace', 'plan to replace hosts that differ from the file instead of reporting them')
    .action(run(() => import('../actions/environments.js').then((m) => m.planCommand)));

  program
    .command('apply')
    .description('create and delete hosts so that an environment matches the file (asks first)')
    .argument('[environment]', "an environment of the file (default: the file's only one)")
    .option('-y, --yes', 'apply without asking')
    .option('--replace', 'replace hosts that differ from the file (terminate, then create)')
    .option('--concurrency <n>', 'creates and deletes in flight at once (default 4); waits for readiness take no slot', parsePositiveInt)
    .option('--timeout <seconds>', 'readiness limit per host (default 300)', parseSeconds)
    .action(run(() => import('../actions/environments.js').then((m) => m.applyCommand)));

  program
    .command('destroy')
    .description('terminate every host of an environment (asks first)')
    .argument('[environment]', "an environment name (default: the file's only one)")
    .option('-y, --yes', 'destroy without asking')
    .option('--concurrency <n>', 'creates and deletes in flight at once (default 4); waits for readiness take no slot', parsePositiveInt)
    .action(run(() => import('../actions/environments.js').then((m) => m.destroyCommand)));
}
