/**
 * A readiness schedule learned from boot times seen before (bench/readiness-sim measures it).
 *
 * Where to look: with boot-time density f and the chance S that the instance is still booting, a
 * look placed Δ after the last one costs S (it is made only if the instance was not ready before)
 * and saves about f·Δ/2 of delay; the best trade is Δ = c·sqrt(S/f), dense where boots cluster,
 * sparse where few end. `c` is chosen so that the history's boots cost no more calls than fixed
 * 5-second polling would have, and no gap exceeds `maxIntervalMs` (never later than that). f and S
 * come from the samples smoothed in log-time (boot times are skewed; a kernel keeps a few samples
 * from placing looks only exactly where they fell). Past the history's tail, a steady maxIntervalMs.
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
/** The history's tail: once fewer than this share of boots are still running, look steadily. */
const TAIL_SHARE = 0.002;

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

/** A PollSchedule that looks at `plan`'s times, then every `maxIntervalMs`. */
export function planSchedule(plan: readonly number[], options: Partial<LearnedScheduleOptions> = {}): PollSchedule {
  const maxGap = options.maxIntervalMs ?? DEFAULT_POLL_SCHEDULE_OPTIONS.maxIntervalMs;
  return (_calls, elapsedMs) => {
    const next = plan.find((at) => at > elapsedMs + MIN_GAP_MS / 2);
    return next === undefined ? maxGap : Math.min(maxGap, next - elapsedMs);
  };
}

function planFor(samples: readonly number[], maxGap: number): number[] {
  const density = logKernelDensity(samples);
  // Expected calls under the smoothed boot times (a look at t is made when the boot ends after the
  // previous one): judged on the smoothed curve, not the samples, so the plan does not overfit them.
  const expectedCalls = (looks: readonly number[]) => 1 + looks.reduce((sum, at) => sum + density(at).survival, 0);
  const fixedLooks: number[] = [];
  const horizon = Math.max(...samples) * 4 + maxGap;
  for (let at = 0; at < horizon; at += BUDGET_INTERVAL_MS) fixedLooks.push(at);
  const budget = expectedCalls(fixedLooks) * BUDGET_SHARE;
  const build = (c: number): number[] => {
    const looks: number[] = [];
    for (let t = 0; t < horizon; ) {
      const { survival, pdf } = density(t);
      if (t > 0 && survival < TAIL_SHARE) break;
      const gap = pdf > 0 ? c * Math.sqrt(survival / pdf) : maxGap;
      t += Math.min(maxGap, Math.max(MIN_GAP_MS, MIN_GAP_SHARE * t, gap));
      looks.push(Math.round(t));
    }
    return looks;
  };
  // Bisect for the densest plan within budget (calls fall as c grows); c is in sqrt(ms).
  let lo = 0;
  let hi = 1000;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (expectedCalls(build(mid)) <= budget) hi = mid;
    else lo = mid;
  }
  return build(hi);
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
