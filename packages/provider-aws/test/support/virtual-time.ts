/**
 * Virtual time for readiness and rate-limit tests: core's manualScheduler is both the provider's
 * clock (waiter, limiters) and the fake's, so boots, looks and token buckets share one timeline that
 * moves only when told to. The calls themselves are real HTTP over loopback, so time moves on only
 * while every open call sleeps on a timer (none in flight): no outcome depends on the machine's speed.
 */
import type { Scheduler } from '@stagely/provider-core/provider';
import { flush, manualScheduler } from '@stagely/provider-core/testing';

type Settled<T> = PromiseSettledResult<T> & { at: number };

export interface VirtualTime {
  /** The waiter's scheduler and the fake's clock. */
  readonly scheduler: Scheduler;
  now(): number;
  /**
   * Settles `waits` (waitUntilReady calls on providers using `scheduler`): whenever no status call
   * is in flight, time jumps to the next timer. Each wait holds one timer (its deadline), so the
   * waiter is asleep exactly when there are more timers than open waits.
   */
  run<T>(waits: ReadonlyArray<Promise<T>>): Promise<Array<Settled<T>>>;
  /**
   * Settles `calls` that each sleep on at most one timer at a time and hold none otherwise (requests
   * waiting on the rate limiters): time jumps to the next timer only when every open call is asleep,
   * so no request is ever in flight while time moves.
   */
  settle<T>(calls: ReadonlyArray<Promise<T>>): Promise<Array<Settled<T>>>;
}

export function virtualTime(): VirtualTime {
  const manual = manualScheduler();
  const timers = new Set<{ at: number }>();
  const scheduler: Scheduler = {
    now: () => manual.now(),
    sleep(ms, signal, provider) {
      const timer = { at: manual.now() + Math.max(0, ms) };
      timers.add(timer);
      const slept = manual.sleep(ms, signal, provider);
      const forget = () => void timers.delete(timer);
      slept.then(forget, forget);
      return slept;
    },
  };
  /** Settles `waits`, jumping to the next timer whenever `asleep(timers, open waits)` says nothing is in flight. */
  async function drive<T>(waits: ReadonlyArray<Promise<T>>, asleep: (pending: number, open: number) => boolean): Promise<Array<Settled<T>>> {
    let open = waits.length;
    const results = waits.map((wait) =>
      wait.then(
        (value) => ({ status: 'fulfilled' as const, value, at: manual.now() }),
        (reason: unknown) => ({ status: 'rejected' as const, reason, at: manual.now() }),
      ).finally(() => open--),
    );
    for (;;) {
      await flush();
      if (open === 0) break;
      if (!asleep(timers.size, open)) {
        // A call is in flight: real time, not virtual, has to pass for its answer.
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      const next = Math.min(...[...timers].map((timer) => timer.at));
      await manual.advance(Math.max(0, next - manual.now()));
    }
    return Promise.all(results);
  }
  return {
    scheduler,
    now: () => manual.now(),
    // Each wait holds one timer (its deadline): the waiter sleeps once there are more timers than waits.
    run: (waits) => drive(waits, (pending, open) => pending > open),
    settle: (calls) => drive(calls, (pending, open) => pending >= open),
  };
}
