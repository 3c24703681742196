/** A fake DigitalOcean API and a provider pointed at it, with fast retries and polling. */
import type { StagelyEvent } from '@stagely/provider-core';
import { createDigitalOceanProvider, type DigitalOceanConfig, type DigitalOceanProvider } from '../src/index.js';
import { startFakeDigitalOcean, type FakeDigitalOcean, type FakeDigitalOceanOptions } from '../src/testing/index.js';

export const TOKEN = 'unit-test-digitalocean-token-d0d0cafe';

export interface Harness {
  fake: FakeDigitalOcean;
  provider: DigitalOceanProvider;
  events: StagelyEvent[];
  /** Another provider on the same fake, e.g. with another config. */
  make(config?: Partial<DigitalOceanConfig>): DigitalOceanProvider;
  /** Calls the fake answered, by operation name. */
  calls(operation: string): number;
  close(): Promise<void>;
}

export async function startHarness(fakeOptions: FakeDigitalOceanOptions = {}, config: Partial<DigitalOceanConfig> = {}): Promise<Harness> {
  const fake = await startFakeDigitalOcean({ token: TOKEN, bootDelayMs: 40, ipDelayMs: 5, actionDelayMs: 10, rateLimit: false, ...fakeOptions });
  const events: StagelyEvent[] = [];
  const make = (overrides: Partial<DigitalOceanConfig> = {}) =>
    createDigitalOceanProvider(
      {
        token: TOKEN,
        endpoint: fake.endpoint,
        retry: { maxAttempts: 4, baseDelayMs: 2, maxDelayMs: 10, maxElapsedMs: 3000 },
        requestTimeoutMs: 2000,
        readinessPoll: { firstMs: 10, growth: 1.5, maxIntervalMs: 40 },
        operationPollMs: 5,
        notFoundGraceMs: 1000,
        ...config,
        ...overrides,
      },
      { events: (event) => events.push(event) },
    );
  return {
    fake,
    provider: make(),
    events,
    make,
    calls: (operation) => fake.http.count(operation),
    close: () => fake.close(),
  };
}
