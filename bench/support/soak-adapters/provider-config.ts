import type { SoakTargetOptions } from '../soak-target.js';

/**
 * The provider settings every soak target shares: a retry policy of few attempts that gives up
 * within seconds (so that faults surface as errors and cleanups run, not only as retries), quick
 * polls, and the request timeout the planned late answers outlast.
 */
export function soakProviderConfig({ requestTimeoutMs, attempts }: SoakTargetOptions) {
  return {
    retry: { maxAttempts: attempts, baseDelayMs: 2, maxDelayMs: 25, maxElapsedMs: 3000 },
    requestTimeoutMs,
    readinessPoll: { firstMs: 10, growth: 1.5, maxIntervalMs: 40 },
    operationPollMs: 5,
    notFoundGraceMs: 2000,
  };
}

/** A small budget that refills fast: bursts of the workers run into the fake's own 429s. */
export const SOAK_BUDGET = { requests: 50, windowMs: 1000 };
