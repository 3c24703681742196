/**
 * The conformance suite against the fake DigitalOcean API, through the real dots-wrapper over
 * loopback HTTP, with the provider loaded the way applications load it: through core's registry.
 */
import { createRegistry } from '@stagely/provider-core';
import { describeProviderConformance } from '@stagely/provider-core/conformance';
import { afterAll, beforeAll } from 'vitest';
import plugin, { type DigitalOceanProvider } from '../src/index.js';
import { LOST_OPERATIONS, startFakeDigitalOcean, type FakeDigitalOcean } from '../src/testing/index.js';

const TOKEN = 'conformance-digitalocean-token-4d5e6f70';
let fake: FakeDigitalOcean;
/** A budget the whole suite fits in; the 429 path is covered by the injected faults and the rate-limit hook. */
const SUITE_BUDGET = { perMinute: 100_000, perHour: 1_000_000 };

beforeAll(async () => {
  // A boot far longer than tooShortTimeoutMs, so the TimeoutError checks stay sure on a loaded machine.
  fake = await startFakeDigitalOcean({ token: TOKEN, bootDelayMs: 300, ipDelayMs: 10, deleteDelayMs: 20, actionDelayMs: 10, maxPerPage: 2, dropletLimit: 500,
    rateLimit: SUITE_BUDGET,
  });
});
afterAll(() => fake.close());

describeProviderConformance<DigitalOceanProvider>({
  name: 'digitalocean (fake API)',
  createProvider: ({ strict, events } = {}) =>
    createRegistry({ plugins: [plugin], ...(events ? { events } : {}) }).get<DigitalOceanProvider>('digitalocean', {
      token: TOKEN,
      endpoint: fake.endpoint,
      region: 'nyc3',
      strict: strict ?? false,
      retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxElapsedMs: 3000 },
      requestTimeoutMs: 2000,
      readinessPoll: { firstMs: 20, growth: 1.5, maxIntervalMs: 50 },
      operationPollMs: 5,
      notFoundGraceMs: 2000,
      // The fake's budget: the suite makes more than DigitalOcean's 250 a minute.
      rateLimit: { requests: SUITE_BUDGET.perMinute, windowMs: 60_000 },
    }),
  region: 'nyc3',
  unknownId: '99999999',
  malformedId: 'not-a-number',
  readyTimeoutMs: 5000,
  // Shorter than the first look (firstMs 20), so that no look can find a server a slow create left booted.
  tooShortTimeoutMs: 10,
  pagedInstanceCount: 5,
  // The create request in `request` events: the suite checks that a refused spec never sends one.
  createOperation: 'droplets_create',
  concurrentCreates: 10,
  sshKeyName: 'stagely-test',
  secrets: [TOKEN],
  testTimeoutMs: 15_000,
  hooks: {
    injectFault: (kind, times) => {
      fake.injectFault(kind, times);
    },
    clearFaults: () => fake.clearFaults(),
    seedUnmanagedInstance: async () => fake.seedDroplet(),
    loseResponse: (operation, times) => {
      fake.loseResponse(LOST_OPERATIONS[operation], { times });
    },
    inspect: async (id) => fake.inspect(id),
    notFoundFor: (ms) => fake.notFoundFor(ms),
    // undefined lifts the suite's budget: back to one the whole suite fits in.
    rateLimit: (budget) => fake.rateLimit(budget ?? SUITE_BUDGET),
  },
});
