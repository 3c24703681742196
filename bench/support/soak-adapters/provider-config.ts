/**
 * The provider settings every soak target shares: a retry policy that gives up within a few
 * seconds (so that faults do surface as errors, not only as retries), quick polls, and the
 * request timeout the planned late answers outlast.
 */
export function soakProviderConfig(requestTimeoutMs: number) {
  return {
    retry: { maxAttempts: 4, baseDelayMs: 2, maxDelayMs: 25, maxElapsedMs: 3000 },
    requestTimeoutMs,
    readinessPoll: { firstMs: 10, growth: 1.5, maxIntervalMs: 40 },
    operationPollMs: 5,
    notFoundGraceMs: 2000,
  };
}

/** A small budget that refills fast: bursts of the workers run into the fake's own 429s. */
export const SOAK_BUDGET = { requests: 40, windowMs: 200 };
