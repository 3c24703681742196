/**
 * Waiting for readiness (DESIGN §5). Providers implement `waitUntilReady` with `pollUntilReady`,
 * giving it their `getInstance`; the schedule is core's and is measured in bench/readiness.
 */
import { sleep, throwIfAborted } from './abort.js';
import { DEFAULT_WAIT_TIMEOUT_MS, isReady, type Instance, type Op } from './contract.js';
import { NotFoundError, TimeoutError, isStagelyError } from './errors.js';
import { emit, type EventSink } from './events.js';

/** When to make the next status call, given how many were made and how long the wait has run. */
export type PollSchedule = (callsMade: number, elapsedMs: number) => number;

export interface PollScheduleOptions {
  /** Delay before the first call; the instance was just created, so asking at once is wasted. */
  firstMs: number;
  /** Each interval is this much longer than the one before... */
  growth: number;
  /** ...up to this. */
  maxIntervalMs: number;
}

export const DEFAULT_POLL_SCHEDULE_OPTIONS: PollScheduleOptions = {
  firstMs: 1000,
  growth: 1.5,
  maxIntervalMs: 5000,
};

/** A schedule that looks early and often, then backs off to `maxIntervalMs`. */
export function backoffSchedule(options: Partial<PollScheduleOptions> = {}): PollSchedule {
  const { firstMs, growth, maxIntervalMs } = { ...DEFAULT_POLL_SCHEDULE_OPTIONS, ...options };
  return (callsMade) => Math.min(maxIntervalMs, firstMs * growth ** callsMade);
}

/** Polls every `intervalMs`, starting at once: the seeds' schedule, kept for comparison. */
export function fixedSchedule(intervalMs: number): PollSchedule {
  return (callsMade) => (callsMade === 0 ? 0 : intervalMs);
}

export interface PollUntilReadyOptions extends Op {
  timeoutMs?: number;
  schedule?: PollSchedule;
  events?: EventSink | undefined;
  provider: string;
  /** Called after every status call; benchmarks count calls with it. */
  onPoll?: (instance: Instance | null) => void;
}

/**
 * Calls `getInstance(id)` on `schedule` until the instance is ready (running with a public IP).
 * Retryable errors in between count as a "not yet"; a vanished or terminated instance is a
 * NotFoundError; running out of time is a TimeoutError; an abort is an AbortedError.
 */
export async function pollUntilReady(
  getInstance: (id: string, o?: Op) => Promise<Instance | null>,
  id: string,
  options: PollUntilReadyOptions,
): Promise<Instance> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
  const schedule = options.schedule ?? backoffSchedule();
  const started = Date.now();
  const deadline = started + timeoutMs;
  let lastState: string | undefined;

  for (let calls = 0; ; calls++) {
    const wait = Math.min(schedule(calls, Date.now() - started), Math.max(0, deadline - Date.now()));
    if (wait > 0) await sleep(wait, options.signal);
    throwIfAborted(options.signal, options.provider);

    let instance: Instance | null | undefined;
    try {
      instance = await getInstance(id, options.signal ? { signal: options.signal } : {});
    } catch (error) {
      if (!isStagelyError(error) || !error.retryable) throw error;
    }
    options.onPoll?.(instance ?? null);

    if (instance === null || instance?.state === 'terminated') {
      throw new NotFoundError(`Instance ${id} ${instance ? 'was terminated' : 'disappeared'} while waiting for it`, {
        provider: options.provider,
        details: { instanceId: id },
      });
    }
    if (instance) {
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
    if (Date.now() >= deadline) {
      throw new TimeoutError('waitUntilReady', Date.now() - started, `Instance ${id} was not ready after ${timeoutMs} ms`, {
        provider: options.provider,
        details: { instanceId: id, lastState: lastState ?? null },
      });
    }
  }
}
