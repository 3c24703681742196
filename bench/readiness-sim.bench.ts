/**
 * Readiness schedules by exact poll-time arithmetic: for a boot that ends at time B (running with a
 * public IP), a schedule's looks fall at t1 < t2 < ...; the wait ends at the first look at or after B.
 * Delay = that look - B; calls = how many looks were made. No provider, no timers: the figures are
 * the schedules' own, the same on every machine, so this is the simulation the readiness tables in
 * RESULTS.md quote (the `readiness` bench measures core's schedule through the mock in real time).
 *
 * Schedules: core's default (`backoffSchedule()`), fixed 5 s and fixed 2 s polling (`fixedSchedule`,
 * a look at once, then every interval), and the AWS SDK waiter (`waitUntilInstanceRunning`: a look
 * after its 15 s minimum delay, then every 15 s). Boot distributions: uniform 1-120 s (every boot
 * time equally likely), and one per cloud (see DISTRIBUTIONS). Writes the chart readiness-sim.svg.
 *
 *   node run-all.mjs readiness-sim                 # from bench/
 *   node run-all.mjs readiness-sim -- --samples 20000 --seed 1
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { backoffSchedule, fixedSchedule, type PollSchedule } from '@stagely/provider-core/provider';
import { seededRandom } from '@stagely/provider-core/testing';

const { values } = parseArgs({ options: { samples: { type: 'string', default: '20000' }, seed: { type: 'string', default: '1' } } });
const SAMPLES = Number(values.samples);
const SEED = Number(values.seed);
if (!(SAMPLES >= 1) || !Number.isFinite(SEED)) throw new Error('--samples must be >= 1 and --seed a number');

/** The AWS SDK v3 EC2 waiter: minDelay 15 s before the first look, then 15 s apart. */
const awsWaiter: PollSchedule = () => 15_000;

const SCHEDULES: Array<[string, PollSchedule]> = [
  ['core (backoffSchedule)', backoffSchedule()],
  ['fixed 5 s', fixedSchedule(5_000)],
  ['fixed 2 s', fixedSchedule(2_000)],
  ['AWS SDK waiter (15 s)', awsWaiter],
];

/** When each look of `schedule` falls, up to the first at or after `bootMs`. */
function waitFor(schedule: PollSchedule, bootMs: number): { delayMs: number; calls: number } {
  let t = 0;
  for (let calls = 0; ; ) {
    t += schedule(calls, t, calls === 0 ? undefined : null);
    calls++;
    if (t >= bootMs) return { delayMs: t - bootMs, calls };
  }
}

/** Log-normal boot times around a median, bounded to what a cloud plausibly shows. */
function logNormal(random: () => number, medianS: number, sigma: number, minS: number, maxS: number): number {
  const u = Math.max(1e-12, random());
  const v = random();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.min(maxS, Math.max(minS, medianS * Math.exp(sigma * z))) * 1000;
}

/**
 * Boot time (create accepted -> running with a public IP) per cloud. Medians from the clouds' own
 * statements and common reports, not from measurements here: Hetzner servers are typically running
 * in about 10 s; DigitalOcean droplets become active in about 30-60 s; EC2 instances reach `running`
 * with a public IP in about 15-30 s (more for large AMIs). Spread sigma 0.35 (p10-p90 about x0.64-x1.6).
 */
const DISTRIBUTIONS: Array<[string, (random: () => number) => number]> = [
  ['uniform 1-120 s', (random) => (1 + random() * 119) * 1000],
  ['Hetzner-like (median 10 s)', (random) => logNormal(random, 10, 0.35, 3, 120)],
  ['DigitalOcean-like (median 40 s)', (random) => logNormal(random, 40, 0.35, 10, 180)],
  ['EC2-like (median 20 s)', (random) => logNormal(random, 20, 0.35, 5, 180)],
];

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const rows: string[] = [];
for (const [distribution, draw] of DISTRIBUTIONS) {
  const random = seededRandom(SEED);
  const boots = Array.from({ length: SAMPLES }, () => draw(random));
  for (const [name, schedule] of SCHEDULES) {
    const outcomes = boots.map((boot) => waitFor(schedule, boot));
    const delays = outcomes.map((o) => o.delayMs / 1000).sort((a, b) => a - b);
    const calls = outcomes.map((o) => o.calls);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    rows.push(
      `| ${distribution} | ${name} | ${mean(delays).toFixed(2)} | ${quantile(delays, 0.9).toFixed(2)} | ${delays.at(-1)!.toFixed(2)} | ` +
        `${mean(calls).toFixed(2)} | ${(mean(calls) * 200).toFixed(0)} |`,
    );
  }
}

console.log(`Readiness schedules by exact poll-time arithmetic: ${SAMPLES} boots per distribution, seed ${SEED}\n`);
console.log('| boot distribution | schedule | delay mean s | delay p90 s | delay worst s | calls mean | calls, fleet of 200 (one status call per instance) |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) console.log(row);

// The chart: delay and calls against boot time (0.5 s steps over 1-120 s), one line per schedule.
const boots = Array.from({ length: 239 }, (_, i) => 1000 + i * 500);
const curves = SCHEDULES.map(([name, schedule]) => ({ name, points: boots.map((boot) => ({ boot, ...waitFor(schedule, boot) })) }));
const COLOURS = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd'];
const W = 720;
const H = 260;
const PAD = 48;
function panel(top: number, title: string, value: (p: { delayMs: number; calls: number }) => number, max: number, unit: string): string {
  const x = (bootMs: number) => PAD + ((bootMs - 1000) / 119_000) * (W - 2 * PAD);
  const y = (v: number) => top + H - PAD / 2 - (v / max) * (H - PAD);
  const lines = curves.map(({ points }, i) => {
    const d = points.map((p, j) => `${j === 0 ? 'M' : 'L'}${x(p.boot).toFixed(1)},${y(value(p)).toFixed(1)}`).join(' ');
    return `<path d="${d}" fill="none" stroke="${COLOURS[i]}" stroke-width="1.4"/>`;
  });
  const ticks = [0, 30, 60, 90, 120].map(
    (s) => `<text x="${x(Math.max(1000, s * 1000)).toFixed(1)}" y="${top + H - 4}" font-size="10" text-anchor="middle">${s} s</text>`,
  );
  const yTicks = [0, max / 2, max].map((v) => `<text x="${PAD - 6}" y="${y(v) + 3}" font-size="10" text-anchor="end">${v}${unit}</text>`);
  return [`<text x="${PAD}" y="${top + 14}" font-size="12" font-weight="bold">${title}</text>`, ...lines, ...ticks, ...yTicks].join('\n');
}
const legend = curves
  .map(({ name }, i) => `<rect x="${PAD + i * 170}" y="${2 * H + 8}" width="12" height="3" fill="${COLOURS[i]}"/><text x="${PAD + i * 170 + 16}" y="${2 * H + 13}" font-size="11">${name}</text>`)
  .join('\n');
const svg = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${2 * H + 24}" font-family="sans-serif">`,
  '<rect width="100%" height="100%" fill="white"/>',
  panel(0, 'delay after readiness (s) against boot time', (p) => p.delayMs / 1000, 15, ''),
  panel(H, 'status calls against boot time', (p) => p.calls, 60, ''),
  legend,
  '</svg>',
].join('\n');
writeFileSync(new URL('./readiness-sim.svg', import.meta.url), `${svg}\n`);
console.log('\nChart written to bench/readiness-sim.svg');
