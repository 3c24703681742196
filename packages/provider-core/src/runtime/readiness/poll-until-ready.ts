/**
 * `pollUntilReady`: one wait on a `getInstance`, for providers that need nothing more (no batching,
 * no hints). It is a waiter of its own; a provider that keeps one waiter gets batched, learned waits.
 */
import type { Instance, Op } from '../../contract/contract.js';
import type { EventSink } from '../../contract/events.js';
import type { Scheduler } from '../clock.js';
import { withHints, backoffSchedule, type PollSchedule } from '../wait.js';
import { createReadinessWaiter } from './waiter.js';

export interface PollUntilReadyOptions extends Op {
  timeoutMs?: number;
  schedule?: PollSchedule;
  events?: EventSink | undefined;
  provider: string;
  /** See DEFAULT_NOT_FOUND_GRACE_MS; the provider's `notFoundGraceMs` config. */
  notFoundGraceMs?: number | undefined;
  /** For tests: the clock and timers the wait runs on; default the system's. */
  scheduler?: Scheduler | undefined;
  /** Called after every status call; benchmarks count calls with it. */
  onPoll?: (instance: Instance | null) => void;
}

export async function pollUntilReady(
  getInstance: (id: string, o?: Op) => Promise<Instance | null>,
  id: string,
  options: PollUntilReadyOptions,
): Promise<Instance> {
  let last: Instance | null = null;
  const waiter = createReadinessWaiter({
    provider: options.provider,
    source: {
      probe: async (instanceId, op) => {
        last = await getInstance(instanceId, op);
        return last;
      },
    },
    events: options.events,
    schedule: options.schedule ?? withHints(backoffSchedule()),
    history: false,
    notFoundGraceMs: options.notFoundGraceMs,
    scheduler: options.scheduler,
    onPoll: options.onPoll ? () => options.onPoll!(last) : undefined,
  });
  return waiter.wait(id, {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
}
