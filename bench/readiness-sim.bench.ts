/**
 * Readiness schedules, simulated exactly: no provider, no real timers, the same figures on every
 * machine. This is the simulation the readiness tables in RESULTS.md quote.
 *
 * Single hosts: for a boot that ends at B (running with a public IP), a schedule's looks fall at
 * t1 < t2 < ...; the wait ends at the first look at or after B. Delay = that look - B; calls = looks.
 * The schedules are core's own functions, called as core's waiter calls them (calls made so far, time
 * since the create, what the last look saw and hinted).
 *
 * Fleets: 200 instances created a few per second (as an apply under a rate limit makes them), each
 * waited for. Per-host schedules cost one status call per instance per look; core's waiter (the real
 * `createReadinessWaiter`, on virtual time) serves overlapping waits with one list call per round,
 * which costs ceil(ids / page size) requests.
 *
 * Schedules: fixed 5 s and 2 s (a look at once, then every interval); the AWS SDK waiter
 * (`waitUntilInstanceRunning`: 15 s, then every 15 s); core before this round (`backoffSchedule` with
 * its old 15 s cap); core now without history; core with a learned history (50 earlier boots of the
 * same distribution, drawn with another seed); and, on clouds whose API reports a create's progress
 * (Hetzner), learned plus that hint. Writes the chart readiness-sim.svg.
 *
 *   node run-all.mjs readiness-sim                 # from bench/
 *   node run-all.mjs readiness-sim -- --samples 20000 --seed 1 --fleets 10
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  backoffSchedule,
  createReadinessWaiter,
  fixedSchedule,
  learnedPlan,
  memoryBootHistory,
  planSchedule,
  withHints,
  type Instance,
  type PollSchedule,
  type ProbeAnswer,
  type ReadinessHint,
} from '@stagely/provider-core/provider';
import { manualScheduler, seededRandom } from '@stagely/provider-core/testing';

const { values } = parseArgs({
  options: {
    samples: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '1' },
    fleets: { type: 'string', default: '10' },
  },
});
const SAMPLES = Number(values.samples);
const SEED = Number(values.seed);
const FLEETS = Number(values.fleets);
if (!(SAMPLES >= 1) || !Number.isFinite(SEED) || !(FLEETS >= 1)) throw new Error('--samples and --fleets must be >= 1 and --seed a number');

const FLEET_SIZE = 200;
const HISTORY_SIZE = 50;

// ---- boot distributions and what each cloud's API tells while booting

/** Log-normal boot times around a median, bounded to what a cloud plausibly shows. */
function logNormal(random: () => number, medianS: number, sigma: number, minS: number, maxS: number): number {
  const u = Math.max(1e-12, random());
  const v = random();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.min(maxS, Math.max(minS, medianS * Math.exp(sigma * z))) * 1000;
}

/**
 * What a look at `atMs` into a boot of `bootMs` hints. Hetzner's create action reports an integer
 * `progress`; modelled as linear in time with its rate off by up to 20% per boot (`skew`), so that
 * the estimate it gives is sometimes early, sometimes late. The others report nothing that times the boot.
 */
type HintModel = (atMs: number, bootMs: number, skew: number) => ReadinessHint | undefined;
const progressHint: HintModel = (atMs, bootMs, skew) => ({ progress: Math.min(99, Math.floor((100 * atMs) / (bootMs * skew))) / 100 });

interface Distribution {
  name: string;
  draw: (random: () => number) => number;
  /** Requests for one list round of n ids (the cloud's page size for that list). */
  pageSize: number;
  hint?: HintModel;
}

/**
 * Boot time (create accepted -> running with a public IP) per cloud. Medians from the clouds' own
 * statements and common reports, not from measurements here: Hetzner servers are typically running
 * in about 10 s; DigitalOcean droplets become active in about 30-60 s; EC2 instances reach `running`
 * with a public IP in about 15-30 s (more for large AMIs). Spread sigma 0.35 (p10-p90 about x0.64-x1.6).
 * Page sizes: Hetzner lists 50 servers a page, DigitalOcean 200 droplets, EC2 takes 200 instance ids
 * per filter; the uniform case takes Hetzner's 50, the smallest.
 */
const DISTRIBUTIONS: Distribution[] = [
  { name: 'uniform 1-120 s', draw: (random) => (1 + random() * 119) * 1000, pageSize: 50 },
  { name: 'uniform 1-120 s, with progress', draw: (random) => (1 + random() * 119) * 1000, pageSize: 50, hint: progressHint },
  { name: 'Hetzner-like (median 10 s)', draw: (random) => logNormal(random, 10, 0.35, 3, 120), pageSize: 50, hint: progressHint },
  { name: 'DigitalOcean-like (median 40 s)', draw: (random) => logNormal(random, 40, 0.35, 10, 180), pageSize: 200 },
  { name: 'EC2-like (median 20 s)', draw: (random) => logNormal(random, 20, 0.35, 5, 180), pageSize: 200 },
];

// ---- schedules

interface Schedule {
  name: string;
  /** The schedule for a wait, given the boots seen before (the learned ones use them). */
  make: (history: readonly number[]) => PollSchedule;
  /** Whether it reads the API's hints. */
  hints: boolean;
}

const learned = (history: readonly number[]) => {
  const plan = learnedPlan(history);
  return withHints(plan ? planSchedule(plan) : backoffSchedule());
};

const SCHEDULES: Schedule[] = [
  { name: 'fixed 5 s', make: () => fixedSchedule(5_000), hints: false },
  { name: 'fixed 2 s', make: () => fixedSchedule(2_000), hints: false },
  { name: 'AWS SDK waiter (15 s)', make: () => () => 15_000, hints: false },
  { name: 'core before (15 s cap)', make: () => backoffSchedule({ growth: 1, maxIntervalMs: 15_000 }), hints: false },
  { name: 'core, no history', make: () => withHints(backoffSchedule()), hints: false },
  { name: 'core, learned', make: learned, hints: false },
  { name: 'core, learned + hints', make: learned, hints: true },
];

/** When a wait on `schedule` sees a boot of `bootMs` ready: its delay and its calls. */
function waitFor(schedule: PollSchedule, bootMs: number, hint?: HintModel, skew = 1): { delayMs: number; calls: number } {
  let t = schedule(0, 0, undefined, undefined);
  for (let calls = 1; ; calls++) {
    if (t >= bootMs) return { delayMs: t - bootMs, calls };
    t += schedule(calls, t, null, hint?.(t, bootMs, skew));
  }
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

// ---- single hosts

interface Row {
  distribution: string;
  schedule: string;
  delayMean: number;
  delayP90: number;
  delayWorst: number;
  callsMean: number;
}

const singleRows: Row[] = [];
const histories = new Map<string, number[]>();
for (const distribution of DISTRIBUTIONS) {
  // The history is drawn apart from the boots measured: what earlier runs saw, not these.
  const historyRandom = seededRandom(SEED + 1000);
  const history = Array.from({ length: HISTORY_SIZE }, () => distribution.draw(historyRandom));
  histories.set(distribution.name, history);
  const random = seededRandom(SEED);
  const boots = Array.from({ length: SAMPLES }, () => ({ boot: distribution.draw(random), skew: 0.8 + random() * 0.4 }));
  for (const schedule of SCHEDULES) {
    if (schedule.hints && !distribution.hint) continue;
    if (!schedule.hints && distribution.hint && distribution.name.includes('with progress')) continue;
    const made = schedule.make(history);
    const outcomes = boots.map(({ boot, skew }) => waitFor(made, boot, schedule.hints ? distribution.hint : undefined, skew));
    const delays = outcomes.map((o) => o.delayMs / 1000).sort((a, b) => a - b);
    singleRows.push({
      distribution: distribution.name,
      schedule: schedule.name,
      delayMean: mean(delays),
      delayP90: quantile(delays, 0.9),
      delayWorst: delays.at(-1)!,
      callsMean: mean(outcomes.map((o) => o.calls)),
    });
  }
}

// ---- fleets of 200

/** Creates spaced as an apply under DigitalOcean's 250/min makes them (the slowest of the three). */
const CREATE_SPACING_MS = 240;

interface FleetRow {
  distribution: string;
  schedule: string;
  delayMean: number;
  delayWorst: number;
  calls: number;
}

/** Per-host schedules: every instance polls on its own, one call per look. */
function fleetPerHost(schedule: PollSchedule, boots: readonly number[]): { delays: number[]; calls: number } {
  const outcomes = boots.map((boot) => waitFor(schedule, boot));
  return { delays: outcomes.map((o) => o.delayMs), calls: outcomes.reduce((s, o) => s + o.calls, 0) };
}

/** Core's waiter on virtual time, one list round for every overlapping wait. */
async function fleetBatched(distribution: Distribution, boots: readonly number[], skews: readonly number[], history: readonly number[], hints: boolean) {
  const scheduler = manualScheduler(0);
  const bootHistory = memoryBootHistory(history.length > 0 ? { 'sim/t/r': [...history] } : {});
  const readyAt = new Map<string, number>();
  const skewOf = new Map<string, number>();
  const madeAt = new Map<string, number>();
  let calls = 0;
  const view = (id: string): ProbeAnswer => {
    const now = scheduler.now();
    const ready = now >= readyAt.get(id)!;
    const instance: Instance = {
      id,
      provider: 'sim',
      name: id,
      state: ready ? 'running' : 'pending',
      providerState: ready ? 'running' : 'pending',
      publicIp: ready ? '203.0.113.1' : null,
      privateIp: null,
      region: 'r',
      type: 't',
      architecture: 'amd64',
      spot: false,
      tags: {},
      createdAt: new Date(0),
      warnings: [],
    };
    const elapsed = now - madeAt.get(id)!;
    const hint = hints && !ready ? distribution.hint?.(elapsed, readyAt.get(id)! - madeAt.get(id)!, skewOf.get(id)!) : undefined;
    return hint ? { instance, hint } : instance;
  };
  const waiter = createReadinessWaiter({
    provider: 'sim',
    history: bootHistory,
    scheduler,
    source: {
      probe: async (id) => {
        calls++;
        return view(id);
      },
      probeMany: async (ids) => {
        calls += Math.ceil(ids.length / distribution.pageSize);
        return new Map(ids.map((id) => [id, view(id)]));
      },
      probeManyIdsPerCall: distribution.pageSize,
    },
  });
  const seen = new Map<string, number>();
  const all: Promise<void>[] = [];
  const run = (async () => {
    for (const [i, boot] of boots.entries()) {
      const id = `i-${i}`;
      madeAt.set(id, scheduler.now());
      readyAt.set(id, scheduler.now() + boot);
      skewOf.set(id, skews[i]!);
      waiter.created(view(id) as Instance);
      all.push(waiter.wait(id).then(() => void seen.set(id, scheduler.now())));
      await scheduler.sleep(CREATE_SPACING_MS);
    }
    await Promise.all(all);
  })();
  await scheduler.drive(run, 1_000_000);
  const delays = boots.map((_, i) => seen.get(`i-${i}`)! - readyAt.get(`i-${i}`)!);
  return { delays, calls };
}

const fleetRows: FleetRow[] = [];
for (const distribution of DISTRIBUTIONS) {
  if (distribution.name.includes('with progress')) continue;
  const random = seededRandom(SEED + 7);
  const fleets = Array.from({ length: FLEETS }, () => ({
    boots: Array.from({ length: FLEET_SIZE }, () => distribution.draw(random)),
    skews: Array.from({ length: FLEET_SIZE }, () => 0.8 + random() * 0.4),
  }));
  const history = histories.get(distribution.name)!;
  const cases: Array<[string, (f: (typeof fleets)[number]) => Promise<{ delays: number[]; calls: number }> | { delays: number[]; calls: number }]> = [
    ['fixed 5 s, per host', (f) => fleetPerHost(fixedSchedule(5_000), f.boots)],
    ['fixed 2 s, per host', (f) => fleetPerHost(fixedSchedule(2_000), f.boots)],
    ['core before, per host', (f) => fleetPerHost(backoffSchedule({ growth: 1, maxIntervalMs: 15_000 }), f.boots)],
    ['core waiter, no history (batched)', (f) => fleetBatched(distribution, f.boots, f.skews, [], false)],
    ['core waiter, learned (batched)', (f) => fleetBatched(distribution, f.boots, f.skews, history, false)],
  ];
  if (distribution.hint) cases.push(['core waiter, learned + hints (batched)', (f) => fleetBatched(distribution, f.boots, f.skews, history, true)]);
  for (const [name, run] of cases) {
    const delays: number[] = [];
    const calls: number[] = [];
    for (const fleet of fleets) {
      const outcome = await run(fleet);
      delays.push(...outcome.delays.map((d) => d / 1000));
      calls.push(outcome.calls);
    }
    fleetRows.push({ distribution: distribution.name, schedule: name, delayMean: mean(delays), delayWorst: Math.max(...delays), calls: mean(calls) });
  }
}

// ---- tables

console.log(`Readiness schedules, simulated exactly: ${SAMPLES} boots per distribution, seed ${SEED}; learned from ${HISTORY_SIZE} earlier boots\n`);
console.log('### Single hosts\n');
console.log('| boot distribution | schedule | delay mean s | delay p90 s | delay worst s | calls mean |');
console.log('| --- | --- | ---: | ---: | ---: | ---: |');
for (const r of singleRows) {
  console.log(`| ${r.distribution} | ${r.schedule} | ${r.delayMean.toFixed(2)} | ${r.delayP90.toFixed(2)} | ${r.delayWorst.toFixed(2)} | ${r.callsMean.toFixed(2)} |`);
}
console.log(`\n### Fleets of ${FLEET_SIZE} (created ${CREATE_SPACING_MS} ms apart; mean of ${FLEETS} fleets)\n`);
console.log('| boot distribution | schedule | delay mean s | delay worst s | status requests per fleet |');
console.log('| --- | --- | ---: | ---: | ---: |');
for (const r of fleetRows) console.log(`| ${r.distribution} | ${r.schedule} | ${r.delayMean.toFixed(2)} | ${r.delayWorst.toFixed(2)} | ${r.calls.toFixed(0)} |`);

// ---- the chart: delay and calls against boot time (0.5 s steps over 1-120 s), one line per schedule

const chartHistory = histories.get('uniform 1-120 s')!;
const chartBoots = Array.from({ length: 239 }, (_, i) => 1000 + i * 500);
const chartSchedules = SCHEDULES.filter((s) => s.name !== 'core, learned + hints').map((s) => ({ name: s.name, schedule: s.make(chartHistory), hint: undefined as HintModel | undefined }));
chartSchedules.push({ name: 'core, learned + progress', schedule: learned(chartHistory), hint: progressHint });
const curves = chartSchedules.map(({ name, schedule, hint }) => ({ name, points: chartBoots.map((boot) => ({ boot, ...waitFor(schedule, boot, hint) })) }));
const COLOURS = ['#1f77b4', '#2ca02c', '#9467bd', '#8c564b', '#ff7f0e', '#d62728', '#17becf'];
const W = 760;
const H = 260;
const PAD = 48;
function panel(top: number, title: string, value: (p: { delayMs: number; calls: number }) => number, max: number): string {
  const x = (bootMs: number) => PAD + ((bootMs - 1000) / 119_000) * (W - 2 * PAD);
  const y = (v: number) => top + H - PAD / 2 - (Math.min(v, max) / max) * (H - PAD);
  const lines = curves.map(({ points }, i) => {
    const d = points.map((p, j) => `${j === 0 ? 'M' : 'L'}${x(p.boot).toFixed(1)},${y(value(p)).toFixed(1)}`).join(' ');
    return `<path d="${d}" fill="none" stroke="${COLOURS[i % COLOURS.length]}" stroke-width="1.4"/>`;
  });
  const ticks = [0, 30, 60, 90, 120].map(
    (s) => `<text x="${x(Math.max(1000, s * 1000)).toFixed(1)}" y="${top + H - 4}" font-size="10" text-anchor="middle">${s} s</text>`,
  );
  const yTicks = [0, max / 2, max].map((v) => `<text x="${PAD - 6}" y="${y(v) + 3}" font-size="10" text-anchor="end">${v}</text>`);
  return [`<text x="${PAD}" y="${top + 14}" font-size="12" font-weight="bold">${title}</text>`, ...lines, ...ticks, ...yTicks].join('\n');
}
const legend = curves
  .map(({ name }, i) => {
    const lx = PAD + (i % 4) * 175;
    const ly = 2 * H + 10 + Math.floor(i / 4) * 16;
    return `<rect x="${lx}" y="${ly}" width="12" height="3" fill="${COLOURS[i % COLOURS.length]}"/><text x="${lx + 16}" y="${ly + 5}" font-size="11">${name}</text>`;
  })
  .join('\n');
const svg = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${2 * H + 44}" font-family="sans-serif">`,
  '<rect width="100%" height="100%" fill="white"/>',
  panel(0, 'delay after readiness (s) against boot time (single host; learned from uniform 1-120 s boots)', (p) => p.delayMs / 1000, 15),
  panel(H, 'status calls against boot time', (p) => p.calls, 60),
  legend,
  '</svg>',
].join('\n');
writeFileSync(new URL('./readiness-sim.svg', import.meta.url), `${svg}\n`);
console.log('\nChart written to bench/readiness-sim.svg');
