/** Abort plumbing shared by every call: an aborted call rejects with AbortedError. */
import { AbortedError, isStagelyError } from '../contract/errors.js';

/**
 * The AbortedError for `signal`: its reason when that already is one, else a new one that says why
 * (a timeout, a string given to `abort()`) and keeps the reason as `cause` (never in `toJSON()`).
 */
export function abortedError(signal: AbortSignal | undefined, provider?: string): AbortedError {
  const reason: unknown = signal?.reason;
  if (isStagelyError(reason, 'ABORTED')) return reason as AbortedError;
  const why =
    reason instanceof Error ? (reason.name === 'AbortError' ? undefined : reason.message) : typeof reason === 'string' ? reason : undefined;
  return new AbortedError(why ? `Aborted: ${why}` : undefined, { provider, ...(reason === undefined ? {} : { cause: reason }) });
}

export function throwIfAborted(signal: AbortSignal | undefined, provider?: string): void {
  if (signal?.aborted) throw abortedError(signal, provider);
}

/** Resolves after `ms`, or rejects with AbortedError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal, provider?: string): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortedError(signal, provider));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal, provider));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Settles with `promise`, or rejects with AbortedError when `signal` aborts first. The underlying
 * work is not cancelled by this; use it only where the work itself cannot take a signal.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined, provider?: string): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortedError(signal, provider));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError(signal, provider));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
