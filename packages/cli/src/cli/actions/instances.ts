/**
 * What `create`, `list`, `get`, `wait` and `terminate` do (their options: ../commands/instances.ts).
 * `create` takes its defaults from the file's `defaults`, so ad-hoc hosts look like the environment's.
 */
import { readFile } from 'node:fs/promises';
import { NotFoundError, isStagelyError, provisionInstance, type InstanceSpec } from '@stagely/provider-core';
import { specWithDefaults, type HostFields } from '../../config/desired.js';
import { ExitCode, usageError, type ExitCodeValue } from '../exit-codes.js';
import { renderInstance, renderInstanceTable, sortByName } from '../render/instances.js';
import { errorJson } from '../runner.js';
import type { Session } from '../session.js';


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

export async function createCommand(session: Session, name: string | undefined, flags: CreateFlags): Promise<ExitCodeValue> {
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
}

export async function listCommand(session: Session, flags: { tag?: Record<string, string>; env?: string }): Promise<ExitCodeValue> {
  const { provider } = await session.provider();
  const tags = { ...flags.tag, ...(flags.env === undefined ? {} : { 'stagely-env': flags.env }) };
  const instances = sortByName(await provider.listInstances(Object.keys(tags).length > 0 ? { tags } : {}, { signal: session.signal }));
  session.output.result({ instances });
  renderInstanceTable(session.output, instances);
  return ExitCode.OK;
}

export async function getCommand(session: Session, id: string): Promise<ExitCodeValue> {
  const { provider } = await session.provider();
  const instance = await provider.getInstance(id, { signal: session.signal });
  if (instance === null) throw noSuchInstance(id, provider.name);
  session.output.result({ instance });
  renderInstance(session.output, instance);
  return ExitCode.OK;
}

export async function waitCommand(session: Session, id: string, flags: { timeout?: number }): Promise<ExitCodeValue> {
  const { provider } = await session.provider();
  const op = { signal: session.signal };
  // Like `get`: an id the cloud does not know is said to not exist, at once (waiting out a cloud's
  // slow listing of a fresh instance is for `create --wait`, which knows the instance exists).
  if ((await provider.getInstance(id, op)) === null) throw noSuchInstance(id, provider.name);
  const instance = await provider.waitUntilReady(id, { ...op, ...(flags.timeout === undefined ? {} : { timeoutMs: flags.timeout }) });
  session.output.result({ instance });
  renderInstance(session.output, instance);
  return ExitCode.OK;
}

export async function terminateCommand(session: Session, ids: string[]): Promise<ExitCodeValue> {
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
}
