/**
 * The client-side limiters, one per EC2 action, against the fake enforcing EC2's published
 * throttling (EC2_THROTTLING) through the real SDK. The provider's limiters and the fake's buckets
 * run on one virtual clock that moves only while no request is in flight, so the requests reach the
 * fake at the instants the limiters let them go.
 */
import type { StagelyEvent } from '@stagely/provider-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsProvider, type AwsConfig, type AwsProvider } from '../src/index.js';
import { EC2_THROTTLING, startFakeEc2, type FakeEc2 } from '../src/testing/index.js';
import { CREDENTIALS } from './support/harness.js';
import { SMALL } from './support/readiness-harness.js';
import { virtualTime, type VirtualTime } from './support/virtual-time.js';

interface Throttled {
  fake: FakeEc2;
  time: VirtualTime;
  provider: AwsProvider;
  events: StagelyEvent[];
  /** RequestLimitExceeded answers the fake's own buckets gave (injected faults are not counted). */
  refused(action: string): number;
}

const open: FakeEc2[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((fake) => fake.close()));
});

async function startThrottled(config: Partial<AwsConfig> = {}, throttling = true): Promise<Throttled> {
  const time = virtualTime();
  const fake = await startFakeEc2({ credentials: [CREDENTIALS], bootDelayMs: 20_000, terminateDelayMs: 1000, clock: time.scheduler, ...(throttling ? { throttling: EC2_THROTTLING } : {}) });
  open.push(fake);
  const events: StagelyEvent[] = [];
  const provider = createAwsProvider(
    { ...CREDENTIALS, endpoint: fake.endpoint, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, maxElapsedMs: 5000 }, requestTimeoutMs: 10_000, ...config },
    { events: (event) => events.push(event) },
    { rateLimiter: { scheduler: time.scheduler }, readiness: { scheduler: time.scheduler } },
  );
  const refused = (action: string) => fake.http.log.filter((entry) => entry.operation === action && entry.status === 503 && !entry.faulted).length;
  return { fake, time, provider, events, refused };
}

/** Every settled call's value; fails on the first rejected one. */
function values<T>(settled: Array<PromiseSettledResult<T>>): T[] {
  return settled.map((result) => {
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  });
}

/** Real time passes until `done` holds (a state the test waits for, never a duration). */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 1));
}

describe('a limiter per EC2 action, sized like its bucket', () => {
  it('200 creates and 200 terminates get no RequestLimitExceeded (RunInstances and TerminateInstances: 50 + 5/s each)', async () => {
    const h = await startThrottled();
    // The catalogue reads once, so that every create is a RunInstances and nothing else.
    await h.provider.validateSpec(SMALL);
    const created = values(await h.time.settle(Array.from({ length: 200 }, () => h.provider.createInstance(SMALL))));
    expect(new Set(created.map((instance) => instance.id)).size).toBe(200);
    expect(h.fake.calls('RunInstances')).toHaveLength(200);
    values(await h.time.settle(created.map((instance) => h.provider.terminateInstance(instance.id))));
    expect(h.fake.calls('TerminateInstances')).toHaveLength(200);
    expect({ run: h.refused('RunInstances'), terminate: h.refused('TerminateInstances') }).toEqual({ run: 0, terminate: 0 });
    expect(h.events.filter((event) => event.type === 'rate-limit')).toEqual([]);
  }, 60_000);

  it('a throttled RunInstances holds RunInstances only: a DescribeInstances sent meanwhile is not held', async () => {
    const h = await startThrottled();
    const first = await h.provider.createInstance(SMALL);
    h.fake.injectFault('rate-limited', 1, { operation: 'RunInstances' });
    const creating = h.provider.createInstance(SMALL);
    // The limiter has heard of the throttle once the answer is reported.
    await until(() => h.events.some((event) => event.type === 'request' && event.operation === 'RunInstances' && event.status === 503));
    const throttledAt = h.time.now();
    const [made, got] = values(await h.time.settle<unknown>([creating, h.provider.getInstance(first.id)]));
    expect(got).toMatchObject({ id: first.id });
    expect(made).toMatchObject({ state: 'pending' });
    const describe = h.fake.calls('DescribeInstances').find((call) => (call.params.InstanceId as string[] | undefined)?.[0] === first.id);
    // Answered at the throttle's instant: nothing held it.
    expect(describe?.at).toBe(throttledAt);
    // The retried RunInstances waited out its own action's hold (one refill, 500 ms of the clock).
    expect(h.fake.calls('RunInstances').at(-1)!.at).toBeGreaterThanOrEqual(throttledAt + 500);
  });
});

describe('rateLimit in the config', () => {
  it('caps every action: no bucket larger or refilling faster than it', async () => {
    const h = await startThrottled({ rateLimit: { requests: 3, windowMs: 3000 } });
    const start = h.time.now();
    values(await h.time.settle(Array.from({ length: 5 }, () => h.provider.listSshKeys())));
    // DescribeKeyPairs (100 + 20/s at EC2) capped to 3, then one a second.
    expect(h.fake.calls('DescribeKeyPairs').map((call) => call.at - start)).toEqual([0, 0, 0, 1000, 2000]);
    expect(h.refused('DescribeKeyPairs')).toBe(0);
  });

  it('false: no client-side limiting (the fake refuses what EC2 would)', async () => {
    const h = await startThrottled({ rateLimit: false, retry: { maxAttempts: 1 } });
    const settled = await h.time.settle(Array.from({ length: 101 }, () => h.provider.listSshKeys()));
    expect(settled.filter((result) => result.status === 'rejected')).toHaveLength(1);
    expect(h.refused('DescribeKeyPairs')).toBe(1);
  });
});
