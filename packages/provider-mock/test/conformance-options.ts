/**
 * The conformance options every run of the suite against the mock shares: the reference run
 * (conformance.test.ts) and the suite's self-test against broken mocks (fixtures-suite/).
 */
import type { ConformanceOptions } from '@stagely/provider-core/conformance';
import type { EventSink } from '@stagely/provider-core/provider';
import { createMockProvider, LOSABLE_OPERATIONS, type MockConfig, type MockProvider } from '../src/index.js';

export interface MockConformanceRun {
  name: string;
  /** A distinctive fake credential: the suite checks that it never shows up in an error or event. */
  token: string;
  /** Config on top of the suite's fast defaults, e.g. `offer`. */
  config?: MockConfig;
  /** Turns each mock made into the provider under test (the self-test breaks it); `events` is the suite's sink. */
  wrap?: (mock: MockProvider, events: EventSink | undefined) => MockProvider;
}

export function mockConformanceOptions({ name, token, config = {}, wrap = (mock) => mock }: MockConformanceRun): ConformanceOptions<MockProvider> {
  return {
    name,
    // A boot far longer than tooShortTimeoutMs (the TimeoutError checks stay sure on a busy machine),
    // polled often so that waits end soon after it; retries fast enough for the fault checks.
    createProvider: ({ strict, events } = {}) =>
      wrap(
        createMockProvider(
          {
            token,
            bootDelayMs: 600,
            // Pages smaller than pagedInstanceCount, so that the pagination group crosses a page boundary.
            pageSize: 2,
            retry: { baseDelayMs: 1, maxDelayMs: 5 },
            readinessPoll: { firstMs: 50, intervalMs: 50, maxIntervalMs: 50 },
            ...config,
            ...(strict ? { strict } : {}),
          },
          { events },
        ),
        events,
      ),
    region: 'mock-1',
    unknownId: 'mock-999999',
    malformedId: 'not-a-mock-id',
    createOperation: 'instances.create',
    readyTimeoutMs: 5_000,
    tooShortTimeoutMs: 10,
    secrets: [token],
    testTimeoutMs: 15_000,
    hooks: {
      injectFault: (fault, times, provider) => provider.failNext(fault, times),
      clearFaults: (provider) => provider.clearFaults(),
      seedUnmanagedInstance: (provider) => provider.seedUnmanagedInstance(),
      loseResponse: (operation, times, provider) => provider.loseResponse(LOSABLE_OPERATIONS[operation], times),
      inspect: (id, provider) => provider.inspect(id),
      notFoundFor: (ms, provider) => provider.notFoundFor(ms),
      rateLimit: (budget, provider) => provider.rateLimit(budget),
    },
  };
}
