/**
 * plan / apply against a small provider defined here (core may not depend on provider-mock): instances
 * live in memory, boot after a few ms, and creates can be made to fail per host. The same behaviours
 * are checked against the mock in provider-mock/test/plan-apply*.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  ApplyError,
  ConflictError,
  InvalidInputError,
  NetworkError,
  NotSupportedError,
  QuotaExceededError,
  apply,
  describeRecordedImage,
  encodeImage,
  isEmptyPlan,
  isStagelyError,
  plan,
  type ApplyProgressEvent,
  type CloudProvider,
  type DesiredEnvironment,
  type Instance,
  type InstanceSpec,
  type ListFilter,
  type Op,
  type ResolvedSpec,
  type WaitOptions,
} from '../src/index.js';
import { abortedError, backoffSchedule, pollUntilReady, sleep, throwIfAborted } from '../src/provider.js';

const TYPES: Record<string, string> = { small: 't-small', medium: 't-medium', large: 't-large' };

/** An in-memory cloud: ready `bootMs` after create; `failCreate` makes a host's create fail. */
class MemoryProvider implements CloudProvider {
  readonly contractVersion = 1 as const;
  readonly name = 'memory';
  readonly capabilities = { architectures: ['amd64', 'arm64'] as const, spot: true, snapshots: false, sshKeys: false };
  readonly instances = new Map<string, Instance & { readyAt: number }>();
  readonly calls: Record<string, number> = {};
  /** Instance names whose next create is refused, or whose instance never becomes ready. */
  readonly failCreate = new Map<string, Error>();
  readonly neverReady = new Set<string>();
  inFlight = 0;
  maxInFlight = 0;
  creating = 0;
  maxCreating = 0;
  validating = 0;
  maxValidating = 0;
  /** The next validateSpec calls fail with this (a failure that is not a refusal of the spec). */
  validateFailure: Error | undefined;
  private nextId = 1;

  constructor(private readonly bootMs = 5) {}

  private count(method: string, o?: Op) {
    this.calls[method] = (this.calls[method] ?? 0) + 1;
    throwIfAborted(o?.signal, this.name);
  }

  async validateCredentials(o?: Op) {
    this.count('validateCredentials', o);
  }

  /** Refuses what a cloud would: an unknown region, a tag key with a space, a name over 20 characters. */
  async validateSpec(spec: InstanceSpec, o?: Op): Promise<ResolvedSpec> {
    this.count('validateSpec', o);
    this.validating++;
    this.maxValidating = Math.max(this.maxValidating, this.validating);
    try {
      await sleep(1, o?.signal);
    } finally {
      this.validating--;
    }
    if (this.validateFailure) throw this.validateFailure;
    if (spec.region !== undefined && !spec.region.startsWith('home-')) {
      throw new InvalidInputError('region', `Unknown region "${spec.region}"`, { provider: this.name });
    }
    const badKey = Object.keys(spec.tags ?? {}).find((key) => key.includes(' '));
    if (badKey !== undefined) throw new InvalidInputError(`tags.${badKey}`, `Tag key "${badKey}" has a space`, { provider: this.name });
    if ((spec.name ?? '').length > 20) throw new InvalidInputError('name', 'must be at most 20 characters', { provider: this.name });
    if (spec.spot && spec.architecture === 'arm64') throw new NotSupportedError('spot', 'no arm64 spot here', { provider: this.name });
    const type = typeof spec.size === 'string' ? TYPES[spec.size]! : spec.size.type;
    return { type, region: spec.region ?? 'home-1', architecture: spec.architecture ?? 'amd64', image: 'ubuntu', spot: spec.spot ?? false, warnings: [] };
  }

  async createInstance(spec: InstanceSpec, o?: Op): Promise<Instance> {
    this.count('createInstance', o);
    this.creating++;
    this.maxCreating = Math.max(this.maxCreating, this.creating);
    try {
      await sleep(1, o?.signal);
    } finally {
      this.creating--;
    }
    const name = spec.name ?? `stagely-${this.nextId}`;
    const refusal = this.failCreate.get(name);
    if (refusal) throw refusal;
    if ([...this.instances.values()].some((i) => i.name === name && i.state !== 'terminated')) {
      throw new ConflictError(`name ${name} is taken`, { provider: this.name });
    }
    const size = typeof spec.size === 'string' ? TYPES[spec.size]! : spec.size.type;
    const instance = {
      id: `m-${this.nextId++}`,
      provider: this.name,
      name,
      state: 'pending' as const,
      providerState: 'starting',
      publicIp: null,
      privateIp: null,
      region: spec.region ?? 'home-1',
      type: size,
      architecture: spec.architecture ?? 'amd64',
      spot: spec.spot ?? false,
      tags: { ...spec.tags, 'managed-by': 'stagely' },
      createdAt: new Date(),
      warnings: [],
      readyAt: this.neverReady.has(name) ? Infinity : Date.now() + this.bootMs,
    };
    this.instances.set(instance.id, instance);
    return this.view(instance);
  }

  private view(stored: Instance & { readyAt: number }): Instance {
    const { readyAt, ...instance } = stored;
    if (instance.state === 'pending' && Date.now() >= readyAt) {
      Object.assign(stored, { state: 'running', providerState: 'running', publicIp: `192.0.2.${stored.id.slice(2)}` });
      return this.view(stored);
    }
    return { ...instance, tags: { ...instance.tags } };
  }

  async getInstance(id: string, o?: Op) {
    this.count('getInstance', o);
    const found = this.instances.get(id);
    return found ? this.view(found) : null;
  }

  async listInstances(filter?: ListFilter, o?: Op) {
    this.count('listInstances', o);
    return [...this.instances.values()]
      .map((i) => this.view(i))
      .filter((i) => i.state !== 'terminated')
      .filter((i) => Object.entries(filter?.tags ?? {}).every(([k, v]) => i.tags[k] === v));
  }

  async terminateInstance(id: string, o?: Op) {
    this.count('terminateInstance', o);
    const found = this.instances.get(id);
    if (found) Object.assign(found, { state: 'terminated', providerState: 'deleted', publicIp: null });
  }

  async waitUntilReady(id: string, o: WaitOptions = {}) {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      return await pollUntilReady((i, op) => this.getInstance(i, op), id, {
        ...o,
        provider: this.name,
        schedule: backoffSchedule({ firstMs: 2, maxIntervalMs: 5 }),
      });
    } finally {
      this.inFlight--;
    }
  }

  async createSnapshot(): Promise<never> {
    throw new Error('not offered');
  }
  async listSnapshots() {
    return [];
  }
  async deleteSnapshot() {}
  async listSshKeys() {
    return [];
  }

  live(): Instance[] {
    return [...this.instances.values()].map((i) => this.view(i)).filter((i) => i.state !== 'terminated');
  }
}

const desired = (hosts: DesiredEnvironment['hosts'], environment = 'dev'): DesiredEnvironment => ({ environment, hosts });
const web = (name: string, extra: Partial<DesiredEnvironment['hosts'][number]> = {}) => ({ name, size: 'small' as const, role: 'web', ...extra });

async function invalidField(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => expect.fail('expected an InvalidInputError'),
    (e: unknown) => e,
  );
  expect(InvalidInputError.isInstance(error)).toBe(true);
  return (error as InvalidInputError).field;
}

describe('plan', () => {
  it('validates the desired environment up front, naming the field', async () => {
    const provider = new MemoryProvider();
    expect(await invalidField(plan(provider, desired([web('a'), web('b'), web('c'), web('b')])))).toBe('hosts[3].name');
    expect(await invalidField(plan(provider, desired([web('Web_1')])))).toBe('hosts[0].name');
    expect(await invalidField(plan(provider, desired([web('a')], '-dev')))).toBe('environment');
    expect(await invalidField(plan(provider, desired([web('a', { size: 'huge' as never })])))).toBe('hosts[0].size');
    expect(await invalidField(plan(provider, desired([web('a', { tags: { 'stagely-env': 'x' } })])))).toBe('hosts[0].tags.stagely-env');
    expect(await invalidField(plan(provider, desired([web('a', { role: 'a.b' })])))).toBe('hosts[0].role');
    expect(await invalidField(plan(provider, desired([web('x'.repeat(60))])))).toBe('hosts[0].name');
    expect(await invalidField(plan(provider, desired([{ ...web('a'), colour: 'red' } as never])))).toBe('hosts[0].colour');
    expect(await invalidField(plan(provider, desired([web('a')]), { policy: 'yolo' as never }))).toBe('policy');
    // Nothing was read for bad input.
    expect(provider.calls.listInstances).toBeUndefined();
  });

  it('plans creates for an empty environment, sorted by name, with the environment tags', async () => {
    const provider = new MemoryProvider();
    const result = await plan(provider, desired([web('web-2'), web('db', { role: 'db', size: 'large' }), web('web-1')]));
    expect(result.create.map((c) => c.name)).toEqual(['dev-db', 'dev-web-1', 'dev-web-2']);
    expect(result.create[0]!.spec).toEqual({
      name: 'dev-db',
      size: 'large',
      architecture: 'amd64',
      image: { ubuntu: '24.04' },
      tags: {
        'stagely-arch': 'amd64',
        'stagely-env': 'dev',
        'stagely-host': 'db',
        'stagely-image': 'ubuntu-24_2e04',
        'stagely-role': 'db',
        'stagely-size': 'large',
      },
    });
    expect(result).toMatchObject({ environment: 'dev', provider: 'memory', delete: [], keep: [], conflicts: [], replace: [], problems: [] });
    expect(provider.calls).toEqual({ listInstances: 1, validateSpec: 3 });
  });

  it('runs validateSpec for every host to create or replace, a few at once, and carries what it resolved', async () => {
    const provider = new MemoryProvider();
    await apply(provider, await plan(provider, desired([web('kept'), web('changed')])));
    const hosts = [web('kept'), web('changed', { size: 'large' }), ...['n1', 'n2', 'n3', 'n4', 'n5', 'n6'].map((n) => web(n))];
    const calls = provider.calls.validateSpec ?? 0;
    const result = await plan(provider, desired(hosts), { policy: 'replace', preflightConcurrency: 2 });
    // Every create and the replace, never the host that is kept.
    expect((provider.calls.validateSpec ?? 0) - calls).toBe(7);
    expect(provider.maxValidating).toBeLessThanOrEqual(2);
    expect(result.create[0]).toMatchObject({ name: 'dev-n1', resolved: { type: 't-small', region: 'home-1', architecture: 'amd64', image: 'ubuntu' } });
    expect(result.replace[0]).toMatchObject({ name: 'dev-changed', resolved: { type: 't-large' } });
    expect(result.problems).toEqual([]);
    expect(await invalidField(plan(provider, desired(hosts), { preflightConcurrency: 0 }))).toBe('preflightConcurrency');
  });

  it('lists every spec the provider refuses and every instance name made twice as problems, sorted by host and field', async () => {
    const provider = new MemoryProvider();
    const file = desired([
      web('web', { region: 'nowhere' }),
      web('db', { tags: { 'cost center': 'x' } }),
      web('a-long-host-name-x'),
      web('b-c'),
      web('gpu', { spot: true, architecture: 'arm64' }),
      web('ok'),
    ]);
    const others = [desired([web('c')], 'dev-b'), desired([web('b-c')], 'dev')];
    const result = await plan(provider, file, { otherEnvironments: others });
    expect(result.problems.map((p) => [p.host, p.field, p.code])).toEqual([
      ['a-long-host-name-x', 'name', 'INVALID_INPUT'],
      ['b-c', 'name', 'CONFLICT'],
      ['db', 'tags.cost center', 'INVALID_INPUT'],
      ['gpu', 'spot', 'NOT_SUPPORTED'],
      ['web', 'region', 'INVALID_INPUT'],
    ]);
    expect(result.problems[1]).toEqual({
      host: 'b-c',
      name: 'dev-b-c',
      field: 'name',
      code: 'CONFLICT',
      message: 'makes the instance name "dev-b-c", as host "c" of environment "dev-b" does',
    });
    expect(result.problems[4]!.message).toBe('Unknown region "nowhere"');
    // A refused host carries nothing resolved; the others do.
    expect(result.create.filter((c) => c.resolved).map((c) => c.host)).toEqual(['b-c', 'ok']);
    expect(isEmptyPlan(await plan(provider, desired([]), { otherEnvironments: others }))).toBe(true);
    // Deterministic: the same input in another order gives the same JSON.
    const again = await plan(provider, desired([...file.hosts].reverse()), { otherEnvironments: [...others].reverse() });
    expect(JSON.stringify(again)).toBe(JSON.stringify(result));
    expect(provider.calls.createInstance).toBeUndefined();
  });

  it('fails, rather than lists, what is not a refusal of the spec', async () => {
    const provider = new MemoryProvider();
    provider.validateFailure = new NetworkError('connection reset', { provider: provider.name });
    await expect(plan(provider, desired([web('a'), web('b')]))).rejects.toSatisfy((e) => isStagelyError(e, 'NETWORK'));
    await expect(plan(provider, desired([web('a')]), { otherEnvironments: [{ environment: 'Bad', hosts: [] }] })).rejects.toSatisfy(
      (e) => isStagelyError(e, 'INVALID_INPUT') && e.details.field === 'otherEnvironments[0].environment',
    );
  });

  it('is deterministic: the same input and state give byte-identical JSON, whatever the host order', async () => {
    const provider = new MemoryProvider();
    const hosts = [web('c', { tags: { team: 'x', app: 'y' } }), web('a'), web('b', { region: 'home-2' })];
    await apply(provider, await plan(provider, desired([hosts[1]!])));
    const first = JSON.stringify(await plan(provider, desired(hosts)));
    const second = JSON.stringify(await plan(provider, desired([...hosts].reverse())));
    expect(second).toBe(first);
    expect(JSON.parse(first).create[0].spec.tags).toEqual({
      'stagely-arch': 'amd64',
      'stagely-env': 'dev',
      'stagely-host': 'b',
      'stagely-image': 'ubuntu-24_2e04',
      'stagely-role': 'web',
      'stagely-size': 'small',
    });
  });

  it('reports conflicts with the differing fields and leaves them alone; replace opts in', async () => {
    const provider = new MemoryProvider();
    await apply(provider, await plan(provider, desired([web('a'), web('b'), web('c', { size: { type: 't-small' } })])));
    const changed = desired([
      web('a', { size: 'medium', architecture: 'arm64' }),
      web('b', { image: { debian: '12' }, region: 'home-2', role: 'api' }),
      web('c', { size: { type: 't-large' } }),
    ]);
    const reported = await plan(provider, changed);
    expect(reported.keep).toEqual([]);
    expect(reported.conflicts.map((c) => [c.name, c.differences])).toEqual([
      [
        'dev-a',
        [
          { field: 'size', desired: 'medium', actual: 'small' },
          { field: 'architecture', desired: 'arm64', actual: 'amd64' },
        ],
      ],
      [
        'dev-b',
        [
          { field: 'region', desired: 'home-2', actual: 'home-1' },
          { field: 'image', desired: 'debian:12', actual: 'ubuntu:24.04' },
          { field: 'role', desired: 'api', actual: 'web' },
        ],
      ],
      ['dev-c', [{ field: 'size', desired: 'type:t-large', actual: 'type:t-small' }]],
    ]);
    const before = provider.live().map((i) => i.id);
    const untouched = await apply(provider, reported);
    expect(untouched.conflicts).toHaveLength(3);
    expect(provider.live().map((i) => i.id)).toEqual(before);

    const replacing = await plan(provider, changed, { policy: 'replace' });
    expect(replacing.conflicts).toEqual([]);
    expect(replacing.replace.map((r) => [r.name, r.instanceId])).toEqual(reported.conflicts.map((c) => [c.name, c.instanceId]));
    const result = await apply(provider, replacing);
    expect(result.deleted.map((d) => d.instanceId)).toEqual(before);
    expect(result.created.map((c) => c.name)).toEqual(['dev-a', 'dev-b', 'dev-c']);
    expect(isEmptyPlan(await plan(provider, changed))).toBe(true);
  });

  it('compares the region with defaultRegion when the file gives none', async () => {
    const provider = new MemoryProvider();
    await apply(provider, await plan(provider, desired([web('a')])));
    expect(isEmptyPlan(await plan(provider, desired([web('a')]), { defaultRegion: 'home-1' }))).toBe(true);
    const moved = await plan(provider, desired([web('a')]), { defaultRegion: 'home-2' });
    expect(moved.conflicts[0]!.differences).toEqual([{ field: 'region', desired: 'home-2', actual: 'home-1' }]);
  });

  it('deletes instances of hosts no longer in the file, and duplicates of a host', async () => {
    const provider = new MemoryProvider();
    await apply(provider, await plan(provider, desired([web('a'), web('b')])));
    // A stray second instance for host a (an interrupted apply), and one without a host tag.
    const stray = await provider.createInstance({ name: 'dev-a-old', size: 'large', tags: { 'stagely-env': 'dev', 'stagely-host': 'a' } });
    const orphan = await provider.createInstance({ name: 'dev-orphan', size: 'small', tags: { 'stagely-env': 'dev' } });
    await provider.createInstance({ name: 'prod-a', size: 'small', tags: { 'stagely-env': 'prod', 'stagely-host': 'a' } });
    const result = await plan(provider, desired([web('a')]));
    expect(result.keep.map((k) => k.name)).toEqual(['dev-a']);
    expect(result.delete).toEqual([
      { name: 'dev-a-old', host: 'a', instanceId: stray.id, reason: 'duplicate' },
      { name: 'dev-b', host: 'b', instanceId: expect.any(String), reason: 'not-in-file' },
      { name: 'dev-orphan', host: null, instanceId: orphan.id, reason: 'not-in-file' },
    ]);
  });

  it('treats an instance with nothing recorded as a conflict, never as a match', async () => {
    const provider = new MemoryProvider();
    await provider.createInstance({ name: 'dev-a', size: 'small', tags: { 'stagely-env': 'dev', 'stagely-host': 'a' } });
    const result = await plan(provider, desired([{ name: 'a', size: 'small' }]));
    expect(result.conflicts[0]!.differences).toEqual([
      { field: 'size', desired: 'small', actual: 'type:t-small' },
      { field: 'image', desired: 'ubuntu:24.04', actual: null },
    ]);
  });

  it('does not read when already aborted', async () => {
    const provider = new MemoryProvider();
    const controller = new AbortController();
    controller.abort();
    await expect(plan(provider, desired([web('a')]), { signal: controller.signal })).rejects.toSatisfy((e) => AbortedError.isInstance(e));
    expect(provider.calls.listInstances).toBeUndefined();
  });
});

describe('image record', () => {
  it('round-trips within label syntax, and hashes what would not fit', () => {
    for (const image of [{ ubuntu: '24.04' }, { id: 'ami-0abc_def' }, { snapshot: 'snap:1/2' }, { id: 'ends-' }, { id: 'ïmage' }]) {
      const encoded = encodeImage(image);
      expect(encoded).toMatch(/^[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$/);
      const [kind, value] = Object.entries(image)[0]!;
      expect(describeRecordedImage(encoded)).toBe(`${kind}:${value}`);
    }
    const long = encodeImage({ id: 'x'.repeat(100) });
    expect(long).toMatch(/^id-_z[0-9a-f]{32}$/);
    expect(encodeImage({ id: 'x'.repeat(100) })).toBe(long);
    expect(encodeImage({ id: `${'x'.repeat(99)}y` })).not.toBe(long);
    expect(encodeImage({ id: 'образ' })).toMatch(/^id-_z[0-9a-f]{32}$/);
  });
});

describe('apply', () => {
  it('creates and waits until ready, then the same file plans empty; applying again changes nothing', async () => {
    const provider = new MemoryProvider();
    const file = desired([web('a'), web('b'), web('c', { role: 'db' })]);
    const first = await plan(provider, file);
    const result = await apply(provider, first);
    expect(result.created.map((c) => c.name)).toEqual(['dev-a', 'dev-b', 'dev-c']);
    expect(result.created.every((c) => typeof c.publicIp === 'string')).toBe(true);
    expect(provider.live().every((i) => i.state === 'running')).toBe(true);
    const again = await plan(provider, file);
    expect(isEmptyPlan(again)).toBe(true);
    expect(again.keep.map((k) => k.name)).toEqual(['dev-a', 'dev-b', 'dev-c']);

    // The old plan applied again (a retry): every create is found done and skipped.
    const creates = provider.calls.createInstance;
    const repeat = await apply(provider, first);
    expect(repeat.created).toEqual([]);
    expect(repeat.skipped.map((s) => s.name)).toEqual(['dev-a', 'dev-b', 'dev-c']);
    expect(provider.calls.createInstance).toBe(creates);
  });

  it('reports progress per host in order', async () => {
    const provider = new MemoryProvider();
    await apply(provider, await plan(provider, desired([web('old')])));
    const events: ApplyProgressEvent[] = [];
    const next = await plan(provider, desired([web('new')]));
    await apply(provider, next, { onProgress: (e) => events.push(e) });
    const byHost = (host: string) => events.filter((e) => e.host === host).map((e) => e.status);
    expect(byHost('new')).toEqual(['queued', 'creating', 'waiting', 'ready']);
    expect(byHost('old')).toEqual(['queued', 'deleting', 'deleted']);
    expect(events.find((e) => e.status === 'waiting')?.instanceId).toMatch(/^m-/);
    // Every event of a delete names its instance, from `queued` on.
    expect(events.filter((e) => e.host === 'old').map((e) => e.instanceId)).toEqual(Array(3).fill(next.delete[0]!.instanceId));
  });

  it('names the instance of a delete that an abort stopped before it started', async () => {
    const provider = new MemoryProvider();
    await apply(provider, await plan(provider, desired([web('a'), web('b')])));
    const removal = await plan(provider, desired([]));
    const controller = new AbortController();
    const error = (await apply(provider, removal, {
      concurrency: 1,
      signal: controller.signal,
      onProgress: (e) => {
        if (e.status === 'deleting') controller.abort();
      },
    }).catch((e: unknown) => e)) as ApplyError;
    expect(ApplyError.isInstance(error)).toBe(true);
    expect(error.failed.map((f) => [f.name, f.code, f.instanceId])).toContainEqual(['dev-b', 'ABORTED', removal.delete[1]!.instanceId]);
  });

  it('bounds the changes in flight by concurrency', async () => {
    const provider = new MemoryProvider(15);
    await apply(provider, await plan(provider, desired(Array.from({ length: 9 }, (_, i) => web(`h${i}`)))), { concurrency: 3 });
    expect(provider.live()).toHaveLength(9);
    expect(provider.maxCreating).toBeLessThanOrEqual(3);
    expect(provider.maxCreating).toBeGreaterThan(1);
  });

  it('waits take no slot: with one slot, every host waits for readiness at the same time', async () => {
    // Nothing boots until all six wait: with a slot held through each wait this would never finish.
    const provider = new MemoryProvider(Infinity);
    const hosts = Array.from({ length: 6 }, (_, i) => web(`h${i}`));
    const result = await apply(provider, await plan(provider, desired(hosts)), {
      concurrency: 1,
      onProgress: (e) => {
        if (e.status === 'waiting' && provider.inFlight === 5) for (const instance of provider.instances.values()) instance.readyAt = 0;
      },
    });
    expect(result.created).toHaveLength(6);
    expect(provider.maxCreating).toBe(1);
    expect(provider.maxInFlight).toBe(6);
  });

  it('rejects a partial failure with ApplyError listing created, deleted and failed, leaving nothing half-made', async () => {
    const provider = new MemoryProvider();
    await apply(provider, await plan(provider, desired([web('gone')])));
    provider.failCreate.set('dev-b', new QuotaExceededError('instance limit reached', { provider: 'memory' }));
    provider.neverReady.add('dev-c');
    const error = await apply(provider, await plan(provider, desired([web('a'), web('b'), web('c')])), { readyTimeoutMs: 40 }).catch(
      (e: unknown) => e,
    );
    expect(ApplyError.isInstance(error)).toBe(true);
    expect(isStagelyError(error, 'APPLY_FAILED')).toBe(true);
    const failure = error as ApplyError;
    expect(failure.created.map((c) => c.name)).toEqual(['dev-a']);
    expect(failure.deleted.map((d) => d.name)).toEqual(['dev-gone']);
    expect(failure.failed).toEqual([
      { name: 'dev-b', host: 'b', action: 'create', code: 'QUOTA_EXCEEDED', message: 'instance limit reached' },
      { name: 'dev-c', host: 'c', action: 'create', code: 'TIMEOUT', message: expect.any(String), instanceId: expect.any(String), terminated: true },
    ]);
    expect(failure.toJSON().details).toMatchObject({ failed: failure.failed, created: failure.created });
    // The instance made for c was terminated: only a runs.
    expect(provider.live().map((i) => i.name)).toEqual(['dev-a']);
    // Planning again shows exactly what is left to do.
    provider.failCreate.clear();
    provider.neverReady.clear();
    expect((await plan(provider, desired([web('a'), web('b'), web('c')]))).create.map((c) => c.name)).toEqual(['dev-b', 'dev-c']);
  });

  it('puts one listener on the caller\'s signal however many hosts wait at once (no MaxListeners warning)', async () => {
    const provider = new MemoryProvider(20);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const controller = new AbortController();
      const hosts = Array.from({ length: 20 }, (_, i) => web(`h${i}`));
      const result = await apply(provider, await plan(provider, desired(hosts)), { concurrency: 20, signal: controller.signal });
      expect(result.created).toHaveLength(20);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it('honours abort: nothing left half-made, un-started hosts listed as failed', async () => {
    const provider = new MemoryProvider(10_000);
    const controller = new AbortController();
    // One slot: h0 is created and waits; the abort comes as h1's create starts; h2 and h3 never start.
    const run = apply(provider, await plan(provider, desired(Array.from({ length: 4 }, (_, i) => web(`h${i}`)))), {
      concurrency: 1,
      signal: controller.signal,
      onProgress: (e) => {
        if (e.status === 'creating' && e.host === 'h1') controller.abort();
      },
    });
    const error = (await run.catch((e: unknown) => e)) as ApplyError;
    expect(ApplyError.isInstance(error)).toBe(true);
    expect(error.aborted).toBe(true);
    expect(AbortedError.isInstance(error.cause)).toBe(true);
    expect(error.failed.map((f) => [f.name, f.code])).toEqual([
      ['dev-h0', 'ABORTED'],
      ['dev-h1', 'ABORTED'],
      ['dev-h2', 'ABORTED'],
      ['dev-h3', 'ABORTED'],
    ]);
    expect(provider.calls.createInstance).toBe(2);
    // h0 was made and then terminated by provisionInstance's cleanup, which runs after the abort.
    expect(provider.live()).toEqual([]);
  });

  it('refuses an aborted signal, bad options, another provider or a tampered plan before changing anything', async () => {
    const provider = new MemoryProvider();
    const good = await plan(provider, desired([web('a')]));
    await expect(apply(provider, good, { signal: abortedSignal() })).rejects.toSatisfy((e) => AbortedError.isInstance(e));
    expect(await invalidField(apply(provider, good, { concurrency: 0 }))).toBe('concurrency');
    expect(await invalidField(apply(provider, good, { readyTimeoutMs: -1 }))).toBe('readyTimeoutMs');
    expect(await invalidField(apply(provider, { ...good, provider: 'other' }))).toBe('plan.provider');
    const untagged = structuredClone(good);
    untagged.create[0]!.spec.tags = {};
    expect(await invalidField(apply(provider, untagged))).toBe('plan.create[0].spec.tags');
    const badSize = structuredClone(good);
    badSize.create[0]!.spec.size = 'huge' as never;
    expect(await invalidField(apply(provider, badSize))).toBe('plan.create[0].spec.size');
    expect(provider.calls.createInstance).toBeUndefined();
  });

  it('refuses a plan with problems, and a spec the provider refuses since the plan, before any change', async () => {
    const provider = new MemoryProvider();
    await apply(provider, await plan(provider, desired([web('old')])));
    const file = desired([web('a'), web('b', { region: 'nowhere' })]);
    const planned = await plan(provider, file);
    expect(planned.problems).toHaveLength(1);
    const refused = await apply(provider, planned).catch((e: unknown) => e);
    expect(isStagelyError(refused, 'INVALID_INPUT') && refused.details).toMatchObject({ field: 'plan.problems', problems: planned.problems });
    expect((refused as Error).message).toContain('b: region: Unknown region "nowhere"');

    // A plan whose problems were dropped (or saved before the catalogue changed) is checked again.
    const tampered = { ...planned, problems: [] };
    const rechecked = await apply(provider, tampered).catch((e: unknown) => e);
    expect(isStagelyError(rechecked, 'INVALID_INPUT') && rechecked.details.problems).toEqual(planned.problems);
    expect(provider.calls.createInstance).toBe(1);
    expect(provider.calls.terminateInstance).toBeUndefined();
    expect(provider.live().map((i) => i.name)).toEqual(['dev-old']);
  });

  it('reads back a plan saved before it carried problems and resolved specs', async () => {
    const provider = new MemoryProvider();
    const saved = JSON.parse(JSON.stringify(await plan(provider, desired([web('a')])))) as Record<string, unknown> & { create: Record<string, unknown>[] };
    delete saved.problems;
    delete saved.create[0]!.resolved;
    const result = await apply(provider, saved as never);
    expect(result.created.map((c) => c.name)).toEqual(['dev-a']);
  });

  it('fails a create whose host appeared with another spec since the plan, without touching it', async () => {
    const provider = new MemoryProvider();
    const stale = await plan(provider, desired([web('a')]));
    await apply(provider, await plan(provider, desired([web('a', { size: 'large' })])));
    const error = (await apply(provider, stale).catch((e: unknown) => e)) as ApplyError;
    expect(error.failed.map((f) => f.code)).toEqual([ConflictError.code]);
    expect(provider.live()).toHaveLength(1);
  });

  it('a delete of an instance already gone succeeds', async () => {
    const provider = new MemoryProvider();
    await apply(provider, await plan(provider, desired([web('a')])));
    const removal = await plan(provider, desired([]));
    await provider.terminateInstance(removal.delete[0]!.instanceId);
    expect((await apply(provider, removal)).deleted.map((d) => d.name)).toEqual(['dev-a']);
  });
});

function abortedSignal(): AbortSignal {
  const controller = new AbortController();
  controller.abort(abortedError(undefined));
  return controller.signal;
}
