/**
 * The conformance suite against the fake Hetzner API, through the real hcloud-js over loopback
 * HTTP, with the provider loaded the way applications load it: through core's registry.
 */
import { createRegistry } from '@stagely/provider-core';
import { describeProviderConformance } from '@stagely/provider-core/conformance';
import { afterAll, beforeAll } from 'vitest';
import plugin, { type HetznerProvider } from '../src/index.js';
import { LOST_OPERATIONS, startFakeHetzner, type FakeHetzner } from '../src/testing/index.js';

const TOKEN = 'conformance-hetzner-token-7f3a91c2';
let fake: FakeHetzner;

beforeAll(async () => {
  fake = await startFakeHetzner({
    token: TOKEN,
    bootDelayMs: 60,
    actionDelayMs: 10,
    maxPerPage: 2,
    // A fast-refilling budget, so that the injected 429s say "retry in a few ms".
    rateLimit: { limit: 1000, refillPerSecond: 1000 },
  });
});
afterAll(() => fake.close());

describeProviderConformance<HetznerProvider>({
  name: 'hetzner (fake API)',
  createProvider: ({ strict, events } = {}) =>
    createRegistry({ plugins: [plugin], ...(events ? { events } : {}) }).get<HetznerProvider>('hetzner', {
      token: TOKEN,
      endpoint: fake.endpoint,
      location: 'fsn1',
      strict: strict ?? false,
      retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxElapsedMs: 2000 },
      requestTimeoutMs: 2000,
      readinessPoll: { firstMs: 20, growth: 1.5, maxIntervalMs: 50 },
      actionPollMs: 5,
    }),
  region: 'fsn1',
  unknownId: '99999999',
  malformedId: 'not-a-number',
  createOperation: 'servers.create',
  readyTimeoutMs: 5000,
  // Shorter than the first look (firstMs 20), so that no look can find a server a slow create left booted.
  tooShortTimeoutMs: 10,
  pagedInstanceCount: 5,
  concurrentCreates: 10,
  sshKeyName: 'stagely-test',
  secrets: [TOKEN],
  testTimeoutMs: 15_000,
  hooks: {
    injectFault: (kind, times) => {
      fake.injectFault(kind, times);
    },
    clearFaults: () => fake.clearFaults(),
    seedUnmanagedInstance: async () => fake.seedServer(),
    loseResponse: (operation, times) => {
      fake.loseResponse(LOST_OPERATIONS[operation], { times });
    },
    inspect: async (id) => fake.inspect(id),
    notFoundFor: (ms) => fake.notFoundFor(ms),
    rateLimit: (budget) => fake.setRateLimit(budget),
  },
});
