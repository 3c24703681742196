/**
 * Readiness: how long after an instance becomes ready does `waitUntilReady` return, and how many
 * status calls did it make? Core's schedule against the seeds' fixed 5 s polling, on the mock.
 *
 * Each boot time is jittered uniformly by ±20% (seeded); both schedules get the same jittered boot
 * in each trial (a paired comparison), and all trials run at once, so the bench takes about as long
 * as the slowest boot. Delay = when the wait returned - when the mock made the instance ready.
 * Calls are the mock's own count of `getInstance` requests (retries included). Both schedules run
 * through core's pollUntilReady; `core` is `backoffSchedule()` with its defaults.
 *
 *   pnpm --filter @stagely/bench run bench readiness
 *   node run-all.mjs readiness -- --trials 100 --seed 1
 */
import { cpus, platform, release } from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_POLL_SCHEDULE_OPTIONS, backoffSchedule, fixedSchedule, pollUntilReady } from '@stagely/provider-core/provider';
import { seededRandom } from '@stagely/provider-core/testing';
import { createMockProvider } from '@stagely/provider-mock';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '100' },
    seed: { type: 'string', default: '1' },
    jitter: { type: 'string', default: '0.2' },
  },
});
const TRIALS = Number(values.trials);
const SEED = Number(values.seed);
const JITTER = Number(values.jitter);
for (const [name, value] of Object.entries({ trials: TRIALS, seed: SEED, jitter: JITTER })) {
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number, got ${String(value)}`);
}

interface Scenario {
  label: string;
  bootMs: number;
  /** Extra time from running to a public IP (not jittered). */
  ipMs: number;
}

const SCENARIOS: Scenario[] = [
  { label: '1 s', bootMs: 1_000, ipMs: 0 },
  { label: '5 s', bootMs: 5_000, ipMs: 0 },
  { label: '20 s', bootMs: 20_000, ipMs: 0 },
  // Not in the list: shows the state-aware part (running, no IP yet: look again soon).
  { label: '20 s + 2 s IP', bootMs: 20_000, ipMs: 2_000 },
];

type ScheduleName = 'core' | 'fixed 5 s';
const SCHEDULES: ScheduleName[] = ['core', 'fixed 5 s'];
/** Far above any boot here: a wait that times out is a bench failure, not a figure. */
const TIMEOUT_MS = 120_000;

interface Outcome {
  delayMs: number;
  calls: number;
}

async function trial(schedule: ScheduleName, bootMs: number, ipMs: number): Promise<Outcome> {
  const provider = createMockProvider({ bootDelayMs: bootMs, ipDelayMs: ipMs });
  const created = await provider.createInstance({ size: 'small' });
  const readyAt = created.createdAt.getTime() + bootMs + ipMs;
  const before = provider.callCounts.getInstance ?? 0;
  // Both through pollUntilReady with the mock's getInstance, so that the figures are core's default
  // schedule (what providers use unless configured otherwise), whatever the mock's own wait does.
  await pollUntilReady((id, o) => provider.getInstance(id, o), created.id, {
    provider: provider.name,
    schedule: schedule === 'core' ? backoffSchedule() : fixedSchedule(5000),
    timeoutMs: TIMEOUT_MS,
  });
  const delayMs = Date.now() - readyAt;
  const calls = (provider.callCounts.getInstance ?? 0) - before;
  await provider.terminateInstance(created.id);
  return { delayMs, calls };
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}
const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
const seconds = (ms: number) => (ms / 1000).toFixed(2);

const random = seededRandom(SEED);
const runs = SCENARIOS.flatMap((scenario) =>
  Array.from({ length: TRIALS }, () => {
    const bootMs = Math.round(scenario.bootMs * (1 - JITTER + 2 * JITTER * random()));
    return SCHEDULES.map((schedule) => ({ scenario, schedule, run: trial(schedule, bootMs, scenario.ipMs) }));
  }).flat(),
);

const started = Date.now();
const outcomes = await Promise.all(runs.map(async (r) => ({ ...r, outcome: await r.run })));
const tookS = ((Date.now() - started) / 1000).toFixed(0);

const o = DEFAULT_POLL_SCHEDULE_OPTIONS;
console.log(`# Readiness: core's schedule vs fixed 5 s polling (mock provider)\n`);
console.log(
  `${TRIALS} trials per boot time, boot jittered uniformly ±${JITTER * 100}% (seed ${SEED}), all trials concurrent; took ${tookS} s.`,
);
console.log(
  `core: first look ${o.firstMs} ms, then every ${o.intervalMs} ms (x${o.growth}), at least ${o.relativeInterval * 100}% of the time waited, ` +
    `at most ${o.maxIntervalMs} ms; ${o.nearlyReadyMs} ms once running without an IP. fixed: a call at once, then every 5000 ms.`,
);
console.log(`Node ${process.version}, ${platform()} ${release()}, ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}.\n`);
console.log('| boot (±jitter) | schedule | delay median s | delay mean s | delay p90 s | calls median | calls mean | calls max |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const scenario of SCENARIOS) {
  for (const schedule of SCHEDULES) {
    const mine = outcomes.filter((x) => x.scenario === scenario && x.schedule === schedule).map((x) => x.outcome);
    const delays = mine.map((x) => x.delayMs);
    const calls = mine.map((x) => x.calls);
    console.log(
      `| ${scenario.label} | ${schedule} | ${seconds(quantile(delays, 0.5))} | ${seconds(mean(delays))} | ${seconds(quantile(delays, 0.9))} ` +
        `| ${quantile(calls, 0.5)} | ${mean(calls).toFixed(2)} | ${Math.max(...calls)} |`,
    );
  }
}
