/**
 * core's plan / apply against the reference provider: determinism, idempotence, conflicts and the
 * replace policy, partial failure with injected faults, abort, the concurrency bound and ApplyError.
 * (Core cannot depend on the mock, so these live here.)
 */
import {
  AbortedError,
  ApplyError,
  apply,
  isEmptyPlan,
  isStagelyError,
  PermissionDeniedError,
  plan,
  type ApplyProgressEvent,
  type CloudProvider,
  type DesiredEnvironment,
  type HostSpec,
} from '@stagely/provider-core';
import { withOverrides } from '@stagely/provider-core/testing';
import { describe, expect, it } from 'vitest';
import type { MockConfig, MockProvider } from '../src/index.js';
import { fastProvider } from './helpers.js';

/** The mock with fast boots and readiness polls (helpers.ts FAST): its own create, list, wait and delete. */
function setup(config: MockConfig = {}): { mock: MockProvider; provider: CloudProvider } {
  const { provider } = fastProvider(config);
  return { mock: provider, provider };
}

const host = (name: string, extra: Partial<HostSpec> = {}): HostSpec => ({ name, size: 'small', role: 'web', ...extra });
const env = (hosts: HostSpec[], environment = 'demo'): DesiredEnvironment => ({ environment, hosts });
const names = (list: { name: string }[]) => list.map((e) => e.name);

describe('plan / apply on the mock', () => {
  it('plans deterministically across pages: same file and state, byte-identical plan', async () => {
    const { mock, provider } = setup({ pageSize: 2 });
    await apply(provider, await plan(provider, env([host('web-1'), host('web-2'), host('db', { role: 'db', size: 'medium' })])));
    const file = env([host('web-3'), host('db', { role: 'db', size: 'medium' }), host('web-1'), host('cache', { architecture: 'arm64' })]);
    const first = JSON.stringify(await plan(provider, file));
    const listsBefore = mock.callCounts.listInstances;
    const second = JSON.stringify(await plan(provider, { ...file, hosts: [...file.hosts].reverse() }));
    expect(second).toBe(first);
    // Four instances, pages of two: listing crossed pages (and plan only read).
    expect(mock.callCounts.listInstances! - listsBefore!).toBeGreaterThan(1);
    const parsed = JSON.parse(first) as Awaited<ReturnType<typeof plan>>;
    expect(names(parsed.create)).toEqual(['demo-cache', 'demo-web-3']);
    expect(names(parsed.keep)).toEqual(['demo-db', 'demo-web-1']);
    expect(names(parsed.delete)).toEqual(['demo-web-2']);
  });

  it('is idempotent: after apply the same file plans empty, and a repeated apply creates nothing', async () => {
    const { mock, provider } = setup();
    const file = env([host('a'), host('b', { region: 'mock-2' }), host('c', { image: { debian: '12' }, size: { type: 'm1.large' } })]);
    const first = await plan(provider, file);
    const result = await apply(provider, first);
    expect(names(result.created)).toEqual(['demo-a', 'demo-b', 'demo-c']);
    for (const created of result.created) {
      const instance = await provider.getInstance(created.instanceId);
      expect(instance).toMatchObject({ state: 'running', publicIp: created.publicIp, tags: { 'stagely-env': 'demo' } });
    }

    const second = await plan(provider, file);
    expect(isEmptyPlan(second)).toBe(true);
    expect(names(second.keep)).toEqual(['demo-a', 'demo-b', 'demo-c']);

    const creates = mock.callCounts.createInstance;
    const again = await apply(provider, first);
    expect(again.created).toEqual([]);
    expect(names(again.skipped)).toEqual(['demo-a', 'demo-b', 'demo-c']);
    expect(mock.callCounts.createInstance).toBe(creates);
    expect(await provider.listInstances({ tags: { 'stagely-env': 'demo' } })).toHaveLength(3);
  });

  it('reports conflicts and never replaces them silently; the replace policy opts in', async () => {
    const { mock, provider } = setup();
    const applied = await apply(provider, await plan(provider, env([host('a'), host('b'), host('c')])));
    const changed = env([
      host('a', { size: 'large' }),
      host('b', { architecture: 'arm64', image: { ubuntu: '22.04' } }),
      host('c', { region: 'mock-2' }),
    ]);
    const reported = await plan(provider, changed);
    expect(reported.create).toEqual([]);
    expect(reported.conflicts.map((c) => [c.name, c.differences])).toEqual([
      ['demo-a', [{ field: 'size', desired: 'large', actual: 'small' }]],
      [
        'demo-b',
        [
          { field: 'architecture', desired: 'arm64', actual: 'amd64' },
          { field: 'image', desired: 'ubuntu:22.04', actual: 'ubuntu:24.04' },
        ],
      ],
      ['demo-c', [{ field: 'region', desired: 'mock-2', actual: 'mock-1' }]],
    ]);
    const untouched = await apply(provider, reported);
    expect(untouched).toMatchObject({ created: [], deleted: [] });
    expect(untouched.conflicts).toEqual(reported.conflicts);
    const ids = (await provider.listInstances()).map((i) => i.id).sort();
    expect(ids).toEqual(applied.created.map((c) => c.instanceId).sort());

    const replacing = await plan(provider, changed, { policy: 'replace' });
    expect(replacing.conflicts).toEqual([]);
    expect(names(replacing.replace)).toEqual(['demo-a', 'demo-b', 'demo-c']);
    const events: ApplyProgressEvent[] = [];
    const replaced = await apply(provider, replacing, { onProgress: (e) => events.push(e) });
    expect(replaced.deleted.map((d) => d.instanceId).sort()).toEqual(ids);
    expect(names(replaced.created)).toEqual(['demo-a', 'demo-b', 'demo-c']);
    expect(events.filter((e) => e.host === 'a').map((e) => e.status)).toEqual(['queued', 'deleting', 'deleted', 'creating', 'waiting', 'ready']);
    const live = await provider.listInstances();
    expect(live.map((i) => [i.name, i.type, i.architecture, i.region]).sort()).toEqual([
      ['demo-a', 'm1.large', 'amd64', 'mock-1'],
      ['demo-b', 'a1.small', 'arm64', 'mock-1'],
      ['demo-c', 'm1.small', 'amd64', 'mock-2'],
    ]);
    expect(isEmptyPlan(await plan(provider, changed))).toBe(true);
  });

  it('deletes hosts removed from the file, leaving other environments and unmanaged instances alone', async () => {
    const { mock, provider } = setup();
    const unmanaged = await mock.seedUnmanagedInstance();
    await apply(provider, await plan(provider, env([host('a')], 'other')));
    await apply(provider, await plan(provider, env([host('a'), host('b')])));
    const shrink = await plan(provider, env([host('a')]));
    expect(shrink.delete).toEqual([{ name: 'demo-b', host: 'b', instanceId: expect.stringMatching(/^mock-\d+$/), reason: 'not-in-file' }]);
    const result = await apply(provider, shrink);
    expect(names(result.deleted)).toEqual(['demo-b']);
    const destroy = await apply(provider, await plan(provider, env([])));
    expect(names(destroy.deleted)).toEqual(['demo-a']);
    expect((await provider.listInstances()).map((i) => i.name)).toEqual(['other-a']);
    expect(await provider.getInstance(unmanaged.id)).toMatchObject({ state: 'running' });
    // The same removal applied again: terminating what is already gone is fine.
    expect(names((await apply(provider, shrink)).deleted)).toEqual(['demo-b']);
  });

  it('a partial failure rejects with ApplyError listing created, deleted and failed; nothing half-made', async () => {
    const { mock, provider } = setup();
    await apply(provider, await plan(provider, env([host('old')])));
    const file = env([host('a'), host('b'), host('c'), host('d')]);
    const desiredPlan = await plan(provider, file);
    // One host fails after its create was accepted: its wait is refused, so provisionInstance must
    // terminate what it made. Waits take no slot: with one slot the creates run a, b, c, d (queued in
    // that order at the start), b's cleanup after them. Quota: three live instances (old is deleted
    // first), so d finds a, b and c live.
    const refusing = withOverrides(provider, {
      waitUntilReady: async (id, o) => {
        if ((await provider.getInstance(id))?.name === 'demo-b') throw new PermissionDeniedError('Refused to show demo-b', { provider: 'mock' });
        return provider.waitUntilReady(id, o);
      },
    });
    mock.setQuota(3);
    const error = await apply(refusing, desiredPlan, { concurrency: 1 }).catch((e: unknown) => e);

    expect(ApplyError.isInstance(error)).toBe(true);
    expect(isStagelyError(error, 'APPLY_FAILED')).toBe(true);
    const failure = error as ApplyError;
    // Deletes run first: old is gone, which frees one slot of the quota.
    expect(names(failure.deleted)).toEqual(['demo-old']);
    expect(names(failure.created)).toEqual(['demo-a', 'demo-c']);
    expect(failure.failed).toEqual([
      {
        name: 'demo-b',
        host: 'b',
        action: 'create',
        code: 'PERMISSION_DENIED',
        message: expect.any(String),
        instanceId: expect.stringMatching(/^mock-\d+$/),
        terminated: true,
      },
      { name: 'demo-d', host: 'd', action: 'create', code: 'QUOTA_EXCEEDED', message: expect.any(String) },
    ]);
    expect(failure.message).toContain('demo-b');
    expect(failure.message).toContain('demo-d');
    expect(await provider.getInstance(failure.failed[0]!.instanceId!)).toMatchObject({ state: 'terminated' });
    const live = await provider.listInstances({ tags: { 'stagely-env': 'demo' } });
    expect(live.map((i) => i.name).sort()).toEqual(['demo-a', 'demo-c']);

    // The JSON form carries the whole account and no credential.
    const json = JSON.stringify(failure.toJSON());
    expect(JSON.parse(json)).toMatchObject({ code: 'APPLY_FAILED', details: { failed: failure.failed, created: failure.created } });
    expect(json).not.toContain('mock-token');

    // What is left to do is exactly what failed.
    mock.setQuota(null);
    const rest = await plan(provider, file);
    expect(names(rest.create)).toEqual(['demo-b', 'demo-d']);
    await apply(provider, rest);
    expect(isEmptyPlan(await plan(provider, file))).toBe(true);
  });

  it('retryable faults are retried by the provider and do not fail the apply', async () => {
    const { mock, provider } = setup();
    mock.failNext('server-error', 2);
    mock.failNext('rate-limited');
    const result = await apply(provider, await plan(provider, env([host('a'), host('b')])));
    expect(names(result.created)).toEqual(['demo-a', 'demo-b']);
  });

  it('honours abort: stops starting hosts, terminates the ones it was waiting for', async () => {
    const { mock, provider } = setup({ bootDelayMs: 60_000 });
    const controller = new AbortController();
    let waiting = 0;
    const error = await apply(provider, await plan(provider, env(['a', 'b', 'c', 'd', 'e'].map((n) => host(n)))), {
      concurrency: 2,
      signal: controller.signal,
      onProgress: (e) => {
        if (e.status === 'waiting' && ++waiting === 2) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect(ApplyError.isInstance(error)).toBe(true);
    const failure = error as ApplyError;
    expect(failure.aborted).toBe(true);
    expect(AbortedError.isInstance(failure.cause)).toBe(true);
    expect(failure.created).toEqual([]);
    expect(failure.failed.map((f) => [f.name, f.code])).toEqual(['a', 'b', 'c', 'd', 'e'].map((n) => [`demo-${n}`, 'ABORTED']));
    // Every host that got an instance had it terminated.
    const made = failure.failed.filter((f) => f.instanceId !== undefined);
    expect(made.length).toBeGreaterThanOrEqual(2);
    expect(made.every((f) => f.terminated === true)).toBe(true);
    // Waits take no slot: the two waiting hosts' slots went to the next creates; e's never started.
    expect(mock.callCounts.createInstance).toBeGreaterThanOrEqual(2);
    expect(mock.callCounts.createInstance).toBeLessThanOrEqual(4);
    expect(await provider.listInstances()).toEqual([]);
  });

  it('keeps at most `concurrency` creates in flight (waits take no slot)', async () => {
    const { mock, provider } = setup({ bootDelayMs: 30 });
    let inFlight = 0;
    let maxInFlight = 0;
    // Counted at the provider: from the create call until it returns.
    const counted = withOverrides(provider, {
      createInstance: (spec, o) => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        return provider.createInstance(spec, o).finally(() => inFlight--);
      },
    });
    const result = await apply(counted, await plan(counted, env(Array.from({ length: 8 }, (_, i) => host(`h${i}`)))), { concurrency: 3 });
    expect(result.created).toHaveLength(8);
    expect(maxInFlight).toBe(3);
    expect(inFlight).toBe(0);
  });
});
