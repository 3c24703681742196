/**
 * Waiting for readiness (docs/architecture.md, "Provider mechanics"). Providers implement `waitUntilReady` with `pollUntilReady`,
 * giving it their `getInstance`; the schedule is core's and is measured in bench/ (readiness).
 */
import { throwIfAborted } from './abort.js';
import { systemScheduler, type Scheduler } from './clock.js';
import { DEFAULT_WAIT_TIMEOUT_MS, isReady, type Instance, type Op } from '../contract/contract.js';
import { InvalidInputError, NotFoundError, TimeoutError, isStagelyError } from '../contract/errors.js';
import { emit, type EventSink } from '../contract/events.js';

/**
 * How long to wait before the next status call, given how many were made, how long the wait has
 * run, and what the last call saw (`undefined` before the first call or after a failed one).
 */
export type PollSchedule = (callsMade: number, elapsedMs: number, last?: Instance | null) => number;

export interface PollScheduleOptions {
  /** The first look. Not at once: an instance the cloud has just accepted is never ready yet. */
  firstMs: number;
  /** The interval after the first look... */
  intervalMs: number;
  /** ...each next one this many times longer (1: steady)... */
  growth: number;
  /** ...and at least this fraction of the time waited so far, so a long wait asks less often... */
  relativeInterval: number;
  /** ...up to this. */
  maxIntervalMs: number;
  /** Once the instance runs but has no public IP yet, readiness is close: look again this soon. */
  nearlyReadyMs: number;
}

/**
 * Measured against the seeds' fixed 5 s polling in bench/ (readiness): the call the seeds make at
 * once is skipped, which pays for a first look at 2 s and a slightly faster 4.5 s pace after it.
 * Over boots of 1 to 20 s this finds readiness sooner on average for no more calls; past 45 s
 * it looks every 10% of the time waited (at most 15 s apart), spending far fewer calls on long waits.
 */
export const DEFAULT_POLL_SCHEDULE_OPTIONS: PollScheduleOptions = {
  firstMs: 2000,
  intervalMs: 4500,
  growth: 1,
  relativeInterval: 0.1,
  maxIntervalMs: 15_000,
  nearlyReadyMs: 1000,
};

/** Core's schedule: a first look, then a steady pace that stretches on long waits (see the defaults). */
export function backoffSchedule(options: Partial<PollScheduleOptions> = {}): PollSchedule {
  const o = { ...DEFAULT_POLL_SCHEDULE_OPTIONS, ...options };
  for (const [field, min] of [
    ['firstMs', 0],
    ['intervalMs', 0],
    ['growth', 1],
    ['relativeInterval', 0],
    ['maxIntervalMs', 0],
    ['nearlyReadyMs', 0],
  ] as const) {
    if (!(o[field] >= min)) {
      throw new InvalidInputError(`schedule.${field}`, `Invalid poll schedule: ${field} must be a number >= ${min}, got ${String(o[field])}`);
    }
  }
  return (callsMade, elapsedMs, last) => {
    const next =
      callsMade === 0
        ? o.firstMs
        : Math.min(o.maxIntervalMs, Math.max(o.intervalMs * o.growth ** (callsMade - 1), o.relativeInterval * elapsedMs));
    const nearlyReady = last?.state === 'running' && last.publicIp === null;
    return nearlyReady ? Math.min(next, o.nearlyReadyMs) : next;
  };
}

/** Polls every `intervalMs`, starting at once: the seeds' schedule, kept for comparison. */
export function fixedSchedule(intervalMs: number): PollSchedule {
  return (callsMade) => (callsMade === 0 ? 0 : intervalMs);
}

/** How long "not found" right after a create means "not yet": long enough for EC2's eventual consistency. */
export const DEFAULT_NOT_FOUND_GRACE_MS = 60_000;

/** The longest `timeoutMs` a timer can hold (2^31 - 1 ms, about 24 days). */
const MAX_TIMEOUT_MS = 2_147_483_647;

export interface PollUntilReadyOptions extends Op {
  timeoutMs?: number;
  schedule?: PollSchedule;
  events?: EventSink | undefined;
  provider: string;
  /**
   * Right after a create, clouds answer "not found" for a while (eventual consistency). Until the
   * instance was seen once, a `null` within this long of the wait's start is "not yet", not "gone";
   * default 60 s (enough for EC2). The provider's `notFoundGraceMs` config.
   */
  notFoundGraceMs?: number | undefined;
  /** For tests: the clock and timers the wait runs on; default the system's. */
  scheduler?: Scheduler | undefined;
  /** Called after every status call; benchmarks count calls with it. */
  onPoll?: (instance: Instance | null) => void;
}

/**
 * Calls `getInstance(id)` on `schedule` until the instance is ready (running with a public IP).
 * Retryable errors in between count as a "not yet" (a rate limit's `retryAfterMs` is waited out), as
 * does "not found" before the instance was first seen, within `notFoundGraceMs`; an instance that
 * vanished after that, or is terminating or terminated, is a NotFoundError; running out of time is a
 * TimeoutError, also when a status call is still in flight at the deadline; an abort is an AbortedError.
 */
export async function pollUntilReady(
  getInstance: (id: string, o?: Op) => Promise<Instance | null>,
  id: string,
  options: PollUntilReadyOptions,
): Promise<Instance> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
  // Past the timer limit (Infinity included), Node fires the deadline after 1 ms or throws a RangeError.
  if (!(timeoutMs >= 0 && timeoutMs <= MAX_TIMEOUT_MS)) {
    throw new InvalidInputError('timeoutMs', `timeoutMs must be a number of milliseconds from 0 to ${MAX_TIMEOUT_MS}, got ${String(timeoutMs)}`, {
      provider: options.provider,
    });
  }
  const graceMs = options.notFoundGraceMs ?? DEFAULT_NOT_FOUND_GRACE_MS;
  if (!(graceMs >= 0)) {
    throw new InvalidInputError('notFoundGraceMs', `notFoundGraceMs must be a number of milliseconds >= 0, got ${String(graceMs)}`, {
      provider: options.provider,
    });
  }
  const schedule = options.schedule ?? backoffSchedule();
  const clock = options.scheduler ?? systemScheduler;
  const started = clock.now();
  const deadline = started + timeoutMs;
  let lastState: string | undefined;
  let last: Instance | null | undefined;
  let seen = false;
  let retryAfterMs = 0;

  const timeout = () =>
    new TimeoutError('waitUntilReady', clock.now() - started, `Instance ${id} was not ready after ${timeoutMs} ms`, {
      provider: options.provider,
      details: { instanceId: id, lastState: lastState ?? null },
    });

  // A status call still running at the deadline is cut off by this (the caller's signal also ends it).
  const deadlineController = new AbortController();
  const finished = new AbortController();
  clock.sleep(Math.max(1, timeoutMs), finished.signal).then(
    () => deadlineController.abort(),
    () => undefined,
  );
  const deadlineSignal = deadlineController.signal;
  const callSignal = options.signal ? AbortSignal.any([options.signal, deadlineSignal]) : deadlineSignal;

  try {
    for (let calls = 0; ; calls++) {
      const planned = Math.max(schedule(calls, clock.now() - started, last), retryAfterMs);
      const wait = Math.min(planned, Math.max(0, deadline - clock.now()));
      if (wait > 0) await clock.sleep(wait, options.signal, options.provider);
      throwIfAborted(options.signal, options.provider);

      let instance: Instance | null | undefined;
      retryAfterMs = 0;
      try {
        instance = await getInstance(id, { signal: callSignal });
      } catch (error) {
        throwIfAborted(options.signal, options.provider);
        if (deadlineSignal.aborted) throw timeout();
        if (!isStagelyError(error) || !error.retryable) throw error;
        retryAfterMs = error.retryAfterMs ?? 0;
      }
      last = instance;
      options.onPoll?.(instance ?? null);

      const notYetVisible = instance === null && !seen && clock.now() - started < graceMs;
      if (!notYetVisible && (instance === null || instance?.state === 'terminated' || instance?.state === 'terminating')) {
        throw new NotFoundError(`Instance ${id} ${instance ? `was ${instance.state}` : 'disappeared'} while waiting for it`, {
          provider: options.provider,
          details: { instanceId: id },
        });
      }
      if (instance) {
        seen = true;
        if (instance.providerState !== lastState) {
          lastState = instance.providerState;
          emit(options.events, {
            type: 'state',
            provider: options.provider,
            instanceId: id,
            state: instance.state,
            providerState: instance.providerState,
          });
        }
        if (isReady(instance)) return instance;
      }
      if (clock.now() >= deadline || deadlineSignal.aborted) throw timeout();
    }
  } finally {
    finished.abort();
  }
}
