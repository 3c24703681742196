/**
 * Waiting for readiness on DigitalOcean, through the real dots-wrapper on the fake API, on virtual
 * time (the waiter's and the fake's): what each look asks, a fleet's waits batched into list calls,
 * the hints, a failed create action, and boot times learned across providers.
 */
import { createRegistry, isStagelyError, memoryBootHistory, provisionInstance, type BootHistory, type StagelyError } from '@stagely/provider-core';
import { backoffSchedule, bootKey, learnedPlan, pollUntilReady, type Instance } from '@stagely/provider-core/provider';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import plugin, { createDigitalOceanProvider, type DigitalOceanProvider } from '../src/index.js';
import { CREATE_ACTION_LOOK_EVERY } from '../src/readiness.js';
import { startFakeDigitalOcean, type FakeDigitalOcean } from '../src/testing/index.js';
import { virtualWaits, type VirtualWaits } from './virtual-waits.js';

const TOKEN = 'readiness-test-digitalocean-token-5ea7ed';
/** A realistic Droplet: active 40 s after the create, its public address 2 s later. */
const BOOT_MS = 40_000;
const IP_MS = 2_000;
const TIMEOUT_MS = 600_000;
const SMALL = { size: 'small' } as const;
/** What `small` resolves to in the fake's catalogue (test/provider.test.ts). */
const KEY = bootKey('digitalocean', 's-2vcpu-4gb', 'nyc3');
const STATUS_OPERATIONS = ['droplets_get', 'droplets_list', 'actions_get', 'actions_list'];

let fake: FakeDigitalOcean | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(options: { ipDelayMs?: number; rateLimit?: false } = {}) {
  const v = virtualWaits();
  fake = await startFakeDigitalOcean({
    token: TOKEN,
    clock: v.scheduler,
    bootDelayMs: BOOT_MS,
    ipDelayMs: options.ipDelayMs ?? IP_MS,
    dropletLimit: 1000,
    // DigitalOcean's own budget (250 a minute, 5000 an hour) on the virtual clock, unless lifted.
    ...(options.rateLimit === false ? { rateLimit: false as const } : {}),
  });
  const endpoint = fake.endpoint;
  const make = (history: BootHistory = memoryBootHistory()): DigitalOceanProvider =>
    createDigitalOceanProvider(
      // A request timeout no loaded machine reaches: a retried call would change the counts.
      { token: TOKEN, endpoint, retry: { maxAttempts: 3, baseDelayMs: 2, maxDelayMs: 10 }, requestTimeoutMs: 60_000 },
      { bootHistory: history },
      v.hooks,
    );
  return { v, fake, make };
}

/**
 * Status calls the fake answered from its log entry `since` on (a create's look-up by its marker,
 * after a slow answer, is a droplets_list too), for `ids` only, when given, for calls by id.
 */
function statusCalls(f: FakeDigitalOcean, { since = 0, ids }: { since?: number; ids?: readonly string[] } = {}): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of f.http.log.slice(since)) {
    if (!entry.operation || !STATUS_OPERATIONS.includes(entry.operation)) continue;
    if (ids && entry.operation === 'droplets_get' && !ids.some((id) => entry.path.endsWith(`/${id}`))) continue;
    counts[entry.operation] = (counts[entry.operation] ?? 0) + 1;
  }
  return counts;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);

function readyLike(instance: Instance, f: FakeDigitalOcean) {
  expect(instance.state).toBe('running');
  expect(instance.publicIp).toMatch(/^203\.0\./);
  expect(f.record(instance.id)?.status).toBe('active');
}

async function failure(promise: Promise<unknown>): Promise<StagelyError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(isStagelyError(error), String(error)).toBe(true);
  expect(inspect(error, { depth: 10 }) + JSON.stringify((error as StagelyError).toJSON())).not.toContain(TOKEN);
  return error as StagelyError;
}

describe('one wait', () => {
  it('makes no more calls than the getInstance polling it replaces, one status call per look', async () => {
    const { v, fake, make } = await setup();
    const provider = make();
    const [mine, before] = await Promise.all([provider.createInstance(SMALL), provider.createInstance(SMALL)]);
    const since = fake.http.log.length;
    // Today's path, side by side on the same clock: core's pollUntilReady on getInstance, core's schedule.
    const [ready] = await v.run(
      Promise.all([
        provider.waitUntilReady(mine.id, { timeoutMs: TIMEOUT_MS }),
        pollUntilReady((id, op) => v.track(() => provider.getInstance(id, op)), before.id, {
          provider: 'digitalocean',
          schedule: backoffSchedule(),
          scheduler: v.clock,
          timeoutMs: TIMEOUT_MS,
        }),
      ]),
    );
    readyLike(ready, fake);
    const looks = v.looks.filter((look) => look.ids.includes(mine.id));
    expect(looks.every((look) => !look.batched)).toBe(true);
    const calls = statusCalls(fake, { since, ids: [mine.id] });
    const beforeCalls = statusCalls(fake, { since, ids: [before.id] }).droplets_get!;
    expect(total(calls), 'one status call per look').toBe(looks.length);
    expect(total(calls)).toBeLessThanOrEqual(beforeCalls);
    // Some looks while new ask for the create action instead of the Droplet, never more than one in CREATE_ACTION_LOOK_EVERY.
    expect(calls.actions_get).toBeGreaterThanOrEqual(1);
    expect(calls.actions_get).toBeLessThanOrEqual(Math.floor(looks.length / CREATE_ACTION_LOOK_EVERY));
    expect(calls.droplets_list).toBeUndefined();
  });

  it('active without a public address is nearlyReady: the next look comes within a second, on a learned plan too', async () => {
    const { v, fake, make } = await setup({ ipDelayMs: 20_000 });
    // Learned boots of 40-42 s: the plan alone would look steadily again past them; the hint does not.
    const provider = make(memoryBootHistory({ [KEY]: [40_000, 41_000, 42_000] }));
    const created = await provider.createInstance(SMALL);
    const origin = v.scheduler.now();
    readyLike(await v.run(provider.waitUntilReady(created.id, { timeoutMs: TIMEOUT_MS })), fake);
    const at = v.looks.map((look) => look.at - origin);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    const firstActive = at.findIndex((t) => t >= BOOT_MS);
    expect(firstActive).toBeGreaterThan(0);
    expect(gaps.slice(firstActive).every((gap) => gap <= 1000), `nearly ready after the boot: ${gaps.join(',')}`).toBe(true);
    // Seen ready within a second of its address.
    expect(at.at(-1)! - (BOOT_MS + 20_000)).toBeLessThanOrEqual(1000);
  });

  it('a create action that errored ends the wait with a typed error at once, not at the timeout; provisionInstance removes the Droplet', async () => {
    const { v, fake, make } = await setup();
    const provider = make();
    fake.failCreate(1, { afterMs: 3000 });
    const origin = v.scheduler.now();
    const since = fake.http.log.length;
    const error = await failure(v.run(provisionInstance(provider, SMALL, { timeoutMs: TIMEOUT_MS })));
    expect(error.code).toBe('API');
    expect(error.retryable).toBe(false);
    expect(error.details).toMatchObject({ actionType: 'create', actionStatus: 'errored', region: 'nyc3', cleanup: { terminated: true } });
    expect(error.details.actionId).toEqual(expect.any(Number));
    const id = String(error.details.instanceId);
    expect(error.message).toContain(id);
    // Found by the first look at the action: CREATE_ACTION_LOOK_EVERY looks at core's steady pace.
    expect(v.scheduler.now() - origin).toBeLessThan(TIMEOUT_MS / 10);
    expect(statusCalls(fake, { since }).actions_get).toBe(1);
    expect(fake.record(id)?.deleted ?? true, 'deleted, not left running').toBe(true);
  });
});

describe('many waits', () => {
  for (const fleet of [30, 200]) {
    it(`${fleet} concurrent waits are served by list calls: about one per round, far below ${fleet} single waits`, async () => {
      const { v, fake, make } = await setup();
      const provider = make();
      const created = await Promise.all(Array.from({ length: fleet }, () => provider.createInstance(SMALL)));
      const since = fake.http.log.length;
      const ready = await v.run(Promise.all(created.map((instance) => provider.waitUntilReady(instance.id, { timeoutMs: TIMEOUT_MS }))));
      expect(ready.map((instance) => instance.id)).toEqual(created.map((instance) => instance.id));
      for (const instance of ready) readyLike(instance, fake);

      const rounds = v.looks.length;
      expect(v.looks.every((look) => look.batched && look.ids.length === fleet)).toBe(true);
      const pages = Math.ceil(fleet / 200);
      const calls = statusCalls(fake, { since });
      // Each round lists the managed tag (200 a page); every CREATE_ACTION_LOOK_EVERY-th round, while
      // Droplets are still new, one page of the account's actions too. Nothing asked id by id.
      expect(calls.droplets_list).toBe(rounds * pages);
      expect(calls.actions_list ?? 0).toBeLessThanOrEqual(Math.floor(rounds / CREATE_ACTION_LOOK_EVERY));
      expect(calls.droplets_get ?? 0).toBe(0);
      expect(calls.actions_get ?? 0).toBe(0);
      // One wait alone takes `rounds`-ish looks (the same schedule): the fleet costs about one wait's calls.
      expect(total(calls)).toBeLessThanOrEqual(rounds * pages + Math.floor(rounds / CREATE_ACTION_LOOK_EVERY));
      expect(total(calls) * 10).toBeLessThan(fleet * rounds);
      // Within DigitalOcean's published budget (the fake enforces it): not one 429.
      expect(fake.http.log.filter((entry) => entry.status === 429)).toEqual([]);
    }, 120_000);
  }

  it('a Droplet without the managed tag, waited for beside managed ones, is asked for by id', async () => {
    const { v, fake, make } = await setup();
    const provider = make();
    const managed = await provider.createInstance(SMALL);
    const unmanaged = fake.seedDroplet();
    const since = fake.http.log.length;
    const ready = await v.run(Promise.all([managed.id, unmanaged.id].map((id) => provider.waitUntilReady(id, { timeoutMs: TIMEOUT_MS }))));
    expect(ready.map((instance) => instance.id)).toEqual([managed.id, unmanaged.id]);
    for (const instance of ready) readyLike(instance, fake);
    const calls = statusCalls(fake, { since });
    expect(calls.droplets_get).toBe(calls.droplets_list);
    expect(statusCalls(fake, { since, ids: [managed.id] }).droplets_get ?? 0).toBe(0);
  });

  it('a failed create action in a fleet ends that wait with a typed error; the others are ready', async () => {
    const { v, fake, make } = await setup();
    const provider = make();
    const fine = await provider.createInstance(SMALL);
    fake.failCreate(1, { afterMs: 3000 });
    const failed = await provider.createInstance(SMALL);
    const other = await provider.createInstance(SMALL);
    const since = fake.http.log.length;
    const outcomes = await v.run(Promise.allSettled([fine, failed, other].map((instance) => provider.waitUntilReady(instance.id, { timeoutMs: TIMEOUT_MS }))));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const error = (outcomes[1] as PromiseRejectedResult).reason as StagelyError;
    expect(isStagelyError(error, 'API')).toBe(true);
    expect(error.details).toMatchObject({ instanceId: failed.id, actionType: 'create', actionStatus: 'errored' });
    const calls = statusCalls(fake, { since });
    expect(calls.actions_list).toBeGreaterThanOrEqual(1);
    expect(calls.actions_get ?? 0).toBe(0);
  });
});

describe('boot times learned', () => {
  it('a fresh provider sharing the bootHistory plans its looks from the boots the first one saw', async () => {
    const { v, fake, make } = await setup();
    const history = memoryBootHistory();
    const first = make(history);
    for (let i = 0; i < 3; i++) readyLike(await v.run(first.waitUntilReady((await first.createInstance(SMALL)).id, { timeoutMs: TIMEOUT_MS })), fake);
    const samples = history.samples(KEY);
    expect(samples).toHaveLength(3);
    for (const boot of samples) expect(boot).toBeGreaterThan(BOOT_MS - 5000);

    const firstLookAfterCreate = async (provider: DigitalOceanProvider) => {
      const created = await provider.createInstance(SMALL);
      const origin = v.scheduler.now();
      const from = v.looks.length;
      readyLike(await v.run(provider.waitUntilReady(created.id, { timeoutMs: TIMEOUT_MS })), fake);
      return v.looks.slice(from).map((look) => look.at - origin);
    };
    const plan = learnedPlan(samples)!;
    const learned = await firstLookAfterCreate(make(history));
    const unlearned = await firstLookAfterCreate(make(memoryBootHistory()));
    // Without history core's schedule looks first at 2 s; with it, where the plan says.
    expect(unlearned[0]).toBeCloseTo(2000, 2);
    expect(learned[0]).toBeCloseTo(plan[0]!, 2);
    expect(Math.abs(learned[0]! - unlearned[0]!)).toBeGreaterThan(250);
    const booting = learned.filter((t) => t < BOOT_MS);
    expect(booting.length).toBeGreaterThan(1);
    booting.forEach((t, i) => expect(t).toBeCloseTo(plan[i]!, 2));
  });

  it('through the registry: the bootHistory it is given records the boots of what its providers created', async () => {
    fake = await startFakeDigitalOcean({ token: TOKEN, bootDelayMs: 30, ipDelayMs: 5, rateLimit: false });
    const history = memoryBootHistory();
    const provider = await createRegistry({ plugins: [plugin], bootHistory: history }).get<DigitalOceanProvider>('digitalocean', {
      token: TOKEN,
      endpoint: fake.endpoint,
      readinessPoll: { firstMs: 10, intervalMs: 10, maxIntervalMs: 20 },
    });
    await provisionInstance(provider, SMALL, { timeoutMs: 10_000 });
    expect(history.samples(KEY)).toHaveLength(1);
  });
});
