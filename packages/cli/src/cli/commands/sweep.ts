/**
 * `sweep`: terminate managed instances that carry given tags, e.g. leftovers of CI runs
 * (`--tag stagely-run=ci-123`). A dry run unless --yes: it lists what it would terminate.
 * The bodies live in ../actions/ and are imported when the command runs, so `--help` and
 * `--version` load only commander.
 */
import type { Command } from 'commander';
import { collectTag, parsePositiveInt } from '../arguments.js';
import type { Runner } from '../command.js';

export function registerSweepCommand(program: Command, run: Runner): void {
  program
    .command('sweep')
    .description('terminate managed instances with the given tags (a dry run unless --yes)')
    .option('--tag <key=value>', 'only instances with this tag (repeatable; all must match)', collectTag)
    .option('--all', 'every instance stagely manages in the account, whatever its tags')
    .option('-y, --yes', 'terminate them (without it, only list them)')
    .option('--concurrency <n>', 'terminations at once (default 4)', parsePositiveInt)
    .action(run(() => import('../actions/sweep.js').then((m) => m.sweepCommand)));
}
