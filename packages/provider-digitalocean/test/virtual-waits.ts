/**
 * Readiness waits on virtual time, over real loopback HTTP: the provider's waiter runs on core's
 * manual scheduler (give the fake the same clock), every look it makes is recorded, and time moves
 * on to the next timer only once every look in flight has been answered. Nothing in a test driven
 * this way depends on how fast the machine is. Calls made outside the waiter while timers are
 * pending must go through `track` (or be awaited before `run`).
 */
import { createReadinessWaiter, type ReadinessSource, type ReadinessWaiterOptions, type Scheduler } from '@stagely/provider-core/provider';
import { flush, manualScheduler, type ManualScheduler } from '@stagely/provider-core/testing';
import type { DigitalOceanProviderHooks } from '../src/index.js';

/** One look of the waiter: when (virtual ms), at which ids, one probe or a batched round. */
export interface Look {
  at: number;
  ids: readonly string[];
  batched: boolean;
}

export interface VirtualWaits {
  /** Virtual time; the fake's clock too. */
  scheduler: ManualScheduler;
  /** The same time, as the waiter sees it (for another waiter to run on, e.g. core's pollUntilReady). */
  clock: Scheduler;
  /** Runs a status call that `run` must wait for before it moves time (one made outside the provider's waiter). */
  track<T>(call: () => Promise<T>): Promise<T>;
  /** The provider hooks that put its waiter on this time and record its looks. */
  hooks: DigitalOceanProviderHooks;
  looks: Look[];
  /** Settles `promise`, moving time from timer to timer once no look is in flight. */
  run<T>(promise: Promise<T>): Promise<T>;
}

export function virtualWaits(): VirtualWaits {
  const scheduler = manualScheduler(Date.parse('2026-01-01T00:00:00Z'));
  // When each pending timer is due, so that time can jump to the next one.
  const timers = new Map<number, number>();
  let sequence = 0;
  const clock: Scheduler = {
    now: () => scheduler.now(),
    sleep(ms, signal, provider) {
      const key = sequence++;
      timers.set(key, scheduler.now() + Math.max(0, ms));
      return scheduler.sleep(ms, signal, provider).finally(() => timers.delete(key));
    },
  };
  const looks: Look[] = [];
  let inFlight = 0;
  const track = async <T>(call: () => Promise<T>): Promise<T> => {
    inFlight++;
    try {
      return await call();
    } finally {
      inFlight--;
    }
  };
  const counted = <T>(ids: readonly string[], batched: boolean, look: () => Promise<T>): Promise<T> => {
    looks.push({ at: scheduler.now(), ids: [...ids], batched });
    return track(look);
  };
  const recorded = (source: ReadinessSource): ReadinessSource => ({
    probe: (id, op) => counted([id], false, () => source.probe(id, op)),
    ...(source.probeMany ? { probeMany: (ids, op) => counted(ids, true, () => source.probeMany!(ids, op)) } : {}),
    probeManyIdsPerCall: source.probeManyIdsPerCall,
  });
  return {
    scheduler,
    clock,
    track,
    looks,
    hooks: { readinessWaiter: (options: ReadinessWaiterOptions) => createReadinessWaiter({ ...options, source: recorded(options.source), scheduler: clock }) },
    async run(promise) {
      let settled = false;
      const watched = promise.finally(() => {
        settled = true;
      });
      watched.catch(() => undefined);
      for (let fired = 0; ; ) {
        // Wait for state: every look answered and taken in.
        do await flush();
        while (inFlight > 0);
        if (settled) return watched;
        const next = Math.min(...timers.values());
        // No timer: something else runs (a create, a terminate): wait for it.
        if (!Number.isFinite(next)) continue;
        if (++fired > 10_000) throw new Error('run: still not settled after 10000 timers');
        await scheduler.advance(Math.max(0, next - scheduler.now()));
      }
    },
  };
}
