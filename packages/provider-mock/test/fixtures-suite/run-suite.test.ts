/**
 * Runs the whole conformance suite against the variant named in the environment. Started by
 * ../suite-catches-violations.test.ts through vitest's Node API, never by the package's own run.
 */
import { describeProviderConformance } from '@stagely/provider-core/conformance';
import { createMockProvider } from '../../src/index.js';
import { breakMock, FIXTURE_TOKEN } from './broken-providers.js';
import { VARIANT_ENV, VARIANTS, type Variant } from './variants.js';

const variant = process.env[VARIANT_ENV] as Variant | undefined;
if (!variant || !VARIANTS.includes(variant)) {
  throw new Error(`Set ${VARIANT_ENV} to one of ${VARIANTS.join(', ')}`);
}

describeProviderConformance({
  name: variant,
  // Boots take longer than the suite's too-short timeout by far, and still end before the first
  // readiness poll; retries are fast.
  createProvider: ({ strict, events } = {}) =>
    breakMock(
      variant,
      createMockProvider(
        { token: FIXTURE_TOKEN, bootDelayMs: 600, retry: { baseDelayMs: 1, maxDelayMs: 5 }, ...(strict ? { strict } : {}) },
        { events },
      ),
    ),
  region: 'mock-1',
  unknownId: 'mock-999999',
  malformedId: 'not-a-mock-id',
  readyTimeoutMs: 5_000,
  tooShortTimeoutMs: 10,
  secrets: [FIXTURE_TOKEN],
  testTimeoutMs: 15_000,
  hooks: {
    injectFault: (fault, times, provider) => provider.failNext(fault, times),
    clearFaults: (provider) => provider.clearFaults(),
    seedUnmanagedInstance: (provider) => provider.seedUnmanagedInstance(),
  },
});
