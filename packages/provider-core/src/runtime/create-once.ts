/**
 * A create that happens at most once in effect (docs/architecture.md, "Provider mechanics").
 *
 * After an ambiguous failure (isAmbiguousFailure: a timeout, a reset, a 5xx, an answer lost after
 * the cloud acted) the request may have gone through. From then on the call remembers that an
 * attempt may have acted, whatever the later errors are (a 429 on the look-up must not make it
 * forget), and:
 * - strategy `find`: before sending again it looks for what the earlier attempt made (a per-request
 *   marker label or tag, or the name where names are unique) and adopts it;
 * - strategy `idempotencyToken`: the API dedupes re-sent requests (EC2 `ClientToken`), so the same
 *   request is simply sent again.
 * When the caller aborts after a request was sent, or the call fails after an attempt may have acted,
 * what it made is removed with a cleanup budget of its own (not bound to the caller's signal). Where
 * even that fails, the error carries `details.leftBehind` (ids, or the marker when no id is known)
 * and a `warning` event says the same, so that the caller or a sweep can remove it.
 */
import { isStagelyError } from '../contract/errors.js';
import { emit, type EventSink } from '../contract/events.js';
import { abortedError } from './abort.js';
import { isAmbiguousFailure } from './ambiguous.js';
import { DEFAULT_CLEANUP_POLICY } from './best-effort.js';
import type { Scheduler } from './clock.js';
import { withRetry, type RetryPolicy } from './retry.js';

type Budget = Omit<RetryPolicy, 'signal' | 'provider' | 'operation' | 'events' | 'isRetryable' | 'onRetry' | 'scheduler'>;

export interface CreateOnceOptions<T> {
  provider: string;
  /** The API operation, e.g. `servers.create`, for retry events and messages. */
  operation: string;
  /**
   * `find`: look for what an earlier attempt made (needs `find`). `idempotencyToken`: the request
   * carries a token the API dedupes on, so re-sending it is safe.
   */
  strategy: 'find' | 'idempotencyToken';
  /** Sends the create once (no retries of its own). */
  create: (signal: AbortSignal | undefined) => Promise<T>;
  /**
   * What this very request made, or null. Required for `find`; for `idempotencyToken` it is used by
   * the cleanup only (without it the cleanup re-sends the create, which the API answers with what the
   * token made). It may throw ConflictError for a thing of the same name that this request did not make.
   */
  find?: ((signal: AbortSignal | undefined) => Promise<T | null>) | undefined;
  /** Removes what the call made (cleanup only; it runs without the caller's signal). */
  remove: (made: T) => Promise<unknown>;
  /** The id of a made thing, for `details.leftBehind`. */
  idOf: (made: T) => string;
  /** What identifies the request's work when no id is known: `label stagely-request=4f2a...`, `name web-1`. */
  marker: string;
  signal?: AbortSignal | undefined;
  events?: EventSink | undefined;
  /** The call's retry budget (the provider's `retry` config). */
  retry?: Budget | undefined;
  /** The cleanup's own budget; default DEFAULT_CLEANUP_POLICY. */
  cleanupRetry?: Budget | undefined;
  /** Overrides isAmbiguousFailure (e.g. an API that guarantees a failed create made nothing). */
  isAmbiguous?: ((error: unknown) => boolean) | undefined;
  scheduler?: Scheduler | undefined;
}

export async function createOnce<T>(options: CreateOnceOptions<T>): Promise<T> {
  const { provider, operation, signal, strategy } = options;
  const find = options.find;
  if (strategy === 'find' && !find) throw new TypeError('createOnce: the find strategy needs a find function');
  const ambiguous = options.isAmbiguous ?? isAmbiguousFailure;
  let sent = false;
  let mayHaveActed = false;
  const adoptEarlier = async (): Promise<T | null> => (strategy === 'find' && mayHaveActed ? find!(signal) : null);

  try {
    return await withRetry(
      async () => {
        const earlier = await adoptEarlier();
        if (earlier) return earlier;
        try {
          sent = true;
          return await options.create(signal);
        } catch (error) {
          if (signal?.aborted || ambiguous(error)) mayHaveActed = true;
          // A name conflict after an ambiguous failure may be the earlier attempt's own doing.
          if (isStagelyError(error, 'CONFLICT')) {
            const mine = await adoptEarlier();
            if (mine) return mine;
          }
          throw error;
        }
      },
      {
        ...options.retry,
        signal,
        events: options.events,
        provider,
        operation,
        scheduler: options.scheduler,
        isRetryable: (e) => (isStagelyError(e) && e.retryable) || (mayHaveActed && ambiguous(e)),
      },
    );
  } catch (error) {
    const aborted = signal?.aborted === true;
    const thrown = aborted && sent ? abortedError(signal, provider) : error;
    if (mayHaveActed || (aborted && sent)) await cleanUp(options, thrown);
    throw thrown;
  }
}

/** Removes what the call may have made; on failure, says what is left in the error and an event. */
async function cleanUp<T>(options: CreateOnceOptions<T>, error: unknown): Promise<void> {
  let madeId: string | undefined;
  // undefined: not looked for yet; null: nothing was made. A failed remove is retried without a new look.
  let made: T | null | undefined;
  try {
    await withRetry(
      async () => {
        if (made === undefined) {
          made = await locate(options);
          if (made) madeId = options.idOf(made);
        }
        if (made) await options.remove(made);
      },
      {
        ...DEFAULT_CLEANUP_POLICY,
        ...options.cleanupRetry,
        provider: options.provider,
        operation: `${options.operation} (cleanup)`,
        events: options.events,
        scheduler: options.scheduler,
      },
    );
  } catch (cleanupError) {
    const leftBehind = [madeId ?? options.marker];
    if (isStagelyError(error)) error.details.leftBehind = leftBehind;
    const why = isStagelyError(cleanupError) ? cleanupError.message : cleanupError instanceof Error ? cleanupError.name : 'unknown failure';
    emit(options.events, {
      type: 'warning',
      provider: options.provider,
      message: `${options.operation} failed and what it may have made could not be removed (${why}); left behind: ${leftBehind.join(', ')}`,
      ...(madeId === undefined ? {} : { instanceId: madeId }),
    });
  }
}

/** What the request made: found by its marker, or handed back again by the API for its token. */
async function locate<T>(options: CreateOnceOptions<T>): Promise<T | null> {
  if (!options.find) return options.create(undefined);
  try {
    return await options.find(undefined);
  } catch (error) {
    // A thing of that name that this request did not make is not ours to remove.
    if (isStagelyError(error, 'CONFLICT')) return null;
    throw error;
  }
}
