/**
 * `providers`: what is installed where the CLI can load it, with each one's capabilities
 * (loading a provider's plugin imports only its package; its SDK is loaded when it is used).
 * The bodies live in ../actions/ and are imported when the command runs, so `--help` and
 * `--version` load only commander.
 */
import type { Command } from 'commander';
import type { Runner } from '../command.js';

export function registerProvidersCommand(program: Command, run: Runner): void {
  program
    .command('providers')
    .description('list the providers that are installed, with their capabilities')
    .action(run(() => import('../actions/providers.js').then((m) => m.providersCommand)));
}
