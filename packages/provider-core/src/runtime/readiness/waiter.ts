/**
 * Waiting for readiness (docs/architecture.md, "Provider mechanics"). A provider makes one waiter
 * and answers `waitUntilReady` with it; the waiter owns when to look and how:
 *
 * - **Where to look**: from the boot times it saw for the instance's provider, type and region (the
 *   learned plan), else core's schedule; the provider's probe may hint (a create action's progress,
 *   "starting"), which moves the next look to when the cloud says the boot ends.
 * - **One call for many**: waits that overlap are served by one `probeMany` (a list call) per round,
 *   at most one round per `batchIntervalMs`, so a fleet of 200 costs about the calls of one. A round
 *   answers every wait, so while n waits share rounds they look as often as n - 1 calls per
 *   `maxIntervalMs` pay for, down to one round per `batchIntervalMs`: a fleet sees each boot end
 *   within a second, for fewer calls than polling each host every `maxIntervalMs`.
 * - **What a look means**: retryable errors are "not yet" (a rate limit's retryAfterMs is waited
 *   out), as is "not found" before the instance was first seen, within `notFoundGraceMs`; vanished
 *   after that, terminating or terminated is a NotFoundError; a probe's `failure` (a create action that
 *   failed) ends the wait with it; the deadline is a TimeoutError even with a call in flight; an abort
 *   an AbortedError.
 */
import { setMaxListeners } from 'node:events';
import { abortedError } from '../abort.js';
import { systemScheduler, type Scheduler } from '../clock.js';
import { DEFAULT_WAIT_TIMEOUT_MS, isReady, type Instance, type Op, type WaitOptions } from '../../contract/contract.js';
import { InvalidInputError, NotFoundError, TimeoutError, isStagelyError, type StagelyError } from '../../contract/errors.js';
import { emit, type EventSink } from '../../contract/events.js';
import { DEFAULT_POLL_SCHEDULE_OPTIONS, backoffSchedule, withHints, type PollSchedule, type PollScheduleOptions, type ReadinessHint } from '../wait.js';
import { bootKey, processBootHistory, type BootHistory } from './boot-history.js';
import { learnedPlan, planSchedule } from './learned-schedule.js';

/** How long "not found" right after a create means "not yet": long enough for EC2's eventual consistency. */
export const DEFAULT_NOT_FOUND_GRACE_MS = 60_000;
export const DEFAULT_BATCH_INTERVAL_MS = 1000;

/** The longest `timeoutMs` a timer can hold (2^31 - 1 ms, about 24 days). */
const MAX_TIMEOUT_MS = 2_147_483_647;
/** Boots recorded for a key before its plan is made again. */
const REPLAN_AFTER = 10;
/** Instances created but not waited for yet that a waiter remembers (a fleet's worth, and more). */
const CREATED_LIMIT = 10_000;

export interface ReadinessObservation {
  instance: Instance | null;
  hint?: ReadinessHint | undefined;
  /** The cloud says this instance will never be ready (its create action failed): the wait ends with it. */
  failure?: StagelyError | undefined;
}

/** What a probe answers: the instance (`null`: not found), or the instance with what the API hinted. */
export type ProbeAnswer = Instance | null | ReadinessObservation;

export interface ReadinessSource {
  /** One instance's status: the provider's getInstance, or its own probe that also hints. */
  probe(id: string, op: Op): Promise<ProbeAnswer>;
  /** Many instances' status in as few calls as the API allows (a list call); an id left out is not found. */
  probeMany?(ids: readonly string[], op: Op): Promise<ReadonlyMap<string, ProbeAnswer>>;
  /** Ids one request of `probeMany` answers (a page, or EC2's 200 ids a filter); default all of them. */
  probeManyIdsPerCall?: number | undefined;
}

export interface ReadinessWaiterOptions {
  provider: string;
  source: ReadinessSource;
  events?: EventSink | undefined;
  /** Overrides of the schedule used without history (a provider's `readinessPoll` config). */
  scheduleOptions?: Partial<PollScheduleOptions> | undefined;
  /** One schedule for every wait instead of the learned and hinted one (tests, comparisons). */
  schedule?: PollSchedule | undefined;
  /** Where boot times are kept and learned from; default this process's; `false`: none. */
  history?: BootHistory | false | undefined;
  /** See DEFAULT_NOT_FOUND_GRACE_MS; the provider's `notFoundGraceMs` config. */
  notFoundGraceMs?: number | undefined;
  /** Least time between two batched calls; default 1 s. */
  batchIntervalMs?: number | undefined;
  /** For tests: the clock and timers the waits run on; default the system's. */
  scheduler?: Scheduler | undefined;
  /** Called after every status call with the ids it asked about; benchmarks count calls with it. */
  onPoll?: ((ids: readonly string[], batched: boolean) => void) | undefined;
}

export interface ReadinessWaiter {
  /** The cloud accepted this instance just now: its boot is timed from here, keyed by its type and region. */
  created(instance: Instance): void;
  /** Resolves with the instance once it is running with a public IP. */
  wait(id: string, o?: WaitOptions): Promise<Instance>;
}

interface Call {
  controller: AbortController;
  /** Its ids someone still waits for. */
  awaited: Set<string>;
}

interface Wait {
  id: string;
  /** When the boot began: the create if the waiter heard of it, else the wait's start. */
  origin: number;
  timedFromCreate: boolean;
  started: number;
  key: string | undefined;
  schedule: PollSchedule;
  calls: number;
  last: Instance | null | undefined;
  hint: ReadinessHint | undefined;
  lastState: string | undefined;
  /** When (from origin) a look last saw it not ready: the boot ended after this. */
  notReadyAt: number;
  seen: boolean;
  dueAt: number;
  finish: (outcome: { instance: Instance } | { error: unknown }) => void;
  done: boolean;
}

/**
 * What every provider hands its waiter alike: its config's `readinessPoll` and `notFoundGraceMs`
 * (core's provider config shape) and its context's events and boot history. Spread it, then add
 * anything of the provider's own (`createReadinessWaiter({ ...readinessWaiterOptions(...), scheduler })`).
 */
export function readinessWaiterOptions(
  provider: string,
  source: ReadinessSource,
  config: { readinessPoll?: Partial<PollScheduleOptions> | undefined; notFoundGraceMs?: number | undefined },
  context: { events?: EventSink | undefined; bootHistory?: BootHistory | undefined },
): ReadinessWaiterOptions {
  return {
    provider,
    source,
    events: context.events,
    scheduleOptions: config.readinessPoll,
    history: context.bootHistory,
    notFoundGraceMs: config.notFoundGraceMs,
  };
}

export function createReadinessWaiter(options: ReadinessWaiterOptions): ReadinessWaiter {
  const { provider, source } = options;
  const clock = options.scheduler ?? systemScheduler;
  const history = options.history === false ? undefined : (options.history ?? processBootHistory);
  const graceMs = options.notFoundGraceMs ?? DEFAULT_NOT_FOUND_GRACE_MS;
  if (!(graceMs >= 0)) {
    throw new InvalidInputError('notFoundGraceMs', `notFoundGraceMs must be a number of milliseconds >= 0, got ${String(graceMs)}`, { provider });
  }
  const batchIntervalMs = options.batchIntervalMs ?? DEFAULT_BATCH_INTERVAL_MS;
  const fallback = options.schedule ?? withHints(backoffSchedule(options.scheduleOptions ?? {}), options.scheduleOptions);
  const yardstickMs = options.scheduleOptions?.maxIntervalMs ?? DEFAULT_POLL_SCHEDULE_OPTIONS.maxIntervalMs;
  const idsPerCall = source.probeManyIdsPerCall ?? Number.POSITIVE_INFINITY;
  /**
   * The longest a wait that shares rounds with n - 1 others goes between looks. Polling each on its own
   * every `maxIntervalMs` costs n calls an interval; rounds are paced to cost at most n - 1 (a round
   * costs ceil(n / idsPerCall)), which leaves room for the early looks of a schedule without history.
   * Two waits keep their own schedule. A fixed `schedule` (tests, comparisons) is kept as given.
   */
  const sharedGapMs = (n: number): number =>
    options.schedule || n < 2
      ? Number.POSITIVE_INFINITY
      : Math.max(batchIntervalMs, (yardstickMs * Math.max(1, Math.ceil(n / idsPerCall))) / (n - 1));

  const createdAt = new Map<string, { at: number; key: string }>();
  /** The waits by instance id (several callers may wait for one instance). */
  const waits = new Map<string, Wait[]>();
  /** Ids with a status call in flight, and that call (cut off once none of its ids is awaited). */
  const inFlight = new Map<string, Call>();
  let lastBatchAt = Number.NEGATIVE_INFINITY;
  let wake: { at: number; controller: AbortController } | undefined;
  let armQueued = false;

  // Plans per key, made again once REPLAN_AFTER boots were recorded since (planning takes up to a
  // tenth of a second: a fleet whose boots keep coming in must not plan for every wait).
  const plans = new Map<string, { schedule: PollSchedule; recorded: number }>();
  const recorded = new Map<string, number>();
  const scheduleFor = (key: string | undefined): PollSchedule => {
    if (options.schedule || !key || !history) return fallback;
    const count = recorded.get(key) ?? 0;
    const cached = plans.get(key);
    if (cached && count - cached.recorded < REPLAN_AFTER) return cached.schedule;
    const plan = learnedPlan(history.samples(key), options.scheduleOptions);
    if (!plan) return fallback;
    const schedule = withHints(planSchedule(plan, options.scheduleOptions), options.scheduleOptions);
    plans.set(key, { schedule, recorded: count });
    return schedule;
  };
  const record = (key: string, bootMs: number) => {
    history?.record(key, bootMs);
    recorded.set(key, (recorded.get(key) ?? 0) + 1);
  };

  const useBatch = (ids: readonly string[]) => source.probeMany !== undefined && ids.length >= 2;

  const idle = () => [...waits.keys()].filter((id) => !inFlight.has(id));

  /** Once per turn: a batch that ends 200 waits re-arms once, not 200 times. */
  const armSoon = () => {
    if (armQueued) return;
    armQueued = true;
    queueMicrotask(() => {
      armQueued = false;
      arm();
    });
  };

  const arm = () => {
    let at = Number.POSITIVE_INFINITY;
    for (const [id, list] of waits) if (!inFlight.has(id)) for (const w of list) at = Math.min(at, w.dueAt);
    if (at === Number.POSITIVE_INFINITY) {
      wake?.controller.abort();
      wake = undefined;
      return;
    }
    if (useBatch(idle())) at = Math.max(at, lastBatchAt + batchIntervalMs);
    if (wake && wake.at <= at) return;
    wake?.controller.abort();
    const controller = new AbortController();
    wake = { at, controller };
    clock.sleep(Math.max(0, at - clock.now()), controller.signal).then(
      () => {
        if (wake?.controller === controller) wake = undefined;
        tick();
      },
      () => undefined,
    );
  };

  const tick = () => {
    const now = clock.now();
    const ids = idle();
    const due = ids.filter((id) => waits.get(id)!.some((w) => w.dueAt <= now));
    if (due.length > 0) {
      if (useBatch(ids)) {
        if (now >= lastBatchAt + batchIntervalMs) {
          lastBatchAt = now;
          void call(ids, true);
        }
      } else {
        for (const id of due) void call([id], false);
      }
    }
    arm();
  };

  const call = async (ids: readonly string[], batched: boolean) => {
    const controller = new AbortController();
    // A batched call's signal is handed to every request of the round.
    setMaxListeners(0, controller.signal);
    const entry: Call = { controller, awaited: new Set(ids) };
    for (const id of ids) inFlight.set(id, entry);
    try {
      const answers = batched
        ? await source.probeMany!(ids, { signal: controller.signal })
        : new Map([[ids[0]!, await source.probe(ids[0]!, { signal: controller.signal })]]);
      options.onPoll?.(ids, batched);
      const gapMs = batched ? sharedGapMs(ids.length) : Number.POSITIVE_INFINITY;
      for (const id of ids) observe(id, toObservation(answers.get(id) ?? null), gapMs);
    } catch (error) {
      if (!controller.signal.aborted) options.onPoll?.(ids, batched);
      for (const id of ids) failed(id, error);
    } finally {
      for (const id of ids) if (inFlight.get(id) === entry) inFlight.delete(id);
      armSoon();
    }
  };

  const waitsFor = (id: string) => [...(waits.get(id) ?? [])];

  const next = (w: Wait, now: number, retryAfterMs = 0, maxGapMs = Number.POSITIVE_INFINITY) => {
    w.calls++;
    w.dueAt = now + Math.max(Math.min(w.schedule(w.calls, now - w.origin, w.last, w.hint), maxGapMs), retryAfterMs);
  };

  const observe = (id: string, observation: ReadinessObservation, maxGapMs: number) => {
    const now = clock.now();
    for (const w of waitsFor(id)) {
      const { instance } = observation;
      w.last = instance;
      w.hint = observation.hint;
      if (observation.failure) {
        w.finish({ error: observation.failure });
        continue;
      }
      const notYetVisible = instance === null && !w.seen && now - w.started < graceMs;
      if (!notYetVisible && (instance === null || instance.state === 'terminated' || instance.state === 'terminating')) {
        w.finish({
          error: new NotFoundError(`Instance ${id} ${instance ? `was ${instance.state}` : 'disappeared'} while waiting for it`, {
            provider,
            details: { instanceId: id },
          }),
        });
        continue;
      }
      if (instance) {
        w.seen = true;
        if (w.key === undefined) {
          w.key = bootKey(provider, instance.type, instance.region);
          w.schedule = scheduleFor(w.key);
        }
        if (instance.providerState !== w.lastState) {
          w.lastState = instance.providerState;
          emit(options.events, { type: 'state', provider, instanceId: id, state: instance.state, providerState: instance.providerState });
        }
        if (isReady(instance)) {
          // The boot ended between the last look that saw it booting and this one: record the middle.
          if (w.timedFromCreate && w.key) record(w.key, (w.notReadyAt + (now - w.origin)) / 2);
          w.finish({ instance });
          continue;
        }
        w.notReadyAt = now - w.origin;
      }
      next(w, now, 0, maxGapMs);
    }
  };

  const failed = (id: string, error: unknown) => {
    const now = clock.now();
    for (const w of waitsFor(id)) {
      if (!isStagelyError(error) || !error.retryable) {
        w.finish({ error });
        continue;
      }
      w.last = undefined;
      w.hint = undefined;
      next(w, now, error.retryAfterMs ?? 0);
    }
  };

  return {
    created(instance) {
      if (createdAt.size >= CREATED_LIMIT) createdAt.delete(createdAt.keys().next().value!);
      createdAt.set(instance.id, { at: clock.now(), key: bootKey(provider, instance.type, instance.region) });
    },

    wait(id, o = {}) {
      const timeoutMs = o.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
      // Past the timer limit (Infinity included), Node fires the deadline after 1 ms or throws a RangeError.
      if (!(timeoutMs >= 0 && timeoutMs <= MAX_TIMEOUT_MS)) {
        return Promise.reject(
          new InvalidInputError('timeoutMs', `timeoutMs must be a number of milliseconds from 0 to ${MAX_TIMEOUT_MS}, got ${String(timeoutMs)}`, { provider }),
        );
      }
      const { signal } = o;
      if (signal?.aborted) return Promise.reject(abortedError(signal, provider));
      const now = clock.now();
      const birth = createdAt.get(id);
      createdAt.delete(id);
      return new Promise<Instance>((resolve, reject) => {
        const ended = new AbortController();
        const w: Wait = {
          id,
          origin: birth?.at ?? now,
          timedFromCreate: birth !== undefined,
          started: now,
          key: birth?.key,
          schedule: scheduleFor(birth?.key),
          calls: 0,
          last: undefined,
          hint: undefined,
          lastState: undefined,
          notReadyAt: 0,
          seen: false,
          dueAt: 0,
          done: false,
          finish(outcome) {
            if (w.done) return;
            w.done = true;
            const rest = (waits.get(id) ?? []).filter((other) => other !== w);
            if (rest.length > 0) waits.set(id, rest);
            else {
              waits.delete(id);
              // A call nobody awaits any more is cut off.
              const running = inFlight.get(id);
              running?.awaited.delete(id);
              if (running?.awaited.size === 0) running.controller.abort();
            }
            ended.abort();
            signal?.removeEventListener('abort', onAbort);
            if ('instance' in outcome) resolve(outcome.instance);
            else reject(outcome.error);
            armSoon();
          },
        };
        w.dueAt = now + w.schedule(0, now - w.origin, undefined, undefined);
        const onAbort = () => w.finish({ error: abortedError(signal, provider) });
        signal?.addEventListener('abort', onAbort, { once: true });
        clock.sleep(Math.max(1, timeoutMs), ended.signal).then(
          () =>
            w.finish({
              error: new TimeoutError('waitUntilReady', clock.now() - w.started, `Instance ${id} was not ready after ${timeoutMs} ms`, {
                provider,
                details: { instanceId: id, lastState: w.lastState ?? null },
              }),
            }),
          () => undefined,
        );
        waits.set(id, [...(waits.get(id) ?? []), w]);
        armSoon();
      });
    },
  };
}

function toObservation(answer: ProbeAnswer): ReadinessObservation {
  if (answer === null) return { instance: null };
  return 'instance' in answer && !('id' in answer) ? answer : { instance: answer as Instance };
}
