/**
 * Randomized fault soak, on every provider's fake: many concurrent provisions (core's
 * provisionInstance), listings, terminates and snapshots (create + delete) through the provider the
 * registry makes, the real SDK over loopback HTTP (the mock: in memory, through its test controls),
 * under a seeded mix of 5xx, 429s with their reset headers, connection resets, latency (some past the
 * request timeout) and lost answers, plus the fake's own small request budget. At the end the fake's
 * store is compared with what the library reported:
 * - leaked: an instance (not terminating or terminated) or image in the store that the library did
 *   not report: not a provision it returned and that was kept, not one whose terminate / delete
 *   failed, not named by an error's `details.leftBehind` or a provision's `details.cleanup`;
 * - duplicate creates: two instances made for one provision (the store is watched after every request);
 * - every error a typed StagelyError, and no credential (distinctive fake tokens) in any error's
 *   message / details / toJSON() or in any event.
 * Exits non-zero when any of these is not zero.
 *
 * Each operation arms its planned faults as it starts (on its own mutation, or on whichever request
 * comes next) and withdraws those that met no request when it ends.
 *
 * Reproducible from the seed: the same seed plans the same operations and arms the same faults in the
 * same order on every provider (the plan digest printed says so); which request meets a fault depends
 * on how the concurrent workers interleave, which may differ from run to run (`--concurrency 1` takes
 * most of that away: two such runs differ by a readiness poll or two).
 *
 *   pnpm exec turbo run build --filter @stagely/bench...
 *   cd bench && node run-all.mjs soak -- --seed 1 --ops 300 --seconds 120
 *   options: --seed (default 1), --ops (planned operations, default 300), --seconds (no operation starts
 *   after this, default 120), --requests (nor after this many requests to one fake, default 20000),
 *   --concurrency (workers, default 8), --attempts (the providers' retry attempts per request, default 2:
 *   few, so that faults surface as errors and the cleanups run), --fault-rate (chance an operation arms faults, default 0.5),
 *   --providers (default mock,hetzner,digitalocean,aws), --self-check (instead: the mock broken in one
 *   way at a time, each breakage must raise the count it stands for)
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { awsSoak } from './support/soak-adapters/aws.js';
import { digitalOceanSoak } from './support/soak-adapters/digitalocean.js';
import { hetznerSoak } from './support/soak-adapters/hetzner.js';
import { mockSoak } from './support/soak-adapters/mock.js';
import { problems, soakTable } from './support/soak-report.js';
import { runSoak } from './support/soak-run.js';
import { planDigest, planSoak } from './support/soak-schedule.js';
import { BREAKAGES, broken, caught } from './support/soak-self-check.js';
import type { SoakAdapter } from './support/soak-target.js';

const ADAPTERS: readonly SoakAdapter[] = [mockSoak, hetznerSoak, digitalOceanSoak, awsSoak];

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    ops: { type: 'string', default: '300' },
    seconds: { type: 'string', default: '120' },
    requests: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '8' },
    attempts: { type: 'string', default: '2' },
    'fault-rate': { type: 'string', default: '0.5' },
    providers: { type: 'string', default: ADAPTERS.map((a) => a.name).join(',') },
    'self-check': { type: 'boolean', default: false },
  },
});
const positive = (name: string, value: string | undefined): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${String(value)}`);
  return n;
};
const SEED = positive('seed', values.seed);
const OPS = positive('ops', values.ops);
const SECONDS = positive('seconds', values.seconds);
const REQUESTS = positive('requests', values.requests);
const CONCURRENCY = positive('concurrency', values.concurrency);
const ATTEMPTS = positive('attempts', values.attempts);
const FAULT_RATE = Number(values['fault-rate']);
if (!(FAULT_RATE >= 0 && FAULT_RATE <= 1)) throw new Error(`--fault-rate must be between 0 and 1, got ${String(values['fault-rate'])}`);
const names = values.providers!.split(',').map((s) => s.trim());
const chosen = names.map((name) => {
  const adapter = ADAPTERS.find((a) => a.name === name);
  if (!adapter) throw new Error(`--providers: no soak for "${name}"; known: ${ADAPTERS.map((a) => a.name).join(', ')}`);
  return adapter;
});

const REQUEST_TIMEOUT_MS = 500;
const plan = planSoak(SEED, OPS, { faultRate: FAULT_RATE, requestTimeoutMs: REQUEST_TIMEOUT_MS });

console.log(`## Fault soak, seed ${SEED}`);
console.log();
console.log(
  `Plan ${planDigest(plan)}: ${OPS} operations, faults on ${Math.round(FAULT_RATE * 100)} % of them; ` +
    `${CONCURRENCY} workers, ${ATTEMPTS} attempts per request, at most ${SECONDS} s and ${REQUESTS} requests per provider; request timeout ${REQUEST_TIMEOUT_MS} ms. ` +
    `Node ${process.version}, ${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(1)}.`,
);

const limits = {
  seed: SEED,
  concurrency: CONCURRENCY,
  seconds: SECONDS,
  maxRequests: REQUESTS,
  requestTimeoutMs: REQUEST_TIMEOUT_MS,
  attempts: ATTEMPTS,
  readyTimeoutMs: 5000,
};

let failed = false;
if (values['self-check']) {
  console.log();
  console.log('### Self-check: the mock broken on purpose');
  console.log();
  console.log('| breakage | must raise | leaked instances / leaked images / duplicate creates / untyped errors / credential leaks | caught |');
  console.log('| --- | --- | --- | --- |');
  for (const breakage of BREAKAGES) {
    const counts = problems(await runSoak(broken(mockSoak, breakage.apply), plan, limits));
    const ok = caught(breakage.raises, counts);
    if (!ok) failed = true;
    console.log(`| ${breakage.what} | ${breakage.raises} | ${Object.values(counts).join(' / ')} | ${ok ? 'yes' : '**no**'} |`);
  }
} else {
  for (const adapter of chosen) {
    const result = await runSoak(adapter, plan, limits);
    console.log();
    console.log(`### ${adapter.name}`);
    console.log();
    for (const line of soakTable(result)) console.log(line);
    if (Object.values(problems(result)).some((n) => n > 0)) failed = true;
  }
}
console.log();
if (values['self-check']) console.log(failed ? 'FAILED: a breakage went unnoticed.' : 'Every breakage raised its count.');
else console.log(failed ? 'FAILED: a count that must be zero is not.' : 'All zero-counts are zero.');
if (failed) process.exitCode = 1;
