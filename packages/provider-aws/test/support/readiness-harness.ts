/** A fake EC2 on virtual time and providers whose readiness waiters run on the same time. */
import { memoryBootHistory, type BootHistory, type Instance, type InstanceSpec } from '@stagely/provider-core/provider';
import { createAwsProvider, type AwsConfig, type AwsProvider } from '../../src/index.js';
import { startFakeEc2, type FakeEc2, type FakeEc2Call, type FakeEc2Options } from '../../src/testing/index.js';
import { CREDENTIALS } from './harness.js';
import { virtualTime, type VirtualTime } from './virtual-time.js';

export interface ReadinessHarness {
  fake: FakeEc2;
  time: VirtualTime;
  /** A provider on the fake and on virtual time, with its own boot history unless given one. */
  make(config?: Partial<AwsConfig>, bootHistory?: BootHistory): Polled;
  /** DescribeInstances calls the fake answered since `since` (a count of them taken before). */
  describes(since?: number): FakeEc2Call[];
  close(): Promise<void>;
}

export interface Polled {
  provider: AwsProvider;
  /** The waiter's status calls: how many ids each asked about, and whether it was a batch. */
  polls: Array<{ ids: number; batched: boolean }>;
}

export const SMALL: InstanceSpec = { size: 'small', tags: { suite: 'readiness' } };

export async function startReadinessHarness(fakeOptions: FakeEc2Options = {}): Promise<ReadinessHarness> {
  const time = virtualTime();
  const fake = await startFakeEc2({ credentials: [CREDENTIALS], bootDelayMs: 20_000, terminateDelayMs: 1000, ...fakeOptions, clock: time.scheduler });
  return {
    fake,
    time,
    make(config = {}, bootHistory = memoryBootHistory()) {
      const polls: Polled['polls'] = [];
      const provider = createAwsProvider(
        {
          ...CREDENTIALS,
          endpoint: fake.endpoint,
          retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, maxElapsedMs: 5000 },
          requestTimeoutMs: 10_000,
          // Real time passes for requests only; the limiter would hold them in real time.
          rateLimit: false,
          ...config,
        },
        { bootHistory },
        { readiness: { scheduler: time.scheduler, onPoll: (ids, batched) => polls.push({ ids: ids.length, batched }) } },
      );
      return { provider, polls };
    },
    describes: (since = 0) => fake.calls('DescribeInstances').slice(since),
    close: () => fake.close(),
  };
}

/** Creates `count` instances at one virtual instant (creates take no virtual time). */
export function createMany(provider: AwsProvider, count: number, spec: InstanceSpec = SMALL): Promise<Instance[]> {
  return Promise.all(Array.from({ length: count }, () => provider.createInstance(spec)));
}

/** The instance ids a DescribeInstances asked about, and how: `ids` (InstanceId.N) or `filter` (instance-id). */
export function askedFor(call: FakeEc2Call): { by: 'ids' | 'filter' | 'neither'; ids: string[] } {
  const ids = call.params.InstanceId;
  if (Array.isArray(ids)) return { by: 'ids', ids: ids as string[] };
  const filters = (Array.isArray(call.params.Filter) ? call.params.Filter : []) as Array<{ Name?: string; Value?: string[] }>;
  const byId = filters.find((f) => f.Name === 'instance-id');
  return byId ? { by: 'filter', ids: byId.Value ?? [] } : { by: 'neither', ids: [] };
}
