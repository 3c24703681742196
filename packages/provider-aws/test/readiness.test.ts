/**
 * waitUntilReady on core's readiness waiter, against the fake EC2 on virtual time (the fake's clock
 * and the waiter's scheduler are one): batched looks, EC2's hints, launch failures and learned boot
 * times, counted in the fake's call log. Boots take 20 virtual seconds; no assertion is on real time.
 */
import { bootKey, DEFAULT_POLL_SCHEDULE_OPTIONS, memoryBootHistory, pollUntilReady, backoffSchedule, type Instance } from '@stagely/provider-core/provider';
import { afterEach, describe, expect, it } from 'vitest';
import type { AwsProvider } from '../src/index.js';
import { askedFor, createMany, SMALL, startReadinessHarness, type ReadinessHarness } from './support/readiness-harness.js';

let h: ReadinessHarness;
afterEach(() => h?.close());

const fulfilledAt = <T>(results: Array<PromiseSettledResult<T> & { at: number }>): Array<{ value: T; at: number }> =>
  results.map((result) => {
    if (result.status === 'rejected') throw result.reason;
    return { value: result.value, at: result.at };
  });
const fulfilled = <T>(results: Array<PromiseSettledResult<T>>): T[] =>
  results.map((result) => {
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  });

/** The looks one wait makes for a 20 s boot on core's schedule without history: 2 s, then every 4.5 s. */
async function singleWaitLooks(harness: ReadinessHarness): Promise<number> {
  const { provider } = harness.make();
  const [instance] = await createMany(provider, 1);
  const before = harness.describes().length;
  fulfilled(await harness.time.run([provider.waitUntilReady(instance!.id)]));
  return harness.describes(before).length;
}

describe('one wait for many instances', () => {
  // A round a second for 20 virtual seconds, 3 pages each: real requests on a loaded machine.
  it('30 concurrent waits cost one instance-id-filtered DescribeInstances per round and page, far below 30 single waits', { timeout: 60_000 }, async () => {
    h = await startReadinessHarness();
    const single = await singleWaitLooks(h);
    expect(single).toBe(5);
    const pageSize = 10;
    const { provider, polls } = h.make({ pageSize });
    const created = await createMany(provider, 30);
    const before = h.describes().length;
    const start = h.time.now();
    const ready = fulfilled(await h.time.run(created.map((instance) => provider.waitUntilReady(instance.id))));
    const elapsed = h.time.now() - start;

    expect(ready.map((instance) => instance.id)).toEqual(created.map((instance) => instance.id));
    for (const instance of ready) {
      expect(instance).toMatchObject({ state: 'running', publicIp: h.fake.record(instance.id)!.publicIp });
      expect(instance.publicIp).not.toBeNull();
    }
    // Created at one instant with one boot time, the 30 waits share every round: at most one a second
    // (so many waits pay for one that often), each ceil(30 / pageSize) pages.
    const rounds = polls.filter((poll) => poll.batched).length;
    expect(rounds).toBeLessThanOrEqual(Math.floor(elapsed / 1000) + 1);
    expect(polls.every((poll) => poll.batched && poll.ids === 30)).toBe(true);
    const calls = h.describes(before);
    expect(calls.length).toBeLessThanOrEqual(rounds * Math.ceil(30 / pageSize));
    // Under half of what 30 single waits cost (30 x 5), though each round is read in pages of 10.
    expect(calls.length).toBeLessThan((30 * single) / 2);
    for (const call of calls) {
      expect(askedFor(call).by).toBe('filter');
      expect(call.params.MaxResults).toBe(String(pageSize));
    }
  });

  it('an id EC2 does not show yet is left out of the answer, not a failed call (eventual consistency)', async () => {
    h = await startReadinessHarness();
    h.fake.notFoundFor(5000);
    const { provider } = h.make();
    const created = await createMany(provider, 3);
    const before = h.describes().length;
    const start = h.time.now();
    const ready = fulfilled(await h.time.run(created.map((instance) => provider.waitUntilReady(instance.id))));
    expect(ready.map((instance) => instance.id)).toEqual(created.map((instance) => instance.id));
    const calls = h.describes(before);
    // The first round (2 s) came while EC2 did not show the three yet: answered, with none of them.
    expect(calls[0]!.at - start).toBeLessThan(5000);
    expect(calls.every((call) => askedFor(call).by === 'filter')).toBe(true);
    expect(h.fake.http.log.filter((entry) => entry.operation === 'DescribeInstances').every((entry) => entry.status === 200)).toBe(true);
  });

  // 410 DescribeInstances answers of 200 instances each on a loaded machine: real time, not virtual.
  it('more than 200 waits: one DescribeInstances per 200 ids a round (EC2 refuses more filter values)', { timeout: 60_000 }, async () => {
    // A short boot: few rounds, each two calls (200 ids, then 5).
    h = await startReadinessHarness({ bootDelayMs: 3000 });
    const { provider, polls } = h.make();
    const ids = Array.from({ length: 205 }, () => h.fake.seedInstance().id);
    const before = h.describes().length;
    const ready = fulfilled(await h.time.run(ids.map((id) => provider.waitUntilReady(id))));
    expect(ready.map((instance) => instance.id)).toEqual(ids);
    const calls = h.describes(before);
    const rounds = polls.filter((poll) => poll.batched).length;
    expect(rounds).toBeGreaterThan(0);
    expect(calls).toHaveLength(rounds * 2);
    expect(calls.map((call) => askedFor(call).ids.length).sort((a, b) => a - b)).toEqual([...Array(rounds).fill(5), ...Array(rounds).fill(200)]);
    expect(h.fake.http.log.filter((entry) => entry.operation === 'DescribeInstances').every((entry) => entry.status === 200)).toBe(true);
  });

  it('a refusal that retrying cannot fix fails every wait of the round; a retryable one is "not yet"', async () => {
    h = await startReadinessHarness();
    const { provider } = h.make();
    const created = await createMany(provider, 3);
    // Three 500s: the round's own retries (maxAttempts 3) give up, the waits take it as "not yet".
    h.fake.injectFault('server-error', 3, { operation: 'DescribeInstances' });
    fulfilled(await h.time.run(created.map((instance) => provider.waitUntilReady(instance.id))));
    expect(h.fake.http.log.filter((entry) => entry.operation === 'DescribeInstances' && entry.status === 500)).toHaveLength(3);
    const more = await createMany(provider, 3);
    h.fake.injectFault('forbidden', 1, { operation: 'DescribeInstances' });
    const results = await h.time.run(more.map((instance) => provider.waitUntilReady(instance.id)));
    expect(results.map((result) => (result.status === 'rejected' ? (result.reason as { code: string }).code : 'ready'))).toEqual(['PERMISSION_DENIED', 'PERMISSION_DENIED', 'PERMISSION_DENIED']);
  });
});

describe('one wait', () => {
  it('makes the calls pollUntilReady on getInstance made before: one DescribeInstances by InstanceId a look, at the same times', async () => {
    h = await startReadinessHarness();
    const { provider } = h.make();
    const [old] = await createMany(provider, 1);
    let before = h.describes().length;
    let start = h.time.now();
    fulfilled(
      await h.time.run([
        pollUntilReady((id, op) => provider.getInstance(id, op), old!.id, { provider: 'aws', schedule: backoffSchedule({}), scheduler: h.time.scheduler }),
      ]),
    );
    const was = h.describes(before).map((call) => ({ at: call.at - start, ...askedFor(call) }));
    const [instance] = await createMany(provider, 1);
    before = h.describes().length;
    start = h.time.now();
    fulfilled(await h.time.run([provider.waitUntilReady(instance!.id)]));
    const now = h.describes(before).map((call) => ({ at: call.at - start, ...askedFor(call) }));
    expect(now.map((call) => call.by)).toEqual(now.map(() => 'ids'));
    expect(now.map((call) => call.ids)).toEqual(now.map(() => [instance!.id]));
    expect(now.map((call) => call.at)).toEqual(was.map((call) => call.at));
    expect(now.length).toBeLessThanOrEqual(was.length);
  });

  it('nearlyReady: once it runs without a public IP, the next look is within nearlyReadyMs', async () => {
    h = await startReadinessHarness({ bootDelayMs: 5000, ipDelayMs: 6000 });
    const { provider } = h.make();
    const [instance] = await createMany(provider, 1);
    const before = h.describes().length;
    const start = h.time.now();
    const [result] = await h.time.run([provider.waitUntilReady(instance!.id)]);
    expect(result!.status).toBe('fulfilled');
    const looks = h.describes(before).map((call) => call.at - start);
    // 2 s and 6.5 s on core's schedule; running from 5 s, its address at 11 s: looked at each second after 6.5 s.
    expect(looks.slice(0, 2)).toEqual([2000, 6500]);
    const gaps = looks.slice(2).map((at, i) => at - looks[i + 1]!);
    expect(gaps.length).toBeGreaterThan(0);
    expect(gaps.every((gap) => gap <= DEFAULT_POLL_SCHEDULE_OPTIONS.nearlyReadyMs)).toBe(true);
    expect(looks.at(-1)! - 11_000).toBeLessThanOrEqual(DEFAULT_POLL_SCHEDULE_OPTIONS.nearlyReadyMs);
  });
});

describe('a launch EC2 ends', () => {
  const failures: Array<[string, string]> = [
    ['Server.InsufficientInstanceCapacity', 'CAPACITY'],
    ['Client.VolumeLimitExceeded', 'QUOTA_EXCEEDED'],
    ['Server.InternalError', 'API'],
  ];
  for (const [reason, code] of failures) {
    it(`${reason} ends the wait at the first look after it with a ${code} error naming the reason, not at the timeout`, async () => {
      h = await startReadinessHarness({ terminateDelayMs: 60_000 });
      h.fake.failLaunches({ code: reason, afterMs: 3000 });
      const { provider } = h.make();
      const [failed, fine] = await createMany(provider, 2);
      const start = h.time.now();
      const [lost, ready] = await h.time.run([provider.waitUntilReady(failed!.id, { timeoutMs: 600_000 }), provider.waitUntilReady(fine!.id)]);
      expect(ready!.status).toBe('fulfilled');
      expect(lost!.status).toBe('rejected');
      const error = (lost as PromiseRejectedResult).reason as { code: string; message: string; details: Record<string, unknown> };
      expect(error.code).toBe(code);
      expect(error.message).toContain(reason);
      expect(error.details).toMatchObject({ instanceId: failed!.id, stateReason: reason });
      // Looks at 2 s (pending) and 6.5 s (shutting-down since 3 s): it ends there.
      expect(lost!.at - start).toBe(6500);
    });
  }

  it('an instance someone terminates while it is waited for is NOT_FOUND, as before', async () => {
    h = await startReadinessHarness();
    const { provider } = h.make();
    const [instance] = await createMany(provider, 1);
    const waiting = provider.waitUntilReady(instance!.id);
    await provider.terminateInstance(instance!.id);
    const [result] = await h.time.run([waiting]);
    expect(result!.status).toBe('rejected');
    expect((result as PromiseRejectedResult).reason).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('boot times get learned', () => {
  it('a fresh provider sharing the boot history plans its looks from the boots seen before', async () => {
    h = await startReadinessHarness();
    const history = memoryBootHistory();
    const watch = async (provider: AwsProvider, bootMs: number) => {
      h.fake.setBootDelay(bootMs);
      const [instance] = await createMany(provider, 1);
      const before = h.describes().length;
      const start = h.time.now();
      const [result] = fulfilledAt(await h.time.run([provider.waitUntilReady(instance!.id)]));
      const calls = h.describes(before);
      return { first: calls[0]!.at - start, calls: calls.length, late: result!.at - start - bootMs };
    };
    const learner = h.make({}, history).provider;
    for (const bootMs of [16_000, 20_000, 24_000]) expect((await watch(learner, bootMs)).first).toBe(DEFAULT_POLL_SCHEDULE_OPTIONS.firstMs);
    const key = bootKey('aws', 't3.small', 'us-east-1');
    expect(history.samples(key)).toHaveLength(3);

    const learned = await watch(h.make({}, history).provider, 18_000);
    const plain = await watch(h.make().provider, 18_000);
    expect(plain.first).toBe(DEFAULT_POLL_SCHEDULE_OPTIONS.firstMs);
    // Nothing ended in the first 16 s of the boots seen: the plan looks later, sees an 18 s boot sooner, with no more calls.
    expect(learned.first).toBeGreaterThan(plain.first);
    expect(learned.late).toBeLessThan(plain.late);
    expect(learned.calls).toBeLessThanOrEqual(plain.calls);
    expect(history.samples(key)).toHaveLength(4);
  });

  it('the registry hands its bootHistory to the provider: a provisioned instance is a sample', async () => {
    const { createRegistry, provisionInstance } = await import('@stagely/provider-core');
    const plugin = (await import('../src/index.js')).default;
    const { startFakeEc2 } = await import('../src/testing/index.js');
    const { CREDENTIALS } = await import('./support/harness.js');
    const fake = await startFakeEc2({ credentials: [CREDENTIALS], bootDelayMs: 30 });
    try {
      const history = memoryBootHistory();
      const aws = await createRegistry({ plugins: [plugin], bootHistory: history }).get('aws', {
        ...CREDENTIALS,
        endpoint: fake.endpoint,
        readinessPoll: { firstMs: 10, maxIntervalMs: 20 },
      });
      const instance = await provisionInstance(aws, SMALL, { timeoutMs: 10_000 });
      expect(history.samples(bootKey('aws', instance.type, instance.region))).toHaveLength(1);
    } finally {
      await fake.close();
    }
  });
});
