/**
 * Virtual time for a provider that talks HTTP to a fake: the provider's waits and the fake's boots run
 * on one manual clock, which jumps to the next timer only once no HTTP request is in flight. So a
 * 30-second boot takes no 30 seconds, and what a test counts does not depend on the machine's speed.
 *
 * Requests are counted from Node's `http.client.request.start` channel (when a request is made) to the
 * provider's `request` event (when its answer, or failure, reached the provider).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { StagelyEvent } from '@stagely/provider-core';
import type { Scheduler } from '@stagely/provider-core/provider';
import { flush, manualScheduler } from '@stagely/provider-core/testing';

export interface VirtualTime {
  /** The provider's clock (give it to the fake as its clock too). */
  readonly scheduler: Scheduler;
  now(): number;
  /** Give this to the provider's events: it ends a request's flight. */
  onEvent(event: StagelyEvent): void;
  /** Settles `promise`, moving the clock from timer to timer whenever no request is in flight. */
  run<T>(promise: Promise<T>): Promise<T>;
  /** Stops counting requests. */
  close(): void;
}

const REQUEST_START = 'http.client.request.start';

export function virtualTime(startMs = Date.now()): VirtualTime {
  const manual = manualScheduler(startMs);
  /** When each pending sleep ends. */
  const due: number[] = [];
  let inFlight = 0;
  let wakeIdle: (() => void) | undefined;
  const onStart = () => {
    inFlight++;
  };
  subscribe(REQUEST_START, onStart);

  const scheduler: Scheduler = {
    now: () => manual.now(),
    sleep(ms, signal, provider) {
      const at = manual.now() + Math.max(0, ms);
      due.push(at);
      return manual.sleep(ms, signal, provider).finally(() => {
        const index = due.indexOf(at);
        if (index >= 0) due.splice(index, 1);
      });
    },
  };

  const idle = async () => {
    for (;;) {
      await flush();
      if (inFlight === 0) return;
      await new Promise<void>((resolve) => {
        wakeIdle = resolve;
      });
    }
  };

  return {
    scheduler,
    now: () => manual.now(),
    onEvent(event) {
      if (event.type !== 'request') return;
      inFlight = Math.max(0, inFlight - 1);
      wakeIdle?.();
      wakeIdle = undefined;
    },
    async run(promise) {
      let settled = false;
      const watched = promise.finally(() => {
        settled = true;
      });
      watched.catch(() => undefined);
      while (!settled) {
        await idle();
        if (settled) break;
        if (due.length === 0) throw new Error('run: the promise waits on no timer and no request');
        await manual.advance(Math.max(0, Math.min(...due) - manual.now()));
      }
      return watched;
    },
    close() {
      unsubscribe(REQUEST_START, onStart);
    },
  };
}
