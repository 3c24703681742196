/**
 * The provider against the fake Hetzner API, through hcloud-js over loopback HTTP: failures and
 * their mapping, retries that never multiply or double-create, aborts that leave nothing, paging,
 * snapshots, and no token anywhere.
 */
import { inspect } from 'node:util';
import { createRegistry, generateEncryptionKey, isStagelyError, sealCredentials, type CloudProvider } from '@stagely/provider-core';
import { manualClock } from '@stagely/provider-core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import plugin, { createHetznerProvider } from '../src/index.js';
import { HTML_BAD_GATEWAY, startFakeHetzner } from '../src/testing/index.js';
import { failure, startHarness, TOKEN, type Harness } from './setup.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
afterEach(() => {
  // A bug in the fake would answer 500 and could pass for an injected fault: none may happen.
  const crashed = h.fake.http.log.filter((entry) => entry.error !== undefined);
  h.fake.clearFaults();
  h.fake.http.clearLog();
  expect(crashed, 'fake handlers that threw').toEqual([]);
});

function expectNoToken(value: unknown): void {
  expect(inspect(value, { depth: 10 })).not.toContain(TOKEN);
  if (isStagelyError(value)) expect(JSON.stringify(value.toJSON())).not.toContain(TOKEN);
}

describe('HTTP failures', () => {
  it('an HTML 502 from a proxy is retried, and persisting it is a retryable ApiError 502', async () => {
    h.fake.injectFault('bad-gateway', 1);
    await expect(h.provider.listInstances()).resolves.toBeInstanceOf(Array);
    h.fake.injectFault('bad-gateway', 100);
    const error = await failure(h.provider.listInstances());
    expect([error.code, error.retryable, error.details.status]).toEqual(['API', true, 502]);
    expect(h.calls('servers.list'), 'one fault and a retry, then four attempts').toBe(2 + 4);
    expectNoToken(error);
  });

  it('a 429 storm is ridden out with the waits the rate-limit headers give', async () => {
    h.fake.injectFault('rate-limited', 3);
    await expect(h.provider.listInstances()).resolves.toBeInstanceOf(Array);
    expect(h.calls('servers.list')).toBe(4);
    const limited = h.events.filter((e) => e.type === 'rate-limit');
    expect(limited.length).toBeGreaterThanOrEqual(3);
    expect(limited.every((e) => e.type === 'rate-limit' && typeof e.retryAfterMs === 'number')).toBe(true);
  });

  it('a 429 storm longer than the retry policy is RATE_LIMITED with the reset time', async () => {
    h.fake.injectFault('rate-limited', 100);
    const error = await failure(h.provider.listInstances());
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.retryAfterMs).toBeTypeOf('number');
    expect(Date.parse(String(error.details.resetAt))).toBeGreaterThan(Date.now() - 1000);
    expectNoToken(error);
  });

  it('the fake API budget itself: concurrent calls beyond it are answered 429 and retried to success', async () => {
    // The fake's time stands still until a 429 is met, so the budget is surely exceeded however slow the machine.
    const clock = manualClock(Date.now());
    const fake = await startFakeHetzner({ token: TOKEN, clock, rateLimit: { limit: 3, refillPerSecond: 100 } });
    try {
      const provider = createHetznerProvider(
        { token: TOKEN, endpoint: fake.endpoint, retry: { maxAttempts: 10, baseDelayMs: 1, maxDelayMs: 5 } },
        { events: (event) => event.type === 'rate-limit' && clock.advance(1000) },
      );
      const lists = await Promise.all(Array.from({ length: 12 }, () => provider.listSshKeys()));
      expect(lists.every((keys) => keys.length === 1)).toBe(true);
      expect(fake.http.log.some((entry) => entry.status === 429)).toBe(true);
    } finally {
      await fake.close();
    }
  });

  it('maps the Hetzner errors a create can meet', async () => {
    const spec = { size: 'small' as const };
    await h.provider.createInstance(spec); // warms the catalogue, so the faults hit the create
    for (const [kind, code] of [
      ['quota', 'QUOTA_EXCEEDED'],
      ['capacity', 'CAPACITY'],
      ['placement', 'CAPACITY'],
      ['forbidden', 'PERMISSION_DENIED'],
    ] as const) {
      h.fake.injectFault(kind, 1, { operation: 'servers.create' });
      const error = await failure(h.provider.createInstance(spec));
      expect(error.code, kind).toBe(code);
      expect(error.retryable, kind).toBe(false);
    }
  });

  it('a locked resource is retried', async () => {
    const instance = await h.provider.createInstance({ size: 'small' });
    h.fake.injectFault('locked', 2, { operation: 'servers.delete' });
    await h.provider.terminateInstance(instance.id);
    // Deleting (the delete action still runs) or already gone, whatever the machine's speed.
    expect([undefined, 'terminating']).toContain((await h.provider.getInstance(instance.id))?.state);
    expect(h.calls('servers.delete')).toBe(3);
  });

  it('hcloud-js does not retry on its own: one call per attempt', async () => {
    const once = h.make({ retry: { maxAttempts: 1 } });
    h.fake.injectFault('server-error', 5);
    await failure(once.listSshKeys());
    expect(h.calls('ssh_keys.list')).toBe(1);
  });

  it('a request that outlives requestTimeoutMs is a retryable TimeoutError', async () => {
    const hasty = h.make({ requestTimeoutMs: 50, retry: { maxAttempts: 1 } });
    h.fake.http.faults.add({ operation: 'ssh_keys.list', latencyMs: 500 });
    const error = await failure(hasty.listSshKeys());
    expect([error.code, error.retryable]).toEqual(['TIMEOUT', true]);
  });
});

describe('credentials', () => {
  it('a bad token is AUTHENTICATION, and the token appears nowhere', async () => {
    const wrong = 'wrong-token-that-must-not-leak-91ab';
    const events: unknown[] = [];
    const provider = createHetznerProvider({ token: wrong, endpoint: h.fake.endpoint }, { events: (e) => events.push(e) });
    const error = await failure(provider.validateCredentials());
    expect([error.code, error.retryable, error.details.status]).toEqual(['AUTHENTICATION', false, 401]);
    expect(inspect(error, { depth: 10 })).not.toContain(wrong);
    expect(JSON.stringify(error.toJSON())).not.toContain(wrong);
    expect(inspect(events, { depth: 10 })).not.toContain(wrong);
    expect(events.length).toBeGreaterThan(0);
  });

  it('a sealed token is opened by the registry; the wrong key is a CREDENTIALS error without the token', async () => {
    const key = generateEncryptionKey();
    const config = { token: { sealed: sealCredentials(TOKEN, key, { provider: 'hetzner' }) }, endpoint: h.fake.endpoint };
    const provider = await createRegistry({ plugins: [plugin], encryptionKey: key }).get<CloudProvider>('hetzner', config);
    expect((await provider.listSshKeys()).map((k) => k.name)).toContain('stagely-test');
    const error = await failure(createRegistry({ plugins: [plugin], encryptionKey: generateEncryptionKey() }).get('hetzner', config));
    expect(error.code).toBe('CREDENTIALS');
    expectNoToken(error);
  });

  it('a config error names the field and never the token', () => {
    expect(() => createHetznerProvider({ token: 'has space token' })).toThrow(expect.objectContaining({ field: 'token' }));
    try {
      createHetznerProvider({ token: 'has space token' });
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('has space token');
    }
    expect(() => createHetznerProvider({ token: 'x', endpoint: 'ftp://example.test' })).toThrow(expect.objectContaining({ field: 'endpoint' }));
    expect(() => createHetznerProvider({ token: 'x', retry: { maxAttempts: 0 } })).toThrow(expect.objectContaining({ field: 'retry.maxAttempts' }));
    expect(() => createHetznerProvider({ token: 'x', location: 'Falkenstein 1' })).toThrow(expect.objectContaining({ field: 'location' }));
  });
});

describe('create never makes two servers', () => {
  it('when the answer to a create is lost (HTML 502), the retry finds the server instead of making another', async () => {
    h.fake.loseResponse('servers.create');
    const instance = await h.provider.createInstance({ name: 'lost-answer-1', size: 'small', tags: { case: 'lost' } });
    expect(h.fake.servers().filter((s) => s.name === 'lost-answer-1').map((s) => String(s.id))).toEqual([instance.id]);
    expect(h.calls('servers.create')).toBe(1);
    expect(instance.tags).toMatchObject({ case: 'lost', 'managed-by': 'stagely' });
  });

  it('when a create times out after the server was made, likewise', async () => {
    const hasty = h.make({ requestTimeoutMs: 100 });
    await hasty.listSshKeys();
    h.fake.loseResponse('servers.create', { delayMs: 400, respond: undefined });
    const instance = await hasty.createInstance({ name: 'slow-answer-1', size: 'small' });
    expect(h.fake.servers().filter((s) => s.name === 'slow-answer-1').map((s) => String(s.id))).toEqual([instance.id]);
  });

  it('when the connection is reset after the server was made, likewise', async () => {
    h.fake.loseResponse('servers.create', { respond: 'reset' });
    const instance = await h.provider.createInstance({ name: 'reset-after-1', size: 'small' });
    expect(h.fake.servers().filter((s) => s.name === 'reset-after-1').map((s) => String(s.id))).toEqual([instance.id]);
    expect(h.fake.http.log.filter((e) => e.operation === 'servers.create').map((e) => [e.status, e.handledStatus])).toEqual([[null, 201]]);
  });

  it('when the last attempt fails after the server was made, the server is removed, not leaked', async () => {
    const once = h.make({ retry: { maxAttempts: 1 } });
    await once.listSshKeys();
    h.fake.loseResponse('servers.create');
    await expect(once.createInstance({ name: 'lost-for-good-1', size: 'small' })).rejects.toMatchObject({ code: 'API' });
    expect(h.calls('servers.create')).toBe(1);
    expect(h.fake.http.log.filter((e) => e.operation === 'servers.create').map((e) => e.handledStatus)).toEqual([201]);
    expect(h.calls('servers.delete')).toBe(1);
    expect(h.fake.servers().filter((s) => s.name === 'lost-for-good-1' && !['deleting', 'deleted'].includes(s.status))).toEqual([]);
  });

  it('a reset before the request reached the API is retried as a plain create', async () => {
    await h.provider.createInstance({ size: 'small' });
    h.fake.clearFaults();
    h.fake.http.clearLog();
    h.fake.injectFault('connection-reset', 1, { operation: 'servers.create' });
    const instance = await h.provider.createInstance({ name: 'reset-once-1', size: 'small' });
    expect(h.fake.servers().filter((s) => s.name === 'reset-once-1').map((s) => String(s.id))).toEqual([instance.id]);
    expect(h.calls('servers.list'), 'looked the name up before retrying').toBe(1);
  });

  it('a name taken by a server this request did not make is a CONFLICT, also after an ambiguous failure', async () => {
    h.fake.seedServer({ name: 'taken-1' });
    expect((await failure(h.provider.createInstance({ name: 'taken-1', size: 'small' }))).code).toBe('CONFLICT');
    h.fake.injectFault('server-error', 1, { operation: 'servers.create' });
    const error = await failure(h.provider.createInstance({ name: 'taken-1', size: 'small' }));
    expect(error.code).toBe('CONFLICT');
    expect(h.fake.servers().filter((s) => s.name === 'taken-1')).toHaveLength(1);
  });

  it('hcloud-js failing on a created server it cannot model (no IPv4 yet) still returns that one server', async () => {
    const fake = await startFakeHetzner({ token: TOKEN, publicIpAtCreate: false, bootDelayMs: 30, ipDelayMs: 30 });
    try {
      const provider = createHetznerProvider({ token: TOKEN, endpoint: fake.endpoint, readinessPoll: { firstMs: 10, maxIntervalMs: 20 } });
      const instance = await provider.createInstance({ name: 'no-ipv4-yet', size: 'small' });
      expect(instance.publicIp).toBeNull();
      expect(fake.servers()).toHaveLength(1);
      const ready = await provider.waitUntilReady(instance.id, { timeoutMs: 5000 });
      expect(ready.publicIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(fake.http.count('servers.create')).toBe(1);
    } finally {
      await fake.close();
    }
  });
});

describe('aborts', () => {
  it('an abort while the create answer is on its way removes the server it made', async () => {
    await h.provider.createInstance({ size: 'small' }); // warm catalogue
    const controller = new AbortController();
    // The answer is held long enough for any machine; the abort comes as soon as the server exists.
    h.fake.loseResponse('servers.create', { delayMs: 2000 });
    const creating = h.provider.createInstance({ name: 'aborted-create-1', size: 'small' }, { signal: controller.signal });
    await vi.waitFor(() => expect(h.fake.servers().some((s) => s.name === 'aborted-create-1'), 'the fake made the server').toBe(true), {
      timeout: 1500,
      interval: 5,
    });
    controller.abort();
    expect((await failure(creating)).code).toBe('ABORTED');
    expect(h.fake.servers().filter((s) => s.name === 'aborted-create-1' && !['deleting', 'deleted'].includes(s.status))).toEqual([]);
  });

  it('an abort cancels a request in flight', async () => {
    const controller = new AbortController();
    h.fake.http.faults.add({ operation: 'ssh_keys.list', latencyMs: 1000 });
    const listing = h.provider.listSshKeys({ signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    expect((await failure(listing)).code).toBe('ABORTED');
  });
});

describe('servers', () => {
  it('lists every page of managed servers with label_selector, a deleting one as terminating, unmanaged ones left out', async () => {
    // The delete action outlasts the test: a server that vanished mid-listing would shift the pages.
    const fake = await startFakeHetzner({ token: TOKEN, maxPerPage: 2, actionDelayMs: 60_000 });
    try {
      const provider = createHetznerProvider({ token: TOKEN, endpoint: fake.endpoint, actionPollMs: 5 });
      const made = await Promise.all(Array.from({ length: 7 }, (_, i) => provider.createInstance({ size: 'small', tags: { batch: 'p', n: String(i) } })));
      fake.seedServer({ labels: { batch: 'p' } });
      const terminating = provider.terminateInstance(made[0]!.id);
      await vi.waitFor(() => expect(fake.http.count('servers.delete')).toBe(1), { interval: 5 });
      fake.http.clearLog();
      const listed = await provider.listInstances({ tags: { batch: 'p' } });
      expect(listed.map((i) => i.id).sort()).toEqual(made.map((i) => i.id).sort());
      expect(listed.find((i) => i.id === made[0]!.id)).toMatchObject({ state: 'terminating', providerState: 'deleting' });
      const pages = fake.http.log.filter((e) => e.operation === 'servers.list');
      expect(pages).toHaveLength(4);
      expect(pages.every((e) => new URLSearchParams(e.search).get('label_selector') === 'managed-by==stagely,batch==p')).toBe(true);
      // Terminate resolves once the server is deleting (it no longer runs), not only once it is gone.
      await terminating;
      expect(await provider.getInstance(made[0]!.id)).toMatchObject({ state: 'terminating' });
    } finally {
      await fake.close();
    }
  });

  it('maps a server in the contract words', async () => {
    const instance = await h.provider.createInstance({ name: 'mapped-1', size: 'medium', architecture: 'arm64', region: 'hel1', tags: { env: 'dev' }, userData: '#cloud-config\n' });
    expect(instance).toMatchObject({
      provider: 'hetzner',
      name: 'mapped-1',
      state: 'pending',
      region: 'hel1',
      type: 'cax21',
      architecture: 'arm64',
      spot: false,
      tags: { env: 'dev', 'managed-by': 'stagely' },
      privateIp: null,
      warnings: [],
    });
    expect(['initializing', 'starting']).toContain(instance.providerState);
    expect(h.fake.servers().find((s) => s.name === 'mapped-1')?.userData).toBe('#cloud-config\n');
    const ready = await h.provider.waitUntilReady(instance.id, { timeoutMs: 5000 });
    expect([ready.state, ready.providerState]).toEqual(['running', 'running']);
  });

  it('spot is not offered: a warning, or NotSupported when strict', async () => {
    const instance = await h.provider.createInstance({ size: 'small', spot: true });
    expect(instance.warnings).toEqual(['spot not offered by hetzner; provisioned a regular server']);
    expect(instance.spot).toBe(false);
    const error = await failure(h.make({ strict: true }).createInstance({ size: 'small', spot: true }));
    expect([error.code, error.details.feature]).toEqual(['NOT_SUPPORTED', 'spot']);
  });

  it('refuses user data above Hetzner’s 32 KiB before any request', async () => {
    const error = await failure(h.provider.createInstance({ size: 'small', userData: 'x'.repeat(32 * 1024 + 1) }));
    expect(error.details.field).toBe('userData');
    expect(h.calls('servers.create')).toBe(0);
  });

  it('terminate is idempotent and resolves once the server is deleting or gone, never while it runs', async () => {
    const instance = await h.provider.createInstance({ size: 'small' });
    await h.provider.terminateInstance(instance.id);
    const after = await h.provider.getInstance(instance.id);
    expect(after === null || after.state === 'terminating').toBe(true);
    expect(h.fake.servers().filter((s) => String(s.id) === instance.id && !['deleting', 'deleted'].includes(s.status))).toEqual([]);
    await h.provider.terminateInstance(instance.id);
    await h.provider.terminateInstance('12345');
  });
});

describe('snapshots', () => {
  it('creates a labelled snapshot, waits for it, lists it by label, and deletes it idempotently', async () => {
    const instance = await h.provider.createInstance({ size: 'small' });
    const snapshot = await h.provider.createSnapshot(instance.id, 'before upgrade');
    expect(snapshot).toMatchObject({ provider: 'hetzner', name: 'before upgrade', instanceId: instance.id, region: null });
    expect(snapshot.sizeGb).toBeTypeOf('number');
    const stored = h.fake.snapshots().find((s) => String(s.id) === snapshot.id)!;
    expect(stored.status).toBe('available');
    expect(stored.labels['managed-by']).toBe('stagely');
    expect((await h.provider.listSnapshots()).map((s) => s.id)).toContain(snapshot.id);

    const restored = await h.provider.createInstance({ size: 'small', image: { snapshot: snapshot.id } });
    expect(h.fake.servers().find((s) => String(s.id) === restored.id)?.image).toBe(Number(snapshot.id));
    const wrongArch = await failure(h.provider.createInstance({ size: 'small', architecture: 'arm64', image: { snapshot: snapshot.id } }));
    expect(wrongArch.details.field).toBe('image.snapshot');

    await h.provider.deleteSnapshot(snapshot.id);
    await h.provider.deleteSnapshot(snapshot.id);
    expect((await h.provider.listSnapshots()).map((s) => s.id)).not.toContain(snapshot.id);
  });

  it('a snapshot whose answer was lost is found by its request label, not made twice', async () => {
    const instance = await h.provider.createInstance({ size: 'small' });
    const before = h.fake.snapshots().length;
    h.fake.loseResponse('servers.create_image');
    const snapshot = await h.provider.createSnapshot(instance.id, 'lost answer');
    expect(h.fake.snapshots().length).toBe(before + 1);
    expect(snapshot.name).toBe('lost answer');
  });

  it('a snapshot of an unknown server is NOT_FOUND; a malformed id is INVALID_INPUT', async () => {
    expect((await failure(h.provider.createSnapshot('424242', 'x'))).code).toBe('NOT_FOUND');
    expect((await failure(h.provider.createSnapshot('abc', 'x'))).details.field).toBe('instanceId');
    expect((await failure(h.provider.deleteSnapshot('-1'))).details.field).toBe('id');
  });

  it('an abort while the answer to a snapshot request is still on its way leaves no image behind', async () => {
    const instance = await h.provider.createInstance({ size: 'small' });
    h.fake.loseResponse('servers.create_image', { delayMs: 5_000, respond: undefined });
    const controller = new AbortController();
    const snapshotting = h.provider.createSnapshot(instance.id, 'unanswered', { signal: controller.signal });
    await vi.waitFor(() => expect(h.fake.snapshots().filter((s) => s.description === 'unanswered')).toHaveLength(1), { interval: 5 });
    controller.abort();
    expect((await failure(snapshotting)).code).toBe('ABORTED');
    expect(h.fake.snapshots().filter((s) => s.description === 'unanswered')).toEqual([]);
  });

  it('an aborted snapshot leaves no image behind', async () => {
    const slow = await startFakeHetzner({ token: TOKEN, actionDelayMs: 400 });
    try {
      const provider = createHetznerProvider({ token: TOKEN, endpoint: slow.endpoint, actionPollMs: 10 });
      const instance = await provider.createInstance({ size: 'small' });
      const controller = new AbortController();
      const snapshotting = provider.createSnapshot(instance.id, 'aborted', { signal: controller.signal });
      // Aborted once the image exists, so that its removal is what is checked.
      await vi.waitFor(() => expect(slow.snapshots()).toHaveLength(1), { interval: 5 });
      controller.abort();
      expect((await failure(snapshotting)).code).toBe('ABORTED');
      expect(slow.snapshots()).toEqual([]);
    } finally {
      await slow.close();
    }
  });
});

describe('ssh keys', () => {
  it('lists every key with id, name and fingerprint, across pages', async () => {
    const fake = await startFakeHetzner({ token: TOKEN, maxPerPage: 2, sshKeys: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] });
    try {
      const provider = createHetznerProvider({ token: TOKEN, endpoint: fake.endpoint });
      const keys = await provider.listSshKeys();
      expect(keys.map((k) => k.name)).toEqual(['a', 'b', 'c']);
      expect(keys.every((k) => /^\d+$/.test(k.id) && /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/.test(k.fingerprint))).toBe(true);
      expect(fake.http.count('ssh_keys.list')).toBe(2);
    } finally {
      await fake.close();
    }
  });
});

describe('the fake API', () => {
  it('answers with RateLimit headers and Hetzner error bodies', async () => {
    const response = await fetch(`${h.fake.endpoint}/servers/1`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'server not found', details: null } });
    for (const header of ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset']) expect(response.headers.get(header)).toMatch(/^\d+$/);
    h.fake.injectFault('bad-gateway', 1);
    const html = await fetch(`${h.fake.endpoint}/servers`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect([html.status, html.headers.get('content-type'), await html.text()]).toEqual([502, 'text/html', HTML_BAD_GATEWAY.body]);
    expect(html.headers.get('ratelimit-remaining'), 'injected faults carry the budget too').toMatch(/^\d+$/);
    h.fake.injectFault('rate-limited', 1);
    const limited = await fetch(`${h.fake.endpoint}/servers`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect([limited.status, limited.headers.get('ratelimit-remaining')], 'an injected 429 keeps its spent budget').toEqual([429, '0']);
    const anonymous = await fetch(`${h.fake.endpoint}/servers`);
    expect([anonymous.status, ((await anonymous.json()) as { error: { code: string } }).error.code]).toEqual([401, 'unauthorized']);
  });
});
