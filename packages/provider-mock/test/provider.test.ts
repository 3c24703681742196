import { isReady, type Instance, type InstanceSpec } from '@stagely/provider-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import plugin, { createMockProvider, MockProvider, parseMockConfig } from '../src/index.js';
import { FAST, fastProvider, rejection, thrownBy } from './helpers.js';

afterEach(() => vi.useRealTimers());

describe('plugin', () => {
  it('describes the mock and creates providers from validated config', async () => {
    expect(plugin).toMatchObject({ contractVersion: 1, name: 'mock', packageName: '@stagely/provider-mock', secretFields: ['token'] });
    expect(plugin.capabilities).toEqual({ architectures: ['amd64', 'arm64'], spot: true, snapshots: true, sshKeys: true });
    const result = await plugin.configSchema['~standard'].validate({ region: 'mock-2' });
    expect('value' in result).toBe(true);
    const provider = plugin.create((result as { value: never }).value, {});
    expect(provider).toBeInstanceOf(MockProvider);
    expect((await provider.createInstance({ size: 'small' })).region).toBe('mock-2');
  });

  it('refuses bad config with InvalidInputError naming the field', () => {
    thrownBy(() => createMockProvider({ region: 'mars-1' }), 'INVALID_INPUT', 'region');
    thrownBy(() => createMockProvider({ pageSize: 0 }), 'INVALID_INPUT', 'pageSize');
    thrownBy(() => createMockProvider({ sizes: { small: { amd64: '' } } }), 'INVALID_INPUT', 'sizes.small.amd64');
    thrownBy(() => createMockProvider({ retry: { maxAttempts: -1 } }), 'INVALID_INPUT', 'retry.maxAttempts');
    thrownBy(() => createMockProvider({ colour: 'blue' } as never), 'INVALID_INPUT');
    expect(parseMockConfig({}).offer).toEqual({ arm64: true, spot: true, snapshots: true, sshKeys: true });
  });
});

describe('createInstance', () => {
  it('returns the accepted instance: pending, tagged managed-by=stagely, with defaults', async () => {
    const { provider } = fastProvider();
    const instance = await provider.createInstance({ size: 'medium', tags: { env: 'test' } });
    expect(instance).toMatchObject({
      id: 'mock-1', provider: 'mock', state: 'pending', publicIp: null, region: 'mock-1', type: 'm1.medium',
      architecture: 'amd64', spot: false, tags: { env: 'test', 'managed-by': 'stagely' }, warnings: [],
    });
    expect(instance.name).toMatch(/^stagely-[0-9a-f]{8}$/);
    expect(instance.privateIp).toMatch(/^10\./);
    expect(instance.createdAt).toBeInstanceOf(Date);
  });

  it('gives ids in sequence and never reuses them', async () => {
    const { provider } = fastProvider();
    const a = await provider.createInstance({ size: 'small' });
    await provider.terminateInstance(a.id);
    const b = await provider.createInstance({ size: 'small' });
    expect([a.id, b.id]).toEqual(['mock-1', 'mock-2']);
  });

  it('provisions arm64 types and native types', async () => {
    const { provider } = fastProvider();
    expect(await provider.createInstance({ size: 'large', architecture: 'arm64' })).toMatchObject({ type: 'a1.large', architecture: 'arm64' });
    expect(await provider.createInstance({ size: { type: 'a1.small' } })).toMatchObject({ type: 'a1.small', architecture: 'arm64' });
    expect(await provider.createInstance({ size: 'small', spot: true })).toMatchObject({ spot: true, warnings: [] });
  });

  const invalid: Array<[string, InstanceSpec, string]> = [
    ['a bad size', { size: 'huge' as never }, 'size'],
    ['an unknown type', { size: { type: 'x9.huge' } }, 'size'],
    ['an unknown region', { size: 'small', region: 'eu-9' }, 'region'],
    ['a bad name', { size: 'small', name: '-bad-' }, 'name'],
    ['a bad tag key', { size: 'small', tags: { 'bad key!': 'x' } }, 'tags.bad key!'],
    ['a long tag value', { size: 'small', tags: { env: 'x'.repeat(64) } }, 'tags.env'],
    ['the reserved managed-by tag', { size: 'small', tags: { 'managed-by': 'me' } }, 'tags.managed-by'],
    ['an unknown ssh key', { size: 'small', sshKeys: ['nope'] }, 'sshKeys'],
    ['an unknown image version', { size: 'small', image: { ubuntu: '12.04' } }, 'image'],
    ['an unknown snapshot', { size: 'small', image: { snapshot: 'never-made' } }, 'image'],
    ['oversized user data', { size: 'small', userData: 'x'.repeat(40_000) }, 'userData'],
    ['a type of another architecture', { size: { type: 'a1.small' }, architecture: 'amd64' }, 'architecture'],
  ];
  it.each(invalid)('refuses %s with InvalidInputError naming the field, creating nothing', async (_, spec, field) => {
    const { provider } = fastProvider();
    await rejection(provider.createInstance(spec), 'INVALID_INPUT', field);
    expect(await provider.listInstances()).toEqual([]);
  });

  it('accepts tag keys and values the label syntax allows', async () => {
    const { provider } = fastProvider();
    const tags = { 'stagely-env': 'demo', 'example.com/role': 'web', a: '', 'x_y.z': 'v'.repeat(63) };
    expect((await provider.createInstance({ size: 'small', tags })).tags).toEqual({ ...tags, 'managed-by': 'stagely' });
  });

  it('refuses a name already used by a live instance, and allows it again once terminated', async () => {
    const { provider } = fastProvider();
    const first = await provider.createInstance({ size: 'small', name: 'web-1' });
    await rejection(provider.createInstance({ size: 'small', name: 'web-1' }), 'CONFLICT');
    await provider.terminateInstance(first.id);
    expect((await provider.createInstance({ size: 'small', name: 'web-1' })).name).toBe('web-1');
  });

  it('never gives two live instances one public IP', async () => {
    const { provider } = fastProvider({ bootDelayMs: 0 });
    const created = await Promise.all(Array.from({ length: 30 }, () => provider.createInstance({ size: 'small' })));
    for (const instance of created.slice(0, 10)) await provider.terminateInstance(instance.id);
    await Promise.all(Array.from({ length: 10 }, () => provider.createInstance({ size: 'small' })));
    const live = await provider.listInstances();
    expect(live).toHaveLength(30);
    const ips = live.map((i) => i.publicIp);
    expect(ips.every((ip) => ip !== null)).toBe(true);
    expect(new Set(ips).size).toBe(30);
    expect(new Set(live.map((i) => i.privateIp)).size).toBe(30);
  });

  it('creates with the seeded default key and configured keys', async () => {
    const { provider } = fastProvider({ sshKeys: [{ name: 'ci', fingerprint: 'SHA256:abc' }] });
    const keys = await provider.listSshKeys();
    expect(keys.map((k) => k.name)).toEqual(['default', 'ci']);
    expect(keys[0]!.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    expect(keys[1]!.fingerprint).toBe('SHA256:abc');
    await expect(provider.createInstance({ size: 'small', sshKeys: ['default', 'ci'] })).resolves.toBeDefined();
  });

  it('enforces a quota of live instances', async () => {
    const { provider } = fastProvider();
    provider.setQuota(1);
    const first = await provider.createInstance({ size: 'small' });
    const error = await rejection(provider.createInstance({ size: 'small' }), 'QUOTA_EXCEEDED');
    expect(error.details).toMatchObject({ limit: 1, live: 1 });
    await provider.terminateInstance(first.id);
    await provider.createInstance({ size: 'small' });
    provider.setQuota(null);
    await provider.createInstance({ size: 'small' });
    thrownBy(() => provider.setQuota(-1), 'INVALID_INPUT', 'maxLiveInstances');
  });
});

describe('instance state follows time since creation', () => {
  it('is pending, then running, then has its IP', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { provider } = fastProvider({ bootDelayMs: 1000, ipDelayMs: 500 });
    const { id } = await provider.createInstance({ size: 'small' });
    vi.setSystemTime(Date.now() + 999);
    expect(await provider.getInstance(id)).toMatchObject({ state: 'pending', providerState: 'provisioning', publicIp: null });
    vi.setSystemTime(Date.now() + 1);
    expect(await provider.getInstance(id)).toMatchObject({ state: 'running', providerState: 'running', publicIp: null });
    vi.setSystemTime(Date.now() + 500);
    const ready = (await provider.getInstance(id))!;
    expect(ready.publicIp).toMatch(/^192\.0\.2\.\d+$/);
    expect(isReady(ready)).toBe(true);
  });
});

describe('getInstance', () => {
  it('returns null for an unknown well-formed id and refuses a malformed one', async () => {
    const { provider } = fastProvider();
    expect(await provider.getInstance('mock-424242')).toBeNull();
    for (const id of ['i-123', 'mock-', 'mock-1x', '', 42 as never]) await rejection(provider.getInstance(id), 'INVALID_INPUT', 'id');
    expect(provider.callCounts.getInstance).toBe(1); // malformed ids are refused without a request
  });
});

describe('listInstances', () => {
  it('walks every page, leaves out terminated and unmanaged instances, and filters by tags', async () => {
    const { provider } = fastProvider({ pageSize: 2 });
    const made = [];
    for (let i = 0; i < 7; i++) made.push(await provider.createInstance({ size: 'small', tags: { group: i % 2 ? 'odd' : 'even' } }));
    await provider.seedUnmanagedInstance('not-ours');
    await provider.terminateInstance(made[0]!.id);
    const before = provider.callCounts.listInstances ?? 0;
    const all = await provider.listInstances();
    expect(all.map((i) => i.id)).toEqual(made.slice(1).map((i) => i.id));
    expect(provider.callCounts.listInstances! - before).toBe(4); // 8 instances, pages of 2
    expect((await provider.listInstances({ tags: { group: 'odd' } })).map((i) => i.id)).toEqual(['mock-2', 'mock-4', 'mock-6']);
    expect(await provider.listInstances({ tags: { group: 'odd', other: 'x' } })).toEqual([]);
    expect(await provider.listInstances({ tags: { 'managed-by': 'stagely' } })).toHaveLength(6);
    await rejection(provider.listInstances({ tags: { group: 1 as never } }), 'INVALID_INPUT', 'filter.tags.group');
  });

  it('pages by 100 by default', async () => {
    const { provider } = fastProvider({ bootDelayMs: 0 });
    for (let i = 0; i < 150; i++) await provider.createInstance({ size: 'small' });
    const before = provider.callCounts.listInstances ?? 0;
    expect(await provider.listInstances()).toHaveLength(150);
    expect(provider.callCounts.listInstances! - before).toBe(2);
  });

  it('serves every page of one listing from one read of the state: what changes between pages shows in the next listing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagely-mock-list-'));
    const stateFile = join(dir, 'state.json');
    const other = fastProvider({ stateFile }).provider;
    let changed: Promise<unknown> | undefined;
    const { provider } = fastProvider({ stateFile, pageSize: 1 });
    const made: Instance[] = [];
    for (let i = 0; i < 3; i++) made.push(await provider.createInstance({ size: 'small' }));
    const listing = createMockProvider(
      { ...FAST, stateFile, pageSize: 1 },
      {
        // Another process changes the account once the first page has been answered.
        events: (event) => {
          if (event.type === 'request' && event.operation === 'instances.list' && !changed) {
            changed = Promise.all([other.createInstance({ size: 'small', name: 'late' }), other.terminateInstance(made[2]!.id)]);
          }
        },
      },
    );
    expect((await listing.listInstances()).map((i) => i.id)).toEqual(made.map((i) => i.id));
    expect(listing.callCounts.listInstances).toBe(3);
    await changed;
    expect((await listing.listInstances()).map((i) => i.name)).toEqual([made[0]!.name, made[1]!.name, 'late']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps unmanaged instances reachable by id', async () => {
    const { provider } = fastProvider();
    const seeded = await provider.seedUnmanagedInstance();
    expect(await provider.getInstance(seeded.id)).toMatchObject({ name: seeded.name, state: 'running' });
    expect((await provider.getInstance(seeded.id))!.tags['managed-by']).toBeUndefined();
  });
});

describe('terminateInstance', () => {
  it('is done when it returns, is idempotent, and leaves the instance visible as terminated for a while', async () => {
    const { provider, events } = fastProvider();
    const { id } = await provider.createInstance({ size: 'small' });
    await provider.terminateInstance(id);
    expect(await provider.getInstance(id)).toMatchObject({ state: 'terminated', publicIp: null, privateIp: null });
    await provider.terminateInstance(id);
    await provider.terminateInstance('mock-999');
    await rejection(provider.terminateInstance('server-1'), 'INVALID_INPUT', 'id');
    expect(events.filter((e) => e.type === 'state' && e.state === 'terminated')).toHaveLength(1);
  });
});

describe('terminateInstance with a terminateDelayMs', () => {
  it('is terminating for the delay (listed, no IP), then terminated; the name is free at once', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { provider, events } = fastProvider({ bootDelayMs: 0, terminateDelayMs: 1_000 });
    const { id, name } = await provider.createInstance({ size: 'small' });
    await provider.terminateInstance(id);
    expect(await provider.getInstance(id)).toMatchObject({ state: 'terminating', providerState: 'terminating', publicIp: null });
    expect((await provider.listInstances()).map((i) => [i.id, i.state])).toEqual([[id, 'terminating']]);
    expect((await provider.inspect(id))?.state).toBe('terminating');
    expect(events.filter((e) => e.type === 'state').map((e) => e.type === 'state' && e.state)).toEqual(['terminating']);
    await provider.terminateInstance(id); // idempotent while terminating
    const again = await provider.createInstance({ size: 'small', name });
    expect(again.name).toBe(name);
    vi.setSystemTime(Date.now() + 1_000);
    expect((await provider.getInstance(id))?.state).toBe('terminated');
    expect((await provider.listInstances()).map((i) => i.id)).toEqual([again.id]);
  });
});

describe('waitUntilReady', () => {
  it('resolves with the ready instance, reporting state changes; a terminated one is NotFoundError', async () => {
    const { provider, events } = fastProvider({ bootDelayMs: 20 });
    const { id } = await provider.createInstance({ size: 'small' });
    const doomed = await provider.createInstance({ size: 'small' });
    await provider.terminateInstance(doomed.id);
    const [ready, gone] = await Promise.all([
      provider.waitUntilReady(id, { timeoutMs: 30_000 }),
      rejection(provider.waitUntilReady(doomed.id, { timeoutMs: 30_000 }), 'NOT_FOUND'),
    ]);
    expect(isReady(ready)).toBe(true);
    expect(ready.id).toBe(id);
    expect(gone.details.instanceId).toBe(doomed.id);
    expect(events.some((e) => e.type === 'state' && e.instanceId === id && e.state === 'running')).toBe(true);
  });

  it('times out with TimeoutError, and refuses a malformed id or timeout', async () => {
    const { provider } = fastProvider({ bootDelayMs: 60_000 });
    const { id } = await provider.createInstance({ size: 'small' });
    const error = await rejection(provider.waitUntilReady(id, { timeoutMs: 30 }), 'TIMEOUT');
    expect(error.details.instanceId).toBe(id);
    await rejection(provider.waitUntilReady('nope'), 'INVALID_INPUT', 'id');
    for (const timeoutMs of [-1, Number.POSITIVE_INFINITY]) {
      await rejection(provider.waitUntilReady(id, { timeoutMs }), 'INVALID_INPUT', 'timeoutMs');
    }
  });
});

describe('snapshots', () => {
  it('are made of live instances, listed, usable as images, and deleted idempotently', async () => {
    const { provider } = fastProvider();
    const source = await provider.createInstance({ size: 'small', architecture: 'arm64' });
    const snapshot = await provider.createSnapshot(source.id, 'golden');
    expect(snapshot).toMatchObject({ id: 'mock-snapshot-1', provider: 'mock', name: 'golden', instanceId: source.id, region: 'mock-1' });
    expect(await provider.listSnapshots()).toEqual([snapshot]);
    await rejection(provider.createSnapshot(source.id, 'golden'), 'CONFLICT');

    expect((await provider.createInstance({ size: 'small', architecture: 'arm64', image: { snapshot: 'golden' } })).state).toBe('pending');
    await provider.createInstance({ size: 'medium', architecture: 'arm64', image: { snapshot: snapshot.id } });
    await rejection(provider.createInstance({ size: 'small', image: { snapshot: 'golden' } }), 'INVALID_INPUT', 'image');

    await provider.deleteSnapshot(snapshot.id);
    await provider.deleteSnapshot(snapshot.id);
    expect(await provider.listSnapshots()).toEqual([]);
    await rejection(provider.deleteSnapshot('snap-1'), 'INVALID_INPUT', 'id');
  });

  it('refuses an unknown or terminated instance and a bad name', async () => {
    const { provider } = fastProvider();
    await rejection(provider.createSnapshot('mock-77', 'x'), 'NOT_FOUND');
    const { id } = await provider.createInstance({ size: 'small' });
    await rejection(provider.createSnapshot(id, ''), 'INVALID_INPUT', 'name');
    await provider.terminateInstance(id);
    await rejection(provider.createSnapshot(id, 'late'), 'NOT_FOUND');
    await rejection(provider.createSnapshot('x', 'y'), 'INVALID_INPUT', 'instanceId');
  });
});

describe('events and call counts', () => {
  it('reports every request as an event and counts it by method', async () => {
    const { provider, events } = fastProvider();
    await provider.validateCredentials();
    const { id } = await provider.createInstance({ size: 'small' });
    await provider.getInstance(id);
    await rejection(provider.createInstance({ size: 'small', name: 'dup' }).then(() => provider.createInstance({ size: 'small', name: 'dup' })), 'CONFLICT');
    const requests = events.filter((e) => e.type === 'request');
    expect(requests.map((e) => [e.operation, e.status])).toEqual([
      ['account.get', 200],
      ['instances.create', 200],
      ['instances.get', 200],
      ['instances.create', 200],
      ['instances.create', 409],
    ]);
    expect(provider.callCounts).toEqual({ validateCredentials: 1, createInstance: 3, getInstance: 1 });
  });

  it('reset forgets instances, faults, quota and counts', async () => {
    const { provider } = fastProvider();
    await provider.createInstance({ size: 'small' });
    provider.setQuota(0);
    provider.failNext('server-error', 3);
    provider.reset();
    expect(provider.callCounts).toEqual({});
    expect(await provider.listInstances()).toEqual([]);
    expect((await provider.createInstance({ size: 'small' })).id).toBe('mock-1');
  });
});
