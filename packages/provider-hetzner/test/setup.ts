/** A fake Hetzner API and a provider pointed at it, with fast retries and polling. */
import { inspect } from 'node:util';
import { isStagelyError, type StagelyError, type StagelyEvent } from '@stagely/provider-core';
import { expect } from 'vitest';
import { createHetznerProvider, type HetznerConfig, type HetznerProvider } from '../src/index.js';
import { startFakeHetzner, type FakeHetzner, type FakeHetznerOptions } from '../src/testing/index.js';

export const TOKEN = 'unit-test-hetzner-token-c0ffee42';

export interface Harness {
  fake: FakeHetzner;
  provider: HetznerProvider;
  events: StagelyEvent[];
  /** Another provider on the same fake, e.g. with another config. */
  make(config?: Partial<HetznerConfig>): HetznerProvider;
  /** Calls the fake answered, by operation name. */
  calls(operation: string): number;
  close(): Promise<void>;
}

export async function startHarness(fakeOptions: FakeHetznerOptions = {}, config: Partial<HetznerConfig> = {}): Promise<Harness> {
  const fake = await startFakeHetzner({ token: TOKEN, bootDelayMs: 40, actionDelayMs: 10, rateLimit: { limit: 1000, refillPerSecond: 1000 }, ...fakeOptions });
  const events: StagelyEvent[] = [];
  const make = (overrides: Partial<HetznerConfig> = {}) =>
    createHetznerProvider(
      {
        token: TOKEN,
        endpoint: fake.endpoint,
        retry: { maxAttempts: 4, baseDelayMs: 2, maxDelayMs: 10, maxElapsedMs: 3000 },
        requestTimeoutMs: 2000,
        readinessPoll: { firstMs: 10, growth: 1.5, maxIntervalMs: 40 },
        actionPollMs: 5,
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

/** The StagelyError `promise` rejects with (anything else fails the test). */
export const failure = (promise: Promise<unknown>): Promise<StagelyError> =>
  promise.then(
    (value) => expect.fail(`expected a rejection, got ${inspect(value)}`),
    (error: unknown) => {
      if (!isStagelyError(error)) throw error;
      return error as StagelyError;
    },
  );
