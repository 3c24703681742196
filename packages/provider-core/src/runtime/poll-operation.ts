/**
 * An API operation polled until it is done (docs/architecture.md, "Provider mechanics"): a Hetzner
 * action, a DigitalOcean action, an EC2 image becoming available. Each look goes through core's retry
 * loop; the wait is abortable and ends in a TimeoutError that names the operation.
 */
import { InvalidInputError, TimeoutError } from '../contract/errors.js';
import type { EventSink } from '../contract/events.js';
import { throwIfAborted } from './abort.js';
import { systemScheduler, type Scheduler } from './clock.js';
import { withRetry, type RetryPolicy } from './retry.js';

export interface PollOperationOptions {
  provider: string;
  /** The operation, e.g. `create_image`: the TimeoutError's `operation`. */
  operation: string;
  /** What is being waited for, for the timeout's message: `Snapshot of server 42`. */
  what: string;
  /** Time between looks; default 1 s. */
  intervalMs?: number;
  /** Give up after this long; default 30 min (snapshots of big disks take minutes). */
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
  events?: EventSink | undefined;
  /** Each look's retry budget (the provider's `retry` config). */
  retry?: Omit<RetryPolicy, 'signal' | 'provider' | 'operation' | 'events' | 'scheduler'> | undefined;
  /** Added to the TimeoutError's details, e.g. `{ actionId }`. */
  details?: Record<string, unknown>;
  scheduler?: Scheduler | undefined;
}

export const DEFAULT_OPERATION_TIMEOUT_MS = 30 * 60_000;

/**
 * Calls `look` until it returns something other than `undefined` and resolves with that. `look`
 * throws to say the operation failed (a mapped StagelyError). The first look is made at once.
 */
export async function pollOperation<T>(look: (signal: AbortSignal | undefined) => Promise<T | undefined>, options: PollOperationOptions): Promise<T> {
  const intervalMs = options.intervalMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
  for (const [field, value] of [['intervalMs', intervalMs], ['timeoutMs', timeoutMs]] as const) {
    if (!(value >= 0)) {
      throw new InvalidInputError(field, `pollOperation: ${field} must be a number >= 0, got ${String(value)}`, { provider: options.provider });
    }
  }
  const clock = options.scheduler ?? systemScheduler;
  const started = clock.now();
  for (;;) {
    throwIfAborted(options.signal, options.provider);
    const result = await withRetry(() => look(options.signal), {
      ...options.retry,
      signal: options.signal,
      events: options.events,
      provider: options.provider,
      operation: options.operation,
      scheduler: clock,
    });
    if (result !== undefined) return result;
    const elapsedMs = clock.now() - started;
    if (elapsedMs >= timeoutMs) {
      throw new TimeoutError(options.operation, elapsedMs, `${options.what} did not finish within ${timeoutMs} ms`, {
        provider: options.provider,
        details: { ...options.details },
      });
    }
    await clock.sleep(Math.min(intervalMs, timeoutMs - elapsedMs), options.signal, options.provider);
  }
}
