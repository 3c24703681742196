/** A fake EC2 and a provider pointed at it, with fast retries and polling. */
import type { StagelyEvent } from '@stagely/provider-core';
import { createAwsProvider, type AwsConfig, type AwsProvider } from '../../src/index.js';
import { startFakeEc2, type FakeEc2, type FakeEc2Options } from '../../src/testing/index.js';

export const CREDENTIALS = { accessKeyId: 'AKIAUNITTEST00000001', secretAccessKey: 'unit-test-secret-c0ffee42deadbeef' };

export interface Harness {
  fake: FakeEc2;
  provider: AwsProvider;
  events: StagelyEvent[];
  /** Another provider on the same fake, e.g. with another config. */
  make(config?: Partial<AwsConfig>): AwsProvider;
  /** Calls the fake answered, by EC2 action. */
  calls(action: string): number;
  close(): Promise<void>;
}

export async function startHarness(fakeOptions: FakeEc2Options = {}, config: Partial<AwsConfig> = {}): Promise<Harness> {
  const fake = await startFakeEc2({ credentials: [CREDENTIALS], bootDelayMs: 40, terminateDelayMs: 20, imageDelayMs: 20, ...fakeOptions });
  const events: StagelyEvent[] = [];
  const make = (overrides: Partial<AwsConfig> = {}) =>
    createAwsProvider(
      {
        ...CREDENTIALS,
        endpoint: fake.endpoint,
        retry: { maxAttempts: 4, baseDelayMs: 2, maxDelayMs: 10, maxElapsedMs: 3000 },
        requestTimeoutMs: 2000,
        readinessPoll: { firstMs: 10, growth: 1.5, maxIntervalMs: 40 },
        operationPollMs: 5,
        ...config,
        ...overrides,
      },
      { events: (event) => events.push(event) },
    );
  return { fake, provider: make(), events, make, calls: (action) => fake.http.count(action), close: () => fake.close() };
}
