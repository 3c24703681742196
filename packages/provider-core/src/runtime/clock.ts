/**
 * Time as the runtime mechanics see it. Every mechanism that waits (retry, polling, the rate limiter)
 * takes a Scheduler so that tests can drive it with a manual one instead of sleeping; the default is
 * the system clock and real timers.
 */
import { sleep } from './abort.js';

export interface Scheduler {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects with AbortedError as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal, provider?: string): Promise<void>;
}

export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  sleep,
};
