/**
 * Single instances: `create`, `list`, `get`, `wait`, `terminate`. `create` takes its defaults from
 * the file's `defaults` when there is a file, so ad-hoc hosts look like the environment's.
 * The bodies live in ../actions/ and are imported when the command runs, so `--help` and
 * `--version` load only commander.
 */
import type { Command } from 'commander';
import { collect, collectTag, parseArchitecture, parseImage, parseSeconds, parseSize } from '../arguments.js';
import type { Runner } from '../command.js';

export function registerInstanceCommands(program: Command, run: Runner): void {
  program
    .command('create')
    .description("create one instance (fields not given come from the file's defaults)")
    .argument('[name]', 'instance name (default stagely-<random>)')
    .option('--size <size>', 'small, medium, large or type:<provider type>', parseSize)
    .option('--arch <architecture>', 'amd64 or arm64', parseArchitecture)
    .option('--region <region>', "region (default: the provider's)")
    .option('--image <image>', 'ubuntu:<version>, debian:<version>, id:<image> or snapshot:<id>', parseImage)
    .option('--tag <key=value>', 'a tag (repeatable)', collectTag)
    .option('--ssh-key <name>', 'an SSH key of the account (repeatable)', collect)
    .option('--spot', 'spot / preemptible where offered')
    .option('--user-data-file <path>', 'cloud-init user data from a file')
    .option('--wait', 'wait until it is ready; terminate it if it never gets there')
    .option('--timeout <seconds>', 'readiness limit with --wait (default 300)', parseSeconds)
    .action(run(() => import('../actions/instances.js').then((m) => m.createCommand)));

  program
    .command('list')
    .description('list the instances stagely manages')
    .option('--tag <key=value>', 'only instances with this tag (repeatable)', collectTag)
    .option('-e, --env <environment>', 'only the instances of this environment')
    .action(run(() => import('../actions/instances.js').then((m) => m.listCommand)));

  program
    .command('get')
    .description('show one instance')
    .argument('<id>', 'instance id')
    .action(run(() => import('../actions/instances.js').then((m) => m.getCommand)));

  program
    .command('wait')
    .description('wait until an instance is ready (running with a public IP)')
    .argument('<id>', 'instance id')
    .option('--timeout <seconds>', 'give up after this long (default 300)', parseSeconds)
    .action(run(() => import('../actions/instances.js').then((m) => m.waitCommand)));

  program
    .command('terminate')
    .description('terminate instances by id (an unknown or already terminated id is fine)')
    .argument('<id...>', 'instance ids')
    .action(run(() => import('../actions/instances.js').then((m) => m.terminateCommand)));
}
