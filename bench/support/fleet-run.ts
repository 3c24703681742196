/**
 * One fleet on one cloud: core's `plan` + `apply` of an environment of `hosts` hosts, then `plan` +
 * `apply` of the empty environment (destroy). Each phase is timed from the plan's start to the
 * apply's end (what `stagely apply` makes a user wait for), and gets the requests the cloud answered
 * by operation, the least the phase needs, the refusals (429s), the failed hosts and the errors
 * with code RATE_LIMITED, and the bound its rate limit sets (support/rate-bound.ts).
 *
 * The least requests a phase needs, through the contract (one create per host, one delete per host):
 *  - apply: `hosts` creates; the listing of the environment that plan reads and the one apply reads
 *    again before changing anything (one page each, the environment being empty); one status round
 *    for all hosts once they are ready (a list call of the environment: ceil(hosts / page size)
 *    pages); and each catalogue read the provider made (images, types, keys...) once.
 *  - destroy: plan's listing of the environment (ceil(hosts / page size) pages) and `hosts` deletes;
 *    apply lists nothing when it only deletes.
 * The bound of a phase: the longest any budget of the cloud makes its least requests take past what
 * that budget has left at the phase's start, plus one boot for apply (the last host created must
 * still boot). Before each phase the run waits until every budget it used is whole again when that
 * takes at most `settleMaxMs`; one that would take longer (Hetzner's hour) is taken as having
 * only what was not spent so far (its refill ignored), which can only make the bound too high: the
 * tables show each budget's need against what it had left, so that case is visible.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { apply, ApplyError, isStagelyError, plan, type ApplyFailure, type HostSpec, type StagelyEvent } from '@stagely/provider-core';
import type { FleetCloud } from './fleet-clouds.js';
import { countedBy, refillMs, timePastBurstMs, type RateBudget } from './rate-bound.js';

export type Tally = Map<string, number>;

export interface BudgetUse {
  budget: RateBudget;
  needed: number;
  made: number;
  available: number;
  pastBurstMs: number;
}

export interface PhaseFigures {
  phase: 'apply' | 'destroy';
  /** 1 for the first fleet on this provider object; later rounds wait with the boot times it learned. */
  round: number;
  hosts: number;
  wallMs: number;
  made: Tally;
  minimum: Tally;
  refused: number;
  failedHosts: number;
  rateLimitedErrors: number;
  /** Codes of the failures, with counts, e.g. `TIMEOUT x3`. */
  failureCodes: string[];
  /** Client-side: core's retry events and the limiter's rate-limit events. */
  retries: number;
  clientRateLimitHolds: number;
  /** From the phase's start: plan done, the last change accepted (create or delete), the last host ready. */
  planDoneMs: number;
  lastChangeMs: number;
  lastReadyMs: number;
  budgets: BudgetUse[];
  boundMs: number;
  /** Calls needed ÷ the cloud's sustained rate (its slowest budget), plus one boot for an apply. */
  sustainedBoundMs: number;
  /** Waited before the phase so that its budgets were whole again. */
  settledMs: number;
}

export interface FleetRunOptions {
  hosts: number;
  bootMs: number;
  concurrency: number;
  settleMaxMs: number;
  environment: string;
  /** Subscribes to the provider's events for the run; returns the unsubscribe. */
  listen(listener: (event: StagelyEvent) => void): () => void;
}

export function fleetHosts(n: number): HostSpec[] {
  const width = String(n - 1).length;
  return Array.from({ length: n }, (_, i) => ({ name: `h${String(i).padStart(width, '0')}`, size: 'small', role: 'fleet' }));
}

function tally(requests: readonly { operation: string }[]): Tally {
  const out: Tally = new Map();
  for (const r of requests) out.set(r.operation, (out.get(r.operation) ?? 0) + 1);
  return out;
}

/** Round `round` of a fleet on `cloud`'s provider (later rounds find the boot times the earlier ones taught its waiter). */
export async function runFleet(cloud: FleetCloud, options: FleetRunOptions, round = 1): Promise<PhaseFigures[]> {
  const { hosts } = options;
  const pages = (n: number) => Math.max(1, Math.ceil(n / cloud.pageSize));
  const { create, delete: remove, list, status } = cloud.operations;

  const applyPhase = await phase(cloud, options, round, 'apply', fleetHosts(hosts), (made) => {
    const minimum: Tally = new Map([
      [create, hosts],
      [list, pages(0) + pages(0) + pages(hosts)],
    ]);
    for (const operation of made.keys()) {
      if (![create, remove, list, ...status].includes(operation)) minimum.set(operation, 1);
    }
    return minimum;
  });
  const destroyPhase = await phase(cloud, options, round, 'destroy', [], () =>
    new Map([
      [list, pages(hosts)],
      [remove, hosts],
    ]),
  );
  return [applyPhase, destroyPhase];
}

async function phase(
  cloud: FleetCloud,
  options: FleetRunOptions,
  round: number,
  name: PhaseFigures['phase'],
  hosts: HostSpec[],
  minimumOf: (made: Tally) => Tally,
): Promise<PhaseFigures> {
  // What the budgets spent so far: a refused request spends nothing.
  const before = tally(cloud.requests().filter((r) => r.status !== cloud.refusalStatus));
  const settledMs = settleTime(cloud, before, options.settleMaxMs);
  if (settledMs > 0) await sleep(settledMs);

  let retries = 0;
  let clientRateLimitHolds = 0;
  const stop = options.listen((event) => {
    if (event.type === 'retry') retries++;
    if (event.type === 'rate-limit') clientRateLimitHolds++;
  });
  const mark = cloud.requests().length;
  const failures: ApplyFailure[] = [];
  const started = performance.now();
  const at = { planDoneMs: 0, lastChangeMs: 0, lastReadyMs: 0 };
  const since = () => performance.now() - started;
  try {
    const planned = await plan(cloud.provider, { environment: options.environment, hosts });
    at.planDoneMs = since();
    await apply(cloud.provider, planned, {
      concurrency: options.concurrency,
      onProgress: (event) => {
        // `waiting`: the cloud accepted the create; `deleted`: the delete.
        if (event.status === 'waiting' || event.status === 'deleted') at.lastChangeMs = since();
        if (event.status === 'ready') at.lastReadyMs = since();
      },
    });
  } catch (error) {
    if (error instanceof ApplyError) failures.push(...error.failed);
    else failures.push({ name: '(plan)', host: null, action: 'create', code: isStagelyError(error) ? error.code : 'UNEXPECTED', message: String(error) });
  } finally {
    stop();
  }
  const wallMs = performance.now() - started;

  const answered = cloud.requests().slice(mark);
  const made = tally(answered);
  const minimum = minimumOf(made);
  const budgets = cloud.budgets([...made.keys(), ...minimum.keys()]).map((budget): BudgetUse => {
    const needed = countedBy(budget, minimum);
    const spentBefore = countedBy(budget, before);
    // Whole again after the settle wait, or (when too long to wait) what was not spent yet.
    const whole = refillMs(budget, spentBefore) <= settledMs;
    const available = whole ? budget.burst : Math.max(0, budget.burst - spentBefore);
    return { budget, needed, made: countedBy(budget, made), available, pastBurstMs: timePastBurstMs(budget, needed, available) };
  });
  const boot = name === 'apply' ? options.bootMs : 0;
  const boundMs = Math.max(0, ...budgets.map((b) => b.pastBurstMs)) + boot;
  // The issue's own yardstick: every request at the sustained rate, no burst.
  const sustainedBoundMs = Math.max(0, ...budgets.map((b) => (b.needed / b.budget.perSecond) * 1000)) + boot;
  const codes = new Map<string, number>();
  for (const f of failures) codes.set(f.code, (codes.get(f.code) ?? 0) + 1);
  return {
    phase: name,
    round,
    hosts: options.hosts,
    wallMs,
    made,
    minimum,
    refused: answered.filter((r) => r.status === cloud.refusalStatus).length,
    failedHosts: failures.length,
    rateLimitedErrors: failures.filter((f) => f.code === 'RATE_LIMITED').length,
    failureCodes: [...codes].map(([code, n]) => `${code} x${n}`),
    retries,
    clientRateLimitHolds,
    ...at,
    budgets,
    boundMs,
    sustainedBoundMs,
    settledMs,
  };
}

/** The wait until every budget spent so far is whole again, counting only those that take at most `maxMs`. */
function settleTime(cloud: FleetCloud, made: Tally, maxMs: number): number {
  if (maxMs <= 0 || made.size === 0) return 0;
  const waits = cloud.budgets(made.keys()).map((budget) => refillMs(budget, countedBy(budget, made)));
  return Math.max(0, ...waits.filter((ms) => ms <= maxMs));
}
