/**
 * The fastest a cloud's published rate limit lets a run of requests finish: what a fleet's wall time
 * is held against. A budget is one of the cloud's limits (a token bucket, or a sliding window of
 * requests) and the requests it counts; the bound of a run is the longest any budget makes it.
 */

export interface RateBudget {
  /** How the cloud names it, e.g. `RunInstances (resource-intensive)` or `250 a minute`. */
  label: string;
  /**
   * `bucket`: `burst` tokens, refilled evenly at `perSecond` (Hetzner, EC2). `window`: at most
   * `burst` requests in any `windowMs`, each counted until a window after it was made (DigitalOcean).
   */
  kind: 'bucket' | 'window';
  burst: number;
  perSecond: number;
  windowMs: number;
  /** Whether a request of this operation counts against the budget. */
  counts(operation: string): boolean;
}

export function tokenBucket(label: string, burst: number, perSecond: number, counts: (operation: string) => boolean): RateBudget {
  return { label, kind: 'bucket', burst, perSecond, windowMs: (burst / perSecond) * 1000, counts };
}

export function slidingWindow(label: string, requests: number, windowMs: number, counts: (operation: string) => boolean): RateBudget {
  return { label, kind: 'window', burst: requests, perSecond: (requests * 1000) / windowMs, windowMs, counts };
}

/** Requests by operation, summed over those the budget counts. */
export function countedBy(budget: RateBudget, byOperation: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const [operation, n] of byOperation) if (budget.counts(operation)) sum += n;
  return sum;
}

/**
 * The least time, in ms, for `needed` requests when `available` can go at once: none past the burst;
 * past it, a bucket's refill rate (`excess / perSecond`), or a window's (each further `burst`
 * requests wait for a whole window to pass).
 */
export function timePastBurstMs(budget: RateBudget, needed: number, available: number): number {
  const excess = needed - Math.max(0, Math.min(available, budget.burst));
  if (excess <= 0) return 0;
  return budget.kind === 'bucket' ? (excess / budget.perSecond) * 1000 : Math.ceil(excess / budget.burst) * budget.windowMs;
}

/** How long after its last request a budget that counted `made` requests is whole again. */
export function refillMs(budget: RateBudget, made: number): number {
  if (made <= 0) return 0;
  return budget.kind === 'bucket' ? (Math.min(made, budget.burst) / budget.perSecond) * 1000 : budget.windowMs;
}
