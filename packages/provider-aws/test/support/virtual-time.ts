/**
 * Virtual time for readiness tests: core's manualScheduler is both the provider's waiter clock and
 * the fake's clock, so boots and looks share one timeline that moves only when told to. The status
 * calls themselves are real HTTP over loopback, so time moves on only while every open wait sleeps
 * on the waiter's own timer (no status call in flight): no outcome depends on the machine's speed.
 */
import type { Scheduler } from '@stagely/provider-core/provider';
import { flush, manualScheduler } from '@stagely/provider-core/testing';

export interface VirtualTime {
  /** The waiter's scheduler and the fake's clock. */
  readonly scheduler: Scheduler;
  now(): number;
  /**
   * Settles `waits` (waitUntilReady calls on providers using `scheduler`): whenever no status call
   * is in flight, time jumps to the next timer. Each wait holds one timer (its deadline), so the
   * waiter is asleep exactly when there are more timers than open waits.
   */
  run<T>(waits: ReadonlyArray<Promise<T>>): Promise<Array<PromiseSettledResult<T> & { at: number }>>;
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
  return {
    scheduler,
    now: () => manual.now(),
    async run(waits) {
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
        if (timers.size <= open) {
          // A status call is in flight: real time, not virtual, has to pass for its answer.
          await new Promise((resolve) => setTimeout(resolve, 1));
          continue;
        }
        const next = Math.min(...[...timers].map((timer) => timer.at));
        await manual.advance(Math.max(0, next - manual.now()));
      }
      return Promise.all(results);
    },
  };
}
