/**
 * Cleanup that never hides the error that caused it (docs/architecture.md, "Provider mechanics"):
 * it runs with a retry budget of its own and without the caller's signal (an abort is often what
 * made the cleanup necessary), and a failure is reported as a `warning` event, never thrown.
 */
import { isStagelyError } from '../contract/errors.js';
import { emit, type EventSink } from '../contract/events.js';
import { withRetry, type RetryPolicy } from './retry.js';

/** The cleanup budget when none is given: more patient than a call's, since something may leak. */
export const DEFAULT_CLEANUP_POLICY = {
  maxAttempts: 8,
  baseDelayMs: 250,
  maxDelayMs: 5000,
  maxElapsedMs: 120_000,
} as const;

export interface BestEffortOptions {
  provider: string;
  /** What the cleanup does, for the warning: `removing server 42`. */
  what: string;
  /** The operation recorded in retry events; default `cleanup`. */
  operation?: string;
  events?: EventSink | undefined;
  /** The cleanup's own budget (never bound to the caller's signal); default DEFAULT_CLEANUP_POLICY. */
  retry?: Omit<RetryPolicy, 'signal' | 'provider' | 'operation' | 'events'> | undefined;
  /** Named in the warning event. */
  instanceId?: string | undefined;
}

export type BestEffortResult<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Runs `work` with retries; resolves with its value, or with its failure after a warning event. */
export async function bestEffort<T>(work: () => Promise<T>, options: BestEffortOptions): Promise<BestEffortResult<T>> {
  try {
    const value = await withRetry(() => work(), {
      ...DEFAULT_CLEANUP_POLICY,
      ...options.retry,
      provider: options.provider,
      operation: options.operation ?? 'cleanup',
      events: options.events,
    });
    return { ok: true, value };
  } catch (error) {
    // Mapped errors are safe to repeat; of anything else only the class name.
    const why = isStagelyError(error) ? error.message : error instanceof Error ? error.name : 'unknown failure';
    emit(options.events, {
      type: 'warning',
      provider: options.provider,
      message: `Cleanup did not complete (${options.what}): ${why}`,
      ...(options.instanceId === undefined ? {} : { instanceId: options.instanceId }),
    });
    return { ok: false, error };
  }
}
