/**
 * `validate`: the file is valid, the provider is installed and takes its config, the cloud accepts
 * the credentials (one light API call), and every host passes the provider's preflight (catalogue,
 * region, image, SSH keys, tags; read calls only) with an instance name no other host makes. Exit 5
 * when the credentials are refused, 2 with every problem at its line of the file.
 * The bodies live in ../actions/ and are imported when the command runs, so `--help` and
 * `--version` load only commander.
 */
import type { Command } from 'commander';
import type { Runner } from '../command.js';

export function registerValidateCommand(program: Command, run: Runner): void {
  program
    .command('validate')
    .description('check stagely.yml and that the provider accepts the credentials')
    .action(run(() => import('../actions/validate.js').then((m) => m.validateCommand)));
}
