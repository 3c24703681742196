/**
 * A read shared by concurrent callers and kept once it succeeded (docs/architecture.md, "Provider
 * mechanics"), such as a catalogue of server types: one request in flight, however many callers ask;
 * a failed read is forgotten, so the next caller tries again. The shared read runs without any one
 * caller's signal; each caller's wait for it is abortable on its own.
 */
import { raceAbort } from './abort.js';

export interface CachedOnce<T> {
  /** The value, reading it first if no read succeeded or is in flight. */
  get(signal?: AbortSignal, provider?: string): Promise<T>;
  /** Drops the kept value, so the next `get` reads again. */
  forget(): void;
}

export function cachedOnce<T>(load: () => Promise<T>): CachedOnce<T> {
  const byKey = cachedOnceByKey<undefined, T>(() => load());
  return {
    get: (signal, provider) => byKey.get(undefined, signal, provider),
    forget: () => byKey.forget(undefined),
  };
}

export interface CachedOnceByKey<K, T> {
  get(key: K, signal?: AbortSignal, provider?: string): Promise<T>;
  forget(key: K): void;
}

/** cachedOnce per key (e.g. system images per architecture); keys compare as Map keys do. */
export function cachedOnceByKey<K, T>(load: (key: K) => Promise<T>): CachedOnceByKey<K, T> {
  const kept = new Map<K, Promise<T>>();
  return {
    get(key, signal, provider) {
      let read = kept.get(key);
      if (!read) {
        const started: Promise<T> = Promise.resolve().then(() => load(key));
        read = started;
        kept.set(key, started);
        started.catch(() => {
          if (kept.get(key) === started) kept.delete(key);
        });
      }
      return raceAbort(read, signal, provider);
    },
    forget(key) {
      kept.delete(key);
    },
  };
}
