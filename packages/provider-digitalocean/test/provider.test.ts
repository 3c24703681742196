/**
 * DigitalOcean's specifics, through the real dots-wrapper on the fake API: what the backend really
 * holds after a create, create-once by the marker tag, the not-found grace and failed placement,
 * terminating, validateSpec on create's path, snapshots and capability warnings.
 */
import { isStagelyError, provisionInstance, type StagelyError } from '@stagely/provider-core';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, TOKEN, type Harness } from './setup.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function failure(promise: Promise<unknown>, code: string): Promise<StagelyError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(isStagelyError(error, code as never), `${String(error)} should be ${code}`).toBe(true);
  expect(inspect(error, { depth: 10 }) + JSON.stringify((error as StagelyError).toJSON())).not.toContain(TOKEN);
  return error as StagelyError;
}

describe('createInstance on DigitalOcean', () => {
  it('sends what the spec says: size, region, image slug, ssh key ids, user data, encoded tags', async () => {
    h = await startHarness();
    const instance = await h.provider.createInstance({
      name: 'web-1',
      size: 'medium',
      region: 'fra1',
      image: { debian: '12' },
      sshKeys: ['stagely-test'],
      userData: '#cloud-config\n',
      tags: { env: 'prod', team: 'infra-1' },
    });
    expect(instance).toMatchObject({ name: 'web-1', type: 'c-4', region: 'fra1', architecture: 'amd64' });
    // A slow answer may be retried and the Droplet adopted by its marker after it booted.
    expect(['pending', 'running']).toContain(instance.state);
    expect(instance.tags).toEqual({ env: 'prod', team: 'infra-1', 'managed-by': 'stagely' });
    const held = h.fake.record(instance.id)!;
    expect(held).toMatchObject({ size: 'c-4', region: 'fra1', image: 'debian-12-x64', sshKeyNames: ['stagely-test'], userData: '#cloud-config\n' });
    expect(held.tags.slice(0, 3)).toEqual(['managed-by:stagely', 'env:prod', 'team:infra-1']);
    expect(held.tags[3], 'the per-request marker').toMatch(/^stagely-request:[0-9a-f]{16}$/);
  });

  it('validateSpec resolves what create would, with reads only, and throws what create would', async () => {
    h = await startHarness();
    const resolved = await h.provider.validateSpec({ size: 'small', architecture: 'arm64' });
    expect(resolved).toEqual({ type: 's-2vcpu-4gb', region: 'nyc3', architecture: 'amd64', image: 'ubuntu-24-04-x64', spot: false, warnings: ['arm64 not offered by digitalocean; provisioned amd64'] });
    const bad = [
      { size: { type: 'm-2vcpu-16gb' }, region: 'ams3' },
      { size: 'small', region: 'nyc2' },
      { size: 'small', image: { ubuntu: '16.04' } },
      { size: 'small', sshKeys: ['nope'] },
      { size: 'small', tags: { 'a.b': 'c' } },
      { size: 'small', userData: 'x'.repeat(64 * 1024 + 1) },
    ] as const;
    for (const spec of bad) {
      const preflight = await failure(h.provider.validateSpec(spec as never), 'INVALID_INPUT');
      const create = await failure(h.provider.createInstance(spec as never), 'INVALID_INPUT');
      expect(create.details.field, JSON.stringify(spec).slice(0, 80)).toBe(preflight.details.field);
    }
    expect(h.calls('droplets_create'), 'no create was sent for bad input').toBe(0);
    const strict = h.make({ strict: true });
    await failure(strict.validateSpec({ size: 'small', architecture: 'arm64' }), 'NOT_SUPPORTED');
    await failure(strict.createInstance({ size: 'small', spot: true }), 'NOT_SUPPORTED');
  });

  it('a lost create answer: the retry finds the Droplet by its marker, and makes no second one', async () => {
    h = await startHarness();
    h.fake.loseResponse('droplets_create');
    const instance = await h.provider.createInstance({ size: 'small', tags: { case: 'lost' } });
    expect(h.fake.droplets().map((d) => String(d.id))).toEqual([instance.id]);
    expect(h.calls('droplets_create')).toBe(1);
  });

  it('a 422 "please try again" is retried after a marker look-up', async () => {
    h = await startHarness();
    h.fake.injectFault('try-again');
    const instance = await h.provider.createInstance({ size: 'small' });
    expect(h.fake.droplets().map((d) => String(d.id))).toEqual([instance.id]);
    expect(h.calls('droplets_create')).toBe(2);
  });

  it('a create that stays ambiguous to the last removes what it made', async () => {
    h = await startHarness({}, { retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    h.fake.loseResponse('droplets_create');
    h.fake.injectFault('server-error', 1, { operation: 'droplets_list' });
    await failure(h.provider.createInstance({ size: 'small' }), 'API');
    expect(h.fake.droplets().filter((d) => !d.deleted)).toEqual([]);
  });

  it('the Droplet limit is QUOTA_EXCEEDED and nothing is created', async () => {
    h = await startHarness({ dropletLimit: 1 });
    await h.provider.createInstance({ size: 'small' });
    const error = await failure(h.provider.createInstance({ size: 'small' }), 'QUOTA_EXCEEDED');
    expect(error.retryable).toBe(false);
    expect(h.fake.droplets()).toHaveLength(1);
  });
});

describe('waiting, eventual consistency and terminate', () => {
  it('a new Droplet that answers 404 for a while is waited for, not reported gone', async () => {
    h = await startHarness();
    h.fake.notFoundFor(150);
    const ready = await provisionInstance(h.provider, { size: 'small' }, { timeoutMs: 5000 });
    expect(ready.state).toBe('running');
    expect(ready.publicIp).toMatch(/^203\.0\./);
  });

  it('a failed placement is CAPACITY naming the region once the grace is over, and nothing runs', async () => {
    h = await startHarness({}, { notFoundGraceMs: 100 });
    h.fake.failPlacement();
    const error = await failure(provisionInstance(h.provider, { size: 'small', region: 'ams3' }, { timeoutMs: 5000 }), 'CAPACITY');
    expect(error.message).toContain('ams3');
    expect(error.details.region).toBe('ams3');
  });

  it('terminate: terminating while the Droplet still answers, then gone; twice is fine', async () => {
    h = await startHarness({ deleteDelayMs: 200 });
    const instance = await h.provider.createInstance({ size: 'small' });
    await h.provider.terminateInstance(instance.id);
    expect((await h.provider.getInstance(instance.id))?.state).toBe('terminating');
    expect((await h.provider.listInstances()).map((i) => i.state)).toEqual(['terminating']);
    await h.provider.terminateInstance(instance.id);
    await expect(h.provider.terminateInstance('12345')).resolves.toBeUndefined();
  });

  it('terminate right after create, while the Droplet still answers 404, deletes it once it appears', async () => {
    h = await startHarness();
    h.fake.notFoundFor(100);
    const instance = await h.provider.createInstance({ size: 'small' });
    await h.provider.terminateInstance(instance.id);
    expect(h.fake.record(instance.id)?.deleted ?? true, 'deleted, not left running').toBe(true);
  });

  it('lists only managed Droplets, all pages, with further tag filters applied after', async () => {
    h = await startHarness({ maxPerPage: 2 });
    h.fake.seedDroplet();
    const made = await Promise.all([1, 2, 3].map((n) => h!.provider.createInstance({ size: 'small', tags: { n: String(n), group: n < 3 ? 'a' : 'b' } })));
    expect((await h.provider.listInstances()).map((i) => i.id).sort()).toEqual(made.map((i) => i.id).sort());
    expect((await h.provider.listInstances({ tags: { group: 'a' } })).map((i) => i.tags.n).sort()).toEqual(['1', '2']);
    const url = h.fake.http.log.filter((e) => e.operation === 'droplets_list').at(-1)!.search;
    expect(new URLSearchParams(url).get('tag_name')).toBe('managed-by:stagely');
    expect(new URLSearchParams(url).get('per_page')).toBe('200');
    await failure(h.provider.listInstances({ tags: { 'no spaces': 'x' } }), 'INVALID_INPUT');
  });
});

describe('snapshots and SSH keys', () => {
  it('createSnapshot runs the snapshot action, lists it, deletes it twice', async () => {
    h = await startHarness();
    const ready = await provisionInstance(h.provider, { size: 'small' }, { timeoutMs: 5000 });
    const snapshot = await h.provider.createSnapshot(ready.id, 'snap-1');
    expect(snapshot).toMatchObject({ name: 'snap-1', instanceId: ready.id, region: 'nyc3', provider: 'digitalocean' });
    expect((await h.provider.listSnapshots()).map((s) => s.id)).toEqual([snapshot.id]);
    const created = await h.provider.createInstance({ size: 'small', image: { snapshot: snapshot.id } });
    expect(h.fake.record(created.id)?.image).toBe(Number(snapshot.id));
    await h.provider.deleteSnapshot(snapshot.id);
    await h.provider.deleteSnapshot(snapshot.id);
    expect(await h.provider.listSnapshots()).toEqual([]);
  });

  it('a lost snapshot answer adopts the action it started instead of starting another', async () => {
    h = await startHarness();
    const ready = await provisionInstance(h.provider, { size: 'small' }, { timeoutMs: 5000 });
    h.fake.loseResponse('dropletActions_post');
    const snapshot = await h.provider.createSnapshot(ready.id, 'snap-lost');
    expect(h.fake.snapshots().map((s) => String(s.id))).toEqual([snapshot.id]);
  });

  it('SSH keys are resolved by name to ids', async () => {
    h = await startHarness({ sshKeys: [{ name: 'a' }, { name: 'b' }] });
    const keys = await h.provider.listSshKeys();
    expect(keys.map((k) => k.name)).toEqual(['a', 'b']);
    const instance = await h.provider.createInstance({ size: 'small', sshKeys: ['b'] });
    expect(h.fake.record(instance.id)?.sshKeyIds).toEqual([Number(keys[1]!.id)]);
  });
});

describe('the rate limit', () => {
  it('learns how many requests are left from ratelimit-remaining, but keeps its own refill (DigitalOcean resets are a sliding hour)', async () => {
    const { digitalOceanLimiter } = await import('../src/provider.js');
    // A clock that stands still: no refill between the observation and the look at the state.
    const now = Date.now();
    const limiter = digitalOceanLimiter(undefined, { now: () => now, sleep: () => Promise.resolve() });
    const reset = String(Math.ceil(now / 1000) + 3500);
    limiter.observe({ 'ratelimit-limit': '5000', 'ratelimit-remaining': '4000', 'ratelimit-reset': reset });
    expect(limiter.state().refillPerMs).toBeCloseTo(250 / 60_000, 10);
    expect(limiter.state().capacity).toBe(250);
    limiter.observe({ 'ratelimit-limit': '5000', 'ratelimit-remaining': '3', 'ratelimit-reset': reset });
    expect(limiter.state().tokens).toBeLessThanOrEqual(3);
  });

  it('sends no more than 250 in any minute, as DigitalOcean counts them (a sliding window)', async () => {
    const { digitalOceanLimiter } = await import('../src/provider.js');
    const { manualScheduler } = await import('@stagely/provider-core/testing');
    const scheduler = manualScheduler(0);
    const limiter = digitalOceanLimiter(undefined, scheduler);
    const sent: number[] = [];
    await scheduler.drive(
      Promise.all(
        Array.from({ length: 600 }, async () => {
          await limiter.acquire();
          sent.push(scheduler.now());
        }),
      ),
      100_000,
    );
    const most = Math.max(...sent.map((start, i) => sent.slice(i).filter((t) => t < start + 60_000).length));
    expect(most).toBeLessThanOrEqual(250);
    // A bucket of 250 refilled over a minute would send the 251st a quarter second after the first.
    expect(sent[250]).toBeGreaterThanOrEqual(60_000);
  });

  it('a 429 is retried after the reset the fake gives, and the call succeeds', async () => {
    h = await startHarness();
    h.fake.injectFault('rate-limited', 1);
    await expect(h.provider.listInstances()).resolves.toEqual([]);
    expect(h.events.some((e) => e.type === 'rate-limit')).toBe(true);
  });
});
