/**
 * A readiness schedule learned from boot times seen before (bench/readiness-sim measures it).
 *
 * Where to look: a look at u after one at t is made only if the boot outlasted t (it costs S(t), the
 * chance the instance is still booting), and a boot that ends in (t, u] is seen u - its end late. The
 * plan is the set of looks that minimizes expected delay + λ · expected calls, found exactly by
 * dynamic programming over a grid of GRID_MS; λ is the smallest that keeps the expected calls within
 * what fixed 5-second polling would spend, and no two looks are more than `maxIntervalMs` apart (never
 * later than that). S and its density come from the samples smoothed in log-time (boot times are
 * skewed; the kernel keeps a few samples from placing looks only exactly where they fell).
 */
import { DEFAULT_POLL_SCHEDULE_OPTIONS, type PollSchedule, type PollScheduleOptions } from '../wait.js';

/** Fewer boots than this say too little: the schedule without history is used. */
export const MIN_BOOT_SAMPLES = 3;

/** The call budget: what fixed 5-second polling (a look at once, then every 5 s) spends... */
const BUDGET_INTERVAL_MS = 5000;
/** ...less a little, since the history is a sample of the boots to come, not the boots themselves. */
const BUDGET_SHARE = 0.97;
/** No two looks closer than this: a status call takes about this long anyway... */
const MIN_GAP_MS = 250;
/** ...nor closer than this share of the time since the create: a recorded boot is only known to within a look. */
const MIN_GAP_SHARE = 0.03;
/**
 * The narrowest smoothing (in log-time): a boot is recorded as the middle between two looks, so even
 * boots that always take the same time are known only to about this much.
 */
const MIN_BANDWIDTH = 0.1;
/** Past the plan: looks this share of the time waited apart, at least PAST_PLAN_MIN_GAP_MS. */
const PAST_PLAN_SHARE = 0.25;
const PAST_PLAN_MIN_GAP_MS = 1000;
/** The history's tail: once fewer than this share of boots are still running, the plan ends. */
const TAIL_SHARE = 0.002;
/** The planner's time grid. */
const GRID_MS = 50;

export type LearnedScheduleOptions = Pick<PollScheduleOptions, 'maxIntervalMs'>;

const plans = new Map<string, number[]>();

/**
 * The looks (ms from the create) for these boot times, or null when there are too few of them.
 * Plans are cached by their samples: a fleet's waits share one.
 */
export function learnedPlan(samples: readonly number[], options: Partial<LearnedScheduleOptions> = {}): number[] | null {
  if (samples.length < MIN_BOOT_SAMPLES) return null;
  const maxGap = options.maxIntervalMs ?? DEFAULT_POLL_SCHEDULE_OPTIONS.maxIntervalMs;
  const signature = `${maxGap}:${samples.join(',')}`;
  const cached = plans.get(signature);
  if (cached) return cached;
  const plan = planFor(samples, maxGap);
  if (plans.size > 500) plans.clear();
  plans.set(signature, plan);
  return plan;
}

/**
 * A PollSchedule that looks at `plan`'s times; past them (a boot slower than any seen) a quarter of
 * the time waited, from 1 s up to `maxIntervalMs`.
 */
export function planSchedule(plan: readonly number[], options: Partial<LearnedScheduleOptions> = {}): PollSchedule {
  const maxGap = options.maxIntervalMs ?? DEFAULT_POLL_SCHEDULE_OPTIONS.maxIntervalMs;
  return (_calls, elapsedMs) => {
    const next = plan.find((at) => at > elapsedMs + MIN_GAP_MS / 2);
    if (next === undefined) return Math.min(maxGap, Math.max(PAST_PLAN_MIN_GAP_MS, PAST_PLAN_SHARE * elapsedMs));
    return Math.min(maxGap, next - elapsedMs);
  };
}

function planFor(samples: readonly number[], maxGap: number): number[] {
  const density = logKernelDensity(samples);
  // The grid: from the create to where the history's tail ends.
  const survival: number[] = [];
  const spent: number[] = []; // ∫ s f(s) ds up to each point, for the delay of a step
  for (let k = 0, partial = 0; ; k++) {
    const at = k * GRID_MS;
    const here = density(at);
    survival.push(here.survival);
    partial += at * here.pdf * GRID_MS;
    spent.push(partial);
    if (at > 0 && here.survival < TAIL_SHARE) break;
  }
  const last = survival.length - 1;
  const maxSteps = Math.max(1, Math.floor(maxGap / GRID_MS));
  // The least gap yields to maxIntervalMs when that is shorter (tests poll every few ms).
  const minSteps = (k: number) => Math.min(maxSteps, Math.max(1, Math.ceil(Math.max(MIN_GAP_MS, MIN_GAP_SHARE * k * GRID_MS) / GRID_MS)));
  // Expected delay of boots that end in (j, k] when the next look is at k.
  const delay = (j: number, k: number) => k * GRID_MS * (survival[j]! - survival[k]!) - (spent[k]! - spent[j]!);

  const solve = (lambda: number): number[] => {
    const value = new Float64Array(last + 1);
    const next = new Int32Array(last + 1).fill(last);
    for (let j = last - 1; j >= 0; j--) {
      let best = Number.POSITIVE_INFINITY;
      for (let k = j + minSteps(j); k <= Math.min(last, j + maxSteps); k++) {
        const v = lambda * survival[j]! + delay(j, k) + value[k]!;
        if (v < best) {
          best = v;
          next[j] = k;
        }
      }
      // Past the reachable end (fewer steps left than the least gap): look at the end.
      if (best === Number.POSITIVE_INFINITY) best = lambda * survival[j]! + delay(j, last);
      value[j] = best;
    }
    const looks: number[] = [];
    for (let j = 0; j < last; ) {
      j = next[j]!;
      looks.push(j * GRID_MS);
    }
    return looks;
  };
  // A look at t is made when the boot outlasted the look before it.
  const expectedCalls = (looks: readonly number[]) => looks.reduce((sum, at, i) => sum + density(i === 0 ? 0 : looks[i - 1]!).survival, 0);
  const fixedLooks: number[] = [];
  for (let at = 0; at <= last * GRID_MS + BUDGET_INTERVAL_MS; at += BUDGET_INTERVAL_MS) fixedLooks.push(at);
  const budget = expectedCalls(fixedLooks) * BUDGET_SHARE;
  // Bisect λ (ms of delay one call is worth) for the least delay within the budget.
  let lo = 0;
  let hi = 600_000;
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (expectedCalls(solve(mid)) <= budget) hi = mid;
    else lo = mid;
  }
  return solve(hi);
}

/** Looks made for a boot of `bootMs`: up to the first at or after it, steady past the plan. */
export function callsUntil(looks: readonly number[], bootMs: number, maxGap: number): number {
  let calls = 0;
  let t = 0;
  for (const at of looks) {
    calls++;
    t = at;
    if (at >= bootMs) return calls;
  }
  return calls + Math.max(1, Math.ceil((bootMs - t) / maxGap));
}

/** f and S of the samples smoothed with a Gaussian kernel on log-time (Silverman's bandwidth). */
function logKernelDensity(samples: readonly number[]): (t: number) => { survival: number; pdf: number } {
  const logs = samples.map((s) => Math.log(s));
  const m = mean(logs);
  const sd = Math.sqrt(mean(logs.map((x) => (x - m) ** 2)));
  const h = Math.max(MIN_BANDWIDTH, 1.06 * sd * logs.length ** -0.2);
  return (t) => {
    if (t <= 0) return { survival: 1, pdf: 0 };
    const lt = Math.log(t);
    let survival = 0;
    let pdf = 0;
    for (const x of logs) {
      const z = (lt - x) / h;
      survival += 1 - normalCdf(z);
      pdf += Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    }
    return { survival: survival / logs.length, pdf: pdf / (logs.length * h * t) };
  };
}

/** Abramowitz and Stegun 7.1.26 (error < 1.5e-7): plenty for placing looks. */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}
