/**
 * Waiting for readiness through core's waiter, against the fake over loopback HTTP on virtual time
 * (virtual-time.ts): what each look asks, how overlapping waits share one listing, what the API's
 * hints do, and boot times learned across providers. Boots are tens of (virtual) seconds, as on Hetzner.
 */
import { inspect } from 'node:util';
import type { Instance, StagelyEvent } from '@stagely/provider-core';
import { backoffSchedule, bootKey, learnedPlan, memoryBootHistory, pollUntilReady, type BootHistory } from '@stagely/provider-core/provider';
import { afterEach, describe, expect, it } from 'vitest';
import { createHetznerProvider, type HetznerProvider } from '../src/index.js';
import { startFakeHetzner, type FakeHetzner, type FakeHetznerOptions } from '../src/testing/index.js';
import { failure, TOKEN } from './setup.js';
import { virtualTime, type VirtualTime } from './virtual-time.js';

const BOOT_MS = 30_000;
const TEN_MINUTES = 600_000;
/** What a wait asks the API about a server's status. */
const STATUS_CALLS = new Set(['servers.get', 'servers.list', 'actions.get', 'actions.list']);

interface World {
  time: VirtualTime;
  fake: FakeHetzner;
  events: StagelyEvent[];
  /** A provider on the fake and the virtual clock; `history` is its context's bootHistory. */
  provider(history?: BootHistory): HetznerProvider;
  /** The status calls the fake answered since the log was last cleared, by operation. */
  statusCalls(): Record<string, number>;
  /** When (virtual ms since `from`) each status call after `from` was answered. */
  looks: Array<{ operation: string; at: number }>;
}

let world: World | undefined;
afterEach(async () => {
  world?.time.close();
  await world?.fake.close();
  world = undefined;
});

async function start(fakeOptions: FakeHetznerOptions = {}): Promise<World> {
  const time = virtualTime();
  const fake = await startFakeHetzner({ token: TOKEN, clock: time.scheduler, bootDelayMs: BOOT_MS, actionDelayMs: 10, ...fakeOptions });
  const events: StagelyEvent[] = [];
  const looks: World['looks'] = [];
  const w: World = {
    time,
    fake,
    events,
    looks,
    provider: (history = memoryBootHistory()) =>
      createHetznerProvider(
        { token: TOKEN, endpoint: fake.endpoint, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } },
        {
          bootHistory: history,
          events: (event) => {
            events.push(event);
            if (event.type === 'request' && STATUS_CALLS.has(event.operation)) looks.push({ operation: event.operation, at: time.now() });
            time.onEvent(event);
          },
        },
        { scheduler: time.scheduler },
      ),
    statusCalls: () => {
      const counts: Record<string, number> = {};
      for (const entry of fake.http.log) if (entry.operation && STATUS_CALLS.has(entry.operation)) counts[entry.operation] = (counts[entry.operation] ?? 0) + 1;
      return counts;
    },
  };
  world = w;
  return w;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);

async function createMany(provider: HetznerProvider, count: number, prefix: string, tags: Record<string, string> = {}): Promise<Instance[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => provider.createInstance({ name: `${prefix}-${i}`, size: 'small', region: 'fsn1', tags })));
}

describe('one wait', () => {
  it('makes no more status calls than polling getInstance did, and sees readiness sooner', async () => {
    const w = await start();
    const provider = w.provider();
    const [before] = await createMany(provider, 1, 'single-polled');
    // Before: core's pollUntilReady on getInstance, with the same schedule (the provider's default).
    w.fake.http.clearLog();
    const t0 = w.time.now();
    await w.time.run(pollUntilReady((id, op) => provider.getInstance(id, op), before!.id, { provider: 'hetzner', schedule: backoffSchedule(), scheduler: w.time.scheduler, timeoutMs: TEN_MINUTES }));
    const polled = { calls: total(w.statusCalls()), seenAfter: w.time.now() - t0 };

    const [fresh] = await createMany(provider, 1, 'single-waited');
    w.fake.http.clearLog();
    const t1 = w.time.now();
    const ready = await w.time.run(provider.waitUntilReady(fresh!.id, { timeoutMs: TEN_MINUTES }));
    const waited = { calls: total(w.statusCalls()), seenAfter: w.time.now() - t1 };

    expect([ready.id, ready.state, ready.publicIp]).toEqual([fresh!.id, 'running', expect.any(String)]);
    expect(waited.calls).toBeLessThanOrEqual(polled.calls);
    expect(waited.seenAfter).toBeLessThan(polled.seenAfter);
    expect(w.statusCalls()['servers.list'] ?? 0, 'one wait never lists').toBe(0);
  });

  it("reads the create action while it runs: its progress puts the next look at the boot's end", async () => {
    const w = await start({ bootDelayMs: 8000 });
    const provider = w.provider();
    const [server] = await createMany(provider, 1, 'progress');
    const created = w.time.now();
    w.looks.length = 0;
    await w.time.run(provider.waitUntilReady(server!.id, { timeoutMs: TEN_MINUTES }));
    const looks = w.looks.map((look) => ({ ...look, at: look.at - created }));
    // First a server read (the new server seen once), then the action, then the server at the end.
    expect(looks.map((look) => look.operation)).toEqual(['servers.get', 'actions.get', 'servers.get']);
    // Without the hint the schedule looks at 2 s, 6.5 s, 11 s: readiness at 8 s would be seen at 11 s.
    expect(looks.at(-1)!.at).toBeGreaterThanOrEqual(8000);
    expect(looks.at(-1)!.at).toBeLessThan(8000 + 500);
  });

  it('a failed create action ends the wait at once with a typed error naming its code, not at the timeout', async () => {
    const w = await start({ bootDelayMs: 60_000 });
    const provider = w.provider();
    w.fake.failCreateActions({ atShare: 0.25, error: { code: 'resource_unavailable', message: 'no capacity left in fsn1' } });
    const [server] = await createMany(provider, 1, 'doomed');
    const created = w.time.now();
    const error = await failure(w.time.run(provider.waitUntilReady(server!.id, { timeoutMs: TEN_MINUTES })));
    expect([error.code, error.details.hetznerCode, error.details.instanceId]).toEqual(['CAPACITY', 'resource_unavailable', server!.id]);
    expect(error.message).toContain('no capacity left in fsn1');
    // It failed at 15 s; the next look (at most 5 s on) read the action.
    expect(w.time.now() - created).toBeLessThanOrEqual(15_000 + 5000);
    expect(inspect(error, { depth: 10 }) + JSON.stringify(error.toJSON())).not.toContain(TOKEN);
  });
});

describe('many waits', () => {
  // A round a second, 3 pages each: real requests on a loaded machine.
  it('30 overlapping waits share one listing a round: far fewer calls than 30 single waits', { timeout: 60_000 }, async () => {
    // Pages of 10, so that a round costs several calls (Hetzner's are 50).
    const w = await start({ maxPerPage: 10 });
    const provider = w.provider();
    const servers = await createMany(provider, 30, 'fleet', { fleet: 'f1' });
    w.fake.seedServer({ name: 'not-waited', labels: { 'managed-by': 'stagely', fleet: 'other' } });
    w.fake.http.clearLog();
    w.looks.length = 0;
    const t0 = w.time.now();
    const ready = await w.time.run(Promise.all(servers.map((s) => provider.waitUntilReady(s.id, { timeoutMs: TEN_MINUTES }))));
    const elapsed = w.time.now() - t0;

    expect(ready.map((r) => r.id)).toEqual(servers.map((s) => s.id));
    expect(ready.every((r) => r.state === 'running' && r.publicIp !== null)).toBe(true);
    const calls = w.statusCalls();
    // At most one round a second (the waiter's batch interval), each one listing of 3 pages: the
    // label selector leaves out the server nobody waits for.
    const rounds = new Set(w.looks.map((look) => look.at)).size;
    expect(rounds).toBeLessThanOrEqual(Math.floor(elapsed / 1000) + 1);
    expect(total(calls)).toBe(rounds * 3);
    expect(Object.keys(calls)).toEqual(['servers.list']);
    const selectors = new Set(w.fake.http.log.map((entry) => new URLSearchParams(entry.search).get('label_selector')));
    expect([...selectors]).toEqual(['managed-by==stagely,fleet==f1']);
    // One wait alone costs 7 calls for this boot (the test above): 30 of them 210. Shared rounds come
    // every second (the waiter pays them by Hetzner's pages of 50; here they are 10) and still cost
    // under half of that.
    expect(total(calls)).toBeLessThan((30 * 7) / 2);
  });

  it('a server this provider did not create (no labels to list it by) is read on its own', async () => {
    const w = await start({ bootDelayMs: 10_000 });
    const provider = w.provider();
    const [mine] = await createMany(provider, 1, 'mine', { team: 'a' });
    const stranger = w.fake.seedServer({ name: 'stranger', labels: { owner: 'someone-else' } });
    w.fake.http.clearLog();
    const ready = await w.time.run(Promise.all([mine!.id, stranger.id].map((id) => provider.waitUntilReady(id, { timeoutMs: TEN_MINUTES }))));
    expect(ready.map((r) => [r.id, r.state])).toEqual([
      [mine!.id, 'running'],
      [stranger.id, 'running'],
    ]);
    const calls = w.statusCalls();
    // Each round: the listing (managed-by only, as the stranger's labels are unknown) and a get of the stranger.
    expect(calls['servers.get']).toBe(calls['servers.list']);
    expect(new Set(w.fake.http.log.flatMap((e) => (e.operation === 'servers.list' ? [new URLSearchParams(e.search).get('label_selector')] : [])))).toEqual(
      new Set(['managed-by==stagely']),
    );
  });

  it('a fleet wait leaves Hetzner’s hourly budget almost whole', async () => {
    const w = await start();
    const provider = w.provider();
    const servers = await createMany(provider, 60, 'budget');
    w.fake.http.clearLog();
    await w.time.run(Promise.all(servers.map((s) => provider.waitUntilReady(s.id, { timeoutMs: TEN_MINUTES }))));
    const answers = w.fake.http.log.length;
    expect(answers).toBeLessThan(3600 / 20);
    expect(w.fake.http.log.filter((entry) => entry.status === 429)).toEqual([]);
  });

  it("a failed create action in a fleet fails that server's wait at once; the others get ready", async () => {
    const w = await start({ bootDelayMs: 60_000 });
    const provider = w.provider();
    const [healthy] = await createMany(provider, 1, 'fleet-ok');
    w.fake.failCreateActions({ atShare: 0.25 });
    const [doomed] = await createMany(provider, 1, 'fleet-doomed');
    const [other] = await createMany(provider, 1, 'fleet-ok-2');
    const created = w.time.now();
    let failedAfter = Number.NaN;
    const doomedWait = failure(provider.waitUntilReady(doomed!.id, { timeoutMs: TEN_MINUTES })).finally(() => {
      failedAfter = w.time.now() - created;
    });
    const ready = await w.time.run(Promise.all([healthy, other].map((s) => provider.waitUntilReady(s!.id, { timeoutMs: TEN_MINUTES }))));
    const error = await doomedWait;
    expect(ready.map((r) => r.id)).toEqual([healthy!.id, other!.id]);
    expect([error.code, error.details.instanceId]).toEqual(['CAPACITY', doomed!.id]);
    // It failed at 15 s: the next round saw its server off and read its action.
    expect(failedAfter).toBeLessThanOrEqual(15_000 + 5000);
    expect(w.statusCalls()['actions.list']).toBe(1);
    expect(w.time.now() - created).toBeGreaterThanOrEqual(60_000);
  });

  it('`starting` is nearly ready: the next round comes within a second', async () => {
    // Starting from 14.4 s: the rounds at 2, 6.5 and about 11 s see it initializing, the one near 16 s starting.
    const w = await start({ bootDelayMs: 18_000 });
    const provider = w.provider();
    const servers = await createMany(provider, 2, 'nearly');
    w.looks.length = 0;
    const seen = w.events.length;
    await w.time.run(Promise.all(servers.map((s) => provider.waitUntilReady(s.id, { timeoutMs: TEN_MINUTES }))));
    const states = w.events.slice(seen).flatMap((event) => (event.type === 'state' ? [event.providerState] : []));
    expect(states).toEqual(['initializing', 'initializing', 'starting', 'starting', 'running', 'running']);
    const gaps = w.looks.slice(1).map((look, i) => look.at - w.looks[i]!.at);
    // Initializing: core's schedule (4.5 s and more apart); starting: a second, the batch interval.
    expect(gaps.slice(-3)).toEqual([1000, 1000, 1000]);
    expect(gaps.slice(0, -3).every((gap) => gap >= 4500)).toBe(true);
  });
});

describe('boot times learned', () => {
  it('a fresh provider sharing the bootHistory places its first look where the boots ended', async () => {
    const w = await start({ bootDelayMs: 20_000 });
    const history = memoryBootHistory();
    const first = w.provider(history);
    const firstLook = async (provider: HetznerProvider, name: string) => {
      const [server] = await createMany(provider, 1, name);
      const created = w.time.now();
      w.looks.length = 0;
      await w.time.run(provider.waitUntilReady(server!.id, { timeoutMs: TEN_MINUTES }));
      return w.looks[0]!.at - created;
    };
    // No history: the schedule's first look, 2 s after the create.
    expect(await firstLook(first, 'learn-0')).toBe(2000);
    for (let i = 1; i < 4; i++) await firstLook(first, `learn-${i}`);
    const key = bootKey('hetzner', 'cx23', 'fsn1');
    expect(history.samples(key).length).toBe(4);

    const plan = learnedPlan(history.samples(key))!;
    const learned = await firstLook(w.provider(history), 'learned');
    expect(learned).toBeCloseTo(Math.min(5000, plan[0]!), 3);
    expect(learned).toBeGreaterThan(2000);
    // And a provider with a history of its own starts from scratch.
    expect(await firstLook(w.provider(memoryBootHistory()), 'unlearned')).toBe(2000);
  });
});
