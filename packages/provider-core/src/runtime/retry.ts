/**
 * The one retry loop (docs/architecture.md, "Provider mechanics"): exponential backoff with full jitter, honours `retryAfterMs`,
 * retries only retryable StagelyErrors, bounded in attempts and total time, abortable.
 * Providers turn their SDK's own retries off so that retries never multiply.
 */
import { throwIfAborted } from './abort.js';
import { systemScheduler, type Scheduler } from './clock.js';
import { emit, type EventSink } from '../contract/events.js';
import { InvalidInputError, isStagelyError } from '../contract/errors.js';

export interface RetryPolicy {
  /** Total attempts including the first; default 5. */
  maxAttempts?: number;
  /** First backoff ceiling; default 250 ms. */
  baseDelayMs?: number;
  /** Largest backoff ceiling; default 10 s. */
  maxDelayMs?: number;
  /** Give up rather than sleep past this much total time; default 60 s. */
  maxElapsedMs?: number;
  signal?: AbortSignal | undefined;
  /** Decides what is retried; default: StagelyErrors with `retryable`. */
  isRetryable?: (error: unknown) => boolean;
  /**
   * Reported before each retry (also as `retry` / `rate-limit` events when `events` is given).
   * `error` is a StagelyError unless a custom `isRetryable` lets other errors through.
   */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  events?: EventSink | undefined;
  provider?: string;
  operation?: string;
  /** For tests: a deterministic source of [0, 1). */
  random?: () => number;
  /** For tests: the clock and timers the loop waits on; default the system's. */
  scheduler?: Scheduler | undefined;
}

export const DEFAULT_RETRY_POLICY = {
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  maxElapsedMs: 60_000,
} as const;

function defaultIsRetryable(error: unknown): boolean {
  return isStagelyError(error) && error.retryable;
}

/**
 * The delay before retry number `attempt` (1-based): full jitter. After a `retryAfterMs`, that wait
 * plus the jitter, so that callers told the same Retry-After do not all come back at the same instant.
 */
export function backoffDelay(attempt: number, error: unknown, policy: RetryPolicy = {}): number {
  const base = policy.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs;
  const cap = policy.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs;
  const ceiling = Math.min(cap, base * 2 ** (attempt - 1));
  const jittered = Math.floor((policy.random ?? Math.random)() * ceiling);
  const retryAfter = isStagelyError(error) ? error.retryAfterMs : undefined;
  return retryAfter !== undefined ? retryAfter + jittered : jittered;
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy = {}): Promise<T> {
  checkPolicy(policy);
  const maxAttempts = policy.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts;
  const maxElapsedMs = policy.maxElapsedMs ?? DEFAULT_RETRY_POLICY.maxElapsedMs;
  const isRetryable = policy.isRetryable ?? defaultIsRetryable;
  const clock = policy.scheduler ?? systemScheduler;
  const started = clock.now();
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(policy.signal, policy.provider);
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= maxAttempts || !isRetryable(error)) throw error;
      // An abort that `fn` did not notice ends here, without a retry being reported.
      throwIfAborted(policy.signal, policy.provider);
      const delayMs = backoffDelay(attempt, error, policy);
      if (clock.now() - started + delayMs > maxElapsedMs) throw error;
      policy.onRetry?.({ attempt, delayMs, error });
      const stagely = isStagelyError(error) ? error : undefined;
      const provider = policy.provider ?? stagely?.provider ?? 'unknown';
      const operation = policy.operation ?? 'call';
      if (stagely?.code === 'RATE_LIMITED') {
        emit(policy.events, { type: 'rate-limit', provider, operation, retryAfterMs: stagely.retryAfterMs });
      }
      emit(policy.events, { type: 'retry', provider, operation, attempt, delayMs, code: stagely?.code ?? 'UNEXPECTED' });
      await clock.sleep(delayMs, policy.signal, policy.provider);
    }
  }
}

/** A policy with a nonsensical bound would retry forever or never: refuse it, naming the field. */
function checkPolicy(policy: RetryPolicy): void {
  const fields = [
    ['maxAttempts', policy.maxAttempts, 1],
    ['baseDelayMs', policy.baseDelayMs, 0],
    ['maxDelayMs', policy.maxDelayMs, 0],
    ['maxElapsedMs', policy.maxElapsedMs, 0],
  ] as const;
  for (const [field, value, min] of fields) {
    if (value !== undefined && !(value >= min)) {
      throw new InvalidInputError(`retry.${field}`, `Invalid retry policy: ${field} must be a number >= ${min}, got ${String(value)}`, {
        provider: policy.provider,
      });
    }
  }
}
