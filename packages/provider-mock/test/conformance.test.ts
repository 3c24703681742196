/** The mock is the reference implementation: it passes the whole conformance suite. */
import {
  describeCapabilitiesGroup,
  describeProviderConformance,
  describeSnapshotsGroup,
  describeSshKeysGroup,
  type ConformanceOptions,
} from '@stagely/provider-core/conformance';
import { describe } from 'vitest';
import { createMockProvider, type MockConfig, type MockProvider } from '../src/index.js';

/** A distinctive fake credential: the suite checks that it never shows up in an error or event. */
const TOKEN = 'mock-token-conformance-4f9c2e';

function options(config: MockConfig, name: string): ConformanceOptions<MockProvider> {
  return {
    name,
    // A boot far longer than tooShortTimeoutMs (the TimeoutError checks stay sure on a busy machine),
    // polled often so that waits end soon after it; retries fast enough for the fault checks.
    createProvider: ({ strict, events } = {}) =>
      createMockProvider(
        {
          token: TOKEN,
          bootDelayMs: 600,
          retry: { baseDelayMs: 1, maxDelayMs: 5 },
          readinessPoll: { firstMs: 50, intervalMs: 50 },
          ...config,
          ...(strict ? { strict } : {}),
        },
        { events },
      ),
    region: 'mock-1',
    unknownId: 'mock-999999',
    malformedId: 'not-a-mock-id',
    readyTimeoutMs: 5_000,
    tooShortTimeoutMs: 10,
    secrets: [TOKEN],
    testTimeoutMs: 15_000,
    hooks: {
      injectFault: (fault, times, provider) => provider.failNext(fault, times),
      clearFaults: (provider) => provider.clearFaults(),
      seedUnmanagedInstance: (provider) => provider.seedUnmanagedInstance(),
    },
  };
}

describeProviderConformance(options({}, 'mock'));

// A cloud that lacks every optional capability: the gated groups check the NotSupported side.
describe('mock without optional capabilities', () => {
  const lacking = options({ offer: { arm64: false, spot: false, snapshots: false, sshKeys: false } }, 'mock, lacking');
  describeCapabilitiesGroup(lacking);
  describeSnapshotsGroup(lacking);
  describeSshKeysGroup(lacking);
});
