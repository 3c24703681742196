/**
 * Fleet apply on every provider: core's plan + apply of `--hosts` hosts, then of the empty
 * environment (destroy), on each provider's fake with that cloud's published rate limit enforced by
 * the fake, a short boot, and the provider loaded through the registry with its real SDK over
 * loopback (support/fleet-clouds.ts). Wall time against the bound the rate limit sets (requests
 * needed past the budget's burst ÷ its rate, plus one boot: support/rate-bound.ts) and against the
 * issue's looser one (requests needed ÷ the sustained rate, plus one boot), requests made
 * against the least needed (support/fleet-run.ts says what that counts), 429s the fake answered,
 * failed hosts and RATE_LIMITED errors surfacing to the caller (both must be 0).
 * Then fleets of `--scale-hosts` sizes planned, applied and destroyed on the mock with a state file,
 * each in a child process (support/mock-fleet-scale.ts): wall and CPU time, peak RSS, state file size.
 *
 *   pnpm -r --filter "./packages/*" build
 *   cd bench && node run-all.mjs fleet -- --hosts 200 --boot-ms 3000
 *
 * Options: --hosts 200, --boot-ms 3000, --concurrency (apply's; default core's 4), --providers
 * hetzner,digitalocean,aws,mock, --rounds 2 (fleets one after another on the same provider object: the
 * first waits without boot history, later ones with the boot times the first taught the waiter),
 * --settle-max-s 90 (longest wait before a phase for a used budget to be whole again), --scale-hosts
 * 1000,2000 (sizes; the issue's 10000 takes about a minute: see RESULTS.md; 0: skip),
 * --scale-boot-ms 1000.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, platform, release } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_APPLY_CONCURRENCY, type StagelyEvent } from '@stagely/provider-core';
import { FLEET_CLOUDS, startFleetCloud, type FleetCloudName } from './support/fleet-clouds.js';
import { runFleet, type PhaseFigures } from './support/fleet-run.js';

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '200' },
    'boot-ms': { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: String(DEFAULT_APPLY_CONCURRENCY) },
    providers: { type: 'string', default: FLEET_CLOUDS.join(',') },
    'settle-max-s': { type: 'string', default: '90' },
    rounds: { type: 'string', default: '2' },
    'scale-hosts': { type: 'string', default: '1000,2000' },
    'scale-boot-ms': { type: 'string', default: '1000' },
  },
});
const HOSTS = Number(values.hosts);
const BOOT_MS = Number(values['boot-ms']);
const CONCURRENCY = Number(values.concurrency);
const SETTLE_MAX_MS = Number(values['settle-max-s']) * 1000;
const ROUNDS = Number(values.rounds);
const SCALE_HOSTS = values['scale-hosts'].split(',').filter(Boolean).map(Number).filter((n) => n !== 0);
const SCALE_BOOT_MS = Number(values['scale-boot-ms']);
for (const [name, value] of Object.entries({ hosts: HOSTS, concurrency: CONCURRENCY, rounds: ROUNDS })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${String(value)}`);
}
if (!SCALE_HOSTS.every((n) => Number.isInteger(n) && n > 0)) throw new Error(`--scale-hosts must be positive integers, got ${values['scale-hosts']}`);
for (const [name, value] of Object.entries({ 'boot-ms': BOOT_MS, 'settle-max-s': SETTLE_MAX_MS, 'scale-boot-ms': SCALE_BOOT_MS })) {
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer, got ${String(value)}`);
}
const PROVIDERS = values.providers.split(',').filter(Boolean) as FleetCloudName[];
const unknown = PROVIDERS.filter((p) => !(FLEET_CLOUDS as readonly string[]).includes(p));
if (unknown.length > 0) throw new Error(`--providers: unknown ${unknown.join(', ')} (known: ${FLEET_CLOUDS.join(', ')})`);

const listeners = new Set<(event: StagelyEvent) => void>();
const events = (event: StagelyEvent) => listeners.forEach((listener) => listener(event));
const listen = (listener: (event: StagelyEvent) => void) => {
  listeners.add(listener);
  return () => void listeners.delete(listener);
};

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** `apply`, or `apply 2` for a later round. */
const label = (p: PhaseFigures) => (p.round === 1 ? p.phase : `${p.phase} ${p.round}`);
const sum = (t: ReadonlyMap<string, number>) => [...t.values()].reduce((a, b) => a + b, 0);

interface CloudRun {
  name: FleetCloudName;
  limit: string;
  phases: PhaseFigures[];
}

const runs: CloudRun[] = [];
for (const name of PROVIDERS) {
  const cloud = await startFleetCloud(name, { hosts: HOSTS, bootMs: BOOT_MS, events });
  try {
    const phases: PhaseFigures[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      process.stderr.write(`fleet: ${name}, ${HOSTS} hosts, round ${round}...\n`);
      phases.push(...(await runFleet(cloud, { hosts: HOSTS, bootMs: BOOT_MS, concurrency: CONCURRENCY, settleMaxMs: SETTLE_MAX_MS, environment: 'fleet', listen }, round)));
    }
    runs.push({ name, limit: cloud.limit, phases });
  } finally {
    await cloud.close();
  }
}

if (runs.length > 0) {
  console.log(`# Fleet apply, every provider\n`);
  console.log(
    `${HOSTS} hosts, boot ${BOOT_MS} ms, apply concurrency ${CONCURRENCY}; Node ${process.version}, ${platform()} ${release()}, ` +
      `${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end.\n`,
  );
  console.log('| provider | phase | wall | bound | wall / bound | sustained-rate bound | wall / it | requests made | least needed | 429s answered | failed hosts | RATE_LIMITED to the caller | client retries / limiter holds | plan done / last change accepted / last host ready |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const run of runs) {
    for (const p of run.phases) {
      const ratio = p.boundMs > 0 ? `x${(p.wallMs / p.boundMs).toFixed(2)}` : 'n/a (within burst)';
      const sustainedRatio = p.sustainedBoundMs > 0 ? `x${(p.wallMs / p.sustainedBoundMs).toFixed(2)}` : 'n/a (no limit)';
      const failed = p.failedHosts === 0 ? '0' : `**${p.failedHosts}** (${p.failureCodes.join(', ')})`;
      console.log(
        `| ${run.name} | ${label(p)} | ${s(p.wallMs)} | ${s(p.boundMs)} | ${ratio} | ${s(p.sustainedBoundMs)} | ${sustainedRatio} | ${sum(p.made)} | ${sum(p.minimum)} | ${p.refused} | ${failed} | ${p.rateLimitedErrors} | ${p.retries} / ${p.clientRateLimitHolds} | ${s(p.planDoneMs)} / ${s(p.lastChangeMs)} / ${p.phase === 'apply' ? s(p.lastReadyMs) : '-'} |`,
      );
    }
  }

  console.log(`\n## Requests by operation (made / least needed)\n`);
  console.log('| provider | phase | by operation |');
  console.log('| --- | --- | --- |');
  for (const run of runs) {
    for (const p of run.phases) {
      const operations = [...new Set([...p.minimum.keys(), ...p.made.keys()])].sort();
      console.log(`| ${run.name} | ${label(p)} | ${operations.map((op) => `${op} ${p.made.get(op) ?? 0} / ${p.minimum.get(op) ?? 0}`).join(', ')} |`);
    }
  }

  console.log(`\n## The bound, budget by budget\n`);
  console.log('Limits the fakes enforced:\n');
  for (const run of runs) console.log(`- ${run.name}: ${run.limit}`);
  console.log('\nBudgets that counted more than one request (catalogue reads, one each, are left out):\n');
  console.log('| provider | phase | budget | least needed | made | left at the start | time past the burst |');
  console.log('| --- | --- | --- | --- | ---: | ---: | ---: |');
  for (const run of runs) {
    for (const p of run.phases) {
      const shown = p.budgets.filter((b) => b.needed > 1 || b.made > 1 || b.pastBurstMs > 0);
      if (shown.length === 0) console.log(`| ${run.name} | ${label(p)} | (none) | | | | |`);
      for (const b of shown) {
        const settled = p.settledMs > 0 ? ` (after ${s(p.settledMs)} of settling)` : '';
        console.log(`| ${run.name} | ${label(p)} | ${b.budget.label} | ${b.needed} | ${b.made} | ${b.available}${settled} | ${s(b.pastBurstMs)} |`);
      }
    }
  }
}

if (SCALE_HOSTS.length > 0) {
  console.log(`\n## Fleets on the mock with a state file\n`);
  console.log(`Boot ${SCALE_BOOT_MS} ms, apply concurrency ${CONCURRENCY}, each size in a child process of its own.\n`);
  console.log('| hosts | plan + apply: wall | CPU | plan + apply of the empty environment: wall | CPU | failed hosts | left after destroy | state file applied | peak RSS | load average after |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const hosts of SCALE_HOSTS) {
    process.stderr.write(`fleet: mock with a state file, ${hosts} hosts...\n`);
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'support', 'mock-fleet-scale.ts'), '--hosts', String(hosts), '--boot-ms', String(SCALE_BOOT_MS), '--concurrency', String(CONCURRENCY)],
      { cwd: import.meta.dirname, encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    if (child.status !== 0) throw new Error(`mock-fleet-scale failed (${child.status ?? child.signal}): ${child.stderr.slice(0, 2000)}`);
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
      applied: { wallMs: number; cpuMs: number; failed: number };
      destroyed: { wallMs: number; cpuMs: number; failed: number };
      stateBytes: number;
      left: number;
      maxRssKiB: number;
    };
    console.log(
      `| ${hosts} | ${s(r.applied.wallMs)} | ${s(r.applied.cpuMs)} | ${s(r.destroyed.wallMs)} | ${s(r.destroyed.cpuMs)} | ${r.applied.failed + r.destroyed.failed} | ${r.left} ` +
        `| ${(r.stateBytes / 1024 / 1024).toFixed(2)} MiB | ${(r.maxRssKiB / 1024).toFixed(0)} MiB | ${loadavg()[0]!.toFixed(1)} |`,
    );
  }
}

const bad = runs.flatMap((run) => run.phases.filter((p) => p.failedHosts > 0 || p.rateLimitedErrors > 0).map((p) => `${run.name} ${label(p)}`));
if (bad.length > 0) console.log(`\nNot met: failed hosts or RATE_LIMITED errors in ${bad.join(', ')}.`);
