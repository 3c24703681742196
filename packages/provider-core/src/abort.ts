/** Abort plumbing shared by every call: an aborted call rejects with AbortedError. */
import { AbortedError, isStagelyError } from './errors.js';

export function abortedError(signal: AbortSignal | undefined, provider?: string): AbortedError {
  const reason: unknown = signal?.reason;
  if (isStagelyError(reason, 'ABORTED')) return reason as AbortedError;
  const message = reason instanceof Error && reason.name !== 'AbortError' ? `Aborted: ${reason.message}` : undefined;
  return new AbortedError(message, { provider });
}

export function throwIfAborted(signal: AbortSignal | undefined, provider?: string): void {
  if (signal?.aborted) throw abortedError(signal, provider);
}

/** Resolves after `ms`, or rejects with AbortedError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortedError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal));
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
