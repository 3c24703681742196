/**
 * Single instances: `create`, `list`, `get`, `wait`, `terminate`. `create` takes its defaults from
 * the file's `defaults` when there is a file, so ad-hoc hosts look like the environment's.
 */
import { readFile } from 'node:fs/promises';
import { NotFoundError, isStagelyError, provisionInstance, type InstanceSpec } from '@stagely/provider-core';
import type { Command } from 'commander';
import {
  collect,
  collectTag,
  parseArchitecture,
  parseImage,
  parseSeconds,
  parseSize,
} from '../arguments.js';
import { specWithDefaults, type HostFields } from '../../config/desired.js';
import { ExitCode, usageError } from '../exit-codes.js';
import { renderInstance, renderInstanceTable, sortByName } from '../render/instances.js';
import { errorJson, type Runner } from '../runner.js';

interface CreateFlags {
  size?: InstanceSpec['size'];
  arch?: InstanceSpec['architecture'];
  region?: string;
  image?: InstanceSpec['image'];
  tag?: Record<string, string>;
  sshKey?: string[];
  spot?: boolean;
  userDataFile?: string;
  wait?: boolean;
  timeout?: number;
}

function noSuchInstance(id: string, provider: string): NotFoundError {
  return new NotFoundError(`No instance ${id} exists on ${provider}`, { provider, details: { instanceId: id } });
}

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
    .action(
      run(async (session, name: string | undefined, flags: CreateFlags) => {
        const defaults = (await session.config())?.data.defaults ?? {};
        const given: HostFields = {
          size: flags.size,
          architecture: flags.arch,
          region: flags.region,
          image: flags.image,
          tags: flags.tag,
          spot: flags.spot,
          ssh_keys: flags.sshKey,
          user_data: flags.userDataFile === undefined ? undefined : await readFile(flags.userDataFile, 'utf8'),
        };
        const { size, ...fields } = specWithDefaults(given, defaults);
        if (size === undefined) throw usageError('Give --size (small, medium, large or type:<provider type>), or set defaults.size in stagely.yml');
        const spec: InstanceSpec = { size, ...fields };
        if (name !== undefined) spec.name = name;

        const { provider } = await session.provider();
        const op = { signal: session.signal };
        const instance = flags.wait
          ? await provisionInstance(provider, spec, { ...op, ...(flags.timeout === undefined ? {} : { timeoutMs: flags.timeout }) })
          : await provider.createInstance(spec, op);
        session.output.result({ instance });
        renderInstance(session.output, instance);
        return ExitCode.OK;
      }),
    );

  program
    .command('list')
    .description('list the instances stagely manages')
    .option('--tag <key=value>', 'only instances with this tag (repeatable)', collectTag)
    .option('-e, --env <environment>', 'only the instances of this environment')
    .action(
      run(async (session, flags: { tag?: Record<string, string>; env?: string }) => {
        const { provider } = await session.provider();
        const tags = { ...flags.tag, ...(flags.env === undefined ? {} : { 'stagely-env': flags.env }) };
        const instances = sortByName(await provider.listInstances(Object.keys(tags).length > 0 ? { tags } : {}, { signal: session.signal }));
        session.output.result({ instances });
        renderInstanceTable(session.output, instances);
        return ExitCode.OK;
      }),
    );

  program
    .command('get')
    .description('show one instance')
    .argument('<id>', 'instance id')
    .action(
      run(async (session, id: string) => {
        const { provider } = await session.provider();
        const instance = await provider.getInstance(id, { signal: session.signal });
        if (instance === null) throw noSuchInstance(id, provider.name);
        session.output.result({ instance });
        renderInstance(session.output, instance);
        return ExitCode.OK;
      }),
    );

  program
    .command('wait')
    .description('wait until an instance is ready (running with a public IP)')
    .argument('<id>', 'instance id')
    .option('--timeout <seconds>', 'give up after this long (default 300)', parseSeconds)
    .action(
      run(async (session, id: string, flags: { timeout?: number }) => {
        const { provider } = await session.provider();
        const op = { signal: session.signal };
        // Unknown now may still be a create the cloud has not caught up with: wait rides that out,
        // but an id it never found is reported as one that does not exist, not as one that went away.
        const seen = (await provider.getInstance(id, op)) !== null;
        const instance = await provider
          .waitUntilReady(id, { ...op, ...(flags.timeout === undefined ? {} : { timeoutMs: flags.timeout }) })
          .catch((error: unknown) => {
            if (seen || !isStagelyError(error, 'NOT_FOUND')) throw error;
            throw noSuchInstance(id, provider.name);
          });
        session.output.result({ instance });
        renderInstance(session.output, instance);
        return ExitCode.OK;
      }),
    );

  program
    .command('terminate')
    .description('terminate instances by id (an unknown or already terminated id is fine)')
    .argument('<id...>', 'instance ids')
    .action(
      run(async (session, ids: string[]) => {
        const { provider } = await session.provider();
        const terminated: string[] = [];
        /** Ids with no instance (unknown, or already gone): nothing to do, and said so. */
        const missing: string[] = [];
        const failed: { id: string; code: string; message: string }[] = [];
        const op = { signal: session.signal };
        for (const id of ids) {
          try {
            const instance = await provider.getInstance(id, op);
            if (instance === null || instance.state === 'terminated') {
              missing.push(id);
              session.output.line(`${session.output.c.dim('no such instance')} ${id}: nothing to terminate`);
              continue;
            }
            await provider.terminateInstance(id, op);
            terminated.push(id);
            session.output.line(`${session.output.c.red('terminated')} ${id}`);
          } catch (error) {
            // One id failing stops nothing (each id is its own request), but an abort stops all.
            if (ids.length === 1 || isStagelyError(error, 'ABORTED')) throw error;
            const { code, message } = errorJson(error);
            failed.push({ id, code, message });
            session.output.line(`${session.output.c.red('failed')}     ${id}: ${code}: ${message}`);
          }
        }
        session.output.result({ terminated, missing, failed });
        if (failed.length === 0) return ExitCode.OK;
        return terminated.length > 0 ? ExitCode.PARTIAL : ExitCode.FAILURE;
      }),
    );
}
