/**
 * A Scheduler for tests that only moves when told to: `sleep` resolves when `advance` passes its
 * time, and `drive(promise)` runs a promise to its end by jumping from timer to timer. Nothing in a
 * test driven by it depends on how fast the machine is.
 */
import { abortedError } from '../runtime/abort.js';
import type { Scheduler } from '../runtime/clock.js';

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

export interface ManualScheduler extends Scheduler {
  /** Timers waiting. */
  pending(): number;
  /** The sleeps asked for, in order (ms). */
  readonly sleeps: number[];
  /** Moves time forward by `ms`, firing every timer due on the way, in time order. */
  advance(ms: number): Promise<void>;
  /** Settles `promise` by firing timers one after another; fails if it waits on nothing. */
  drive<T>(promise: Promise<T>, maxTimers?: number): Promise<T>;
}

/** Lets every promise chain that can move, move (one macrotask turn runs all microtasks). */
export const flush = async (turns = 3): Promise<void> => {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

export function manualScheduler(startMs = 1_700_000_000_000): ManualScheduler {
  let current = startMs;
  let seq = 0;
  const timers: Timer[] = [];
  const sleeps: number[] = [];
  const fireNext = (limit: number): boolean => {
    timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const next = timers[0];
    if (!next || next.at > limit) return false;
    timers.shift();
    current = Math.max(current, next.at);
    next.resolve();
    return true;
  };
  return {
    now: () => current,
    sleeps,
    sleep(ms, signal, provider) {
      sleeps.push(ms);
      if (signal?.aborted) return Promise.reject(abortedError(signal, provider));
      return new Promise<void>((resolve, reject) => {
        const timer: Timer = {
          at: current + Math.max(0, ms),
          seq: seq++,
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          const index = timers.indexOf(timer);
          if (index >= 0) timers.splice(index, 1);
          reject(abortedError(signal, provider));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        timers.push(timer);
      });
    },
    pending: () => timers.length,
    async advance(ms) {
      const target = current + ms;
      await flush();
      while (fireNext(target)) await flush();
      current = target;
    },
    async drive(promise, maxTimers = 10_000) {
      let settled = false;
      const watched = promise.finally(() => {
        settled = true;
      });
      watched.catch(() => undefined);
      await flush();
      for (let fired = 0; !settled; fired++) {
        if (fired >= maxTimers) throw new Error(`drive: still not settled after ${maxTimers} timers`);
        if (!fireNext(Infinity)) throw new Error('drive: the promise waits on no timer');
        await flush();
      }
      return watched;
    },
  };
}
