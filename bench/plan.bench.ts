/**
 * How `plan` scales: time and memory for 1k and 10k desired hosts against as many observed instances.
 *
 * The provider is in memory and `listInstances` hands back prebuilt instances, so what is measured is
 * plan itself (validation, grouping, comparison, sorting), not a cloud. The observed state is a
 * realistic mix: most hosts match (keep), 5% differ in size (conflicts), 5% of the instances belong to
 * hosts no longer in the file (delete) and 5% of the hosts are new (create). Both lists are shuffled
 * with a fixed seed, so sorting has work to do and every run sees the same input.
 *
 *   pnpm --filter @stagely/bench exec tsx --expose-gc --max-semi-space-size=128 plan.bench.ts
 *
 * `--expose-gc` lets every run start from a collected heap, and a young generation large enough to
 * hold one plan's garbage means no scavenge runs during it, so "heap allocated" is what plan allocated.
 * Without those flags the script still runs; its memory figures are then lower bounds.
 * Options: `--sizes 1000,10000` and `--runs 15`.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import {
  createSpecFor,
  plan,
  type CloudProvider,
  type DesiredEnvironment,
  type HostSpec,
  type Instance,
  type Plan,
} from '@stagely/provider-core';
import { seededRandom } from '@stagely/provider-core/testing';

const { values } = parseArgs({
  options: { sizes: { type: 'string', default: '1000,10000' }, runs: { type: 'string', default: '15' } },
});
const SIZES = values.sizes.split(',').map(Number);
const RUNS = Number(values.runs);
const WARMUP = 3;
const ENVIRONMENT = 'bench';
const gc = (globalThis as { gc?: () => void }).gc;

/** Deterministic shuffle (core's seeded mulberry32), so that every run plans the same input. */
function shuffled<T>(items: T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const ROLES = ['web', 'api', 'worker', 'db'];
const SIZES_OF = ['small', 'medium', 'large'] as const;

function scenario(n: number): { desired: DesiredEnvironment; observed: Instance[] } {
  const fivePercent = Math.round(n * 0.05);
  const hosts: HostSpec[] = Array.from({ length: n }, (_, i) => ({
    name: `h${String(i).padStart(6, '0')}`,
    role: ROLES[i % ROLES.length]!,
    size: SIZES_OF[i % SIZES_OF.length]!,
    region: i % 2 ? 'region-1' : 'region-2',
    tags: { team: `team-${i % 7}` },
  }));
  const instance = (spec: ReturnType<typeof createSpecFor>, i: number): Instance => ({
    id: `i-${i}`,
    provider: 'memory',
    name: spec.name,
    state: 'running',
    providerState: 'running',
    publicIp: `10.0.${(i >> 8) & 255}.${i & 255}`,
    privateIp: null,
    region: spec.region!,
    type: `type-${String(spec.size)}`,
    architecture: 'amd64',
    spot: false,
    tags: { ...spec.tags, 'managed-by': 'stagely' },
    createdAt: new Date(1_700_000_000_000 + i * 1000),
    warnings: [],
  });
  const observed: Instance[] = [];
  // The first 95% of the hosts exist; every 20th of them was created with another size (a conflict).
  for (let i = 0; i < n - fivePercent; i++) {
    const host = hosts[i]!;
    const asCreated = i % 20 === 0 ? { ...host, size: host.size === 'small' ? ('large' as const) : ('small' as const) } : host;
    observed.push(instance(createSpecFor(ENVIRONMENT, asCreated), i));
  }
  // Hosts removed from the file, still running (deletes).
  for (let i = 0; i < fivePercent; i++) {
    observed.push(instance(createSpecFor(ENVIRONMENT, { name: `gone${i}`, size: 'small', region: 'region-1' }), n + i));
  }
  return { desired: { environment: ENVIRONMENT, hosts: shuffled(hosts, n) }, observed: shuffled(observed, n + 1) };
}

/** A provider that lists prebuilt instances at once, and resolves each create's spec as a catalogue would. */
function memoryProvider(observed: Instance[]): CloudProvider {
  const unused = () => Promise.reject(new Error('plan must only list'));
  return {
    contractVersion: 1,
    name: 'memory',
    capabilities: { architectures: ['amd64'], spot: false, snapshots: false, sshKeys: false },
    listInstances: async () => observed.slice(),
    validateCredentials: unused,
    // Plan's preflight of every create: read-only, answered at once.
    validateSpec: async (spec) => ({
      type: `type-${String(spec.size)}`,
      region: spec.region ?? 'region-1',
      architecture: spec.architecture ?? 'amd64',
      image: 'ubuntu-24.04',
      spot: false,
      warnings: [],
    }),
    createInstance: unused,
    getInstance: unused,
    terminateInstance: unused,
    waitUntilReady: unused,
    createSnapshot: unused,
    listSnapshots: unused,
    deleteSnapshot: unused,
    listSshKeys: unused,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

interface Row {
  n: number;
  timeMs: number;
  minMs: number;
  allocatedBytes: number;
  retainedBytes: number;
  rssBytes: number;
  planJsonBytes: number;
  counts: string;
}

/**
 * One plan, measured. In its own function so that nothing of the previous run stays reachable from
 * the caller's frame (a loop body keeps it, and the retained figure would read zero).
 */
async function planOnce(provider: CloudProvider, desired: DesiredEnvironment) {
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const started = performance.now();
  const result = await plan(provider, desired);
  const elapsedMs = performance.now() - started;
  const allocatedBytes = process.memoryUsage().heapUsed - before;
  gc?.();
  const retainedBytes = process.memoryUsage().heapUsed - before;
  return { result, elapsedMs, allocatedBytes, retainedBytes };
}

async function measure(n: number): Promise<Row> {
  const { desired, observed } = scenario(n);
  const provider = memoryProvider(observed);
  const times: number[] = [];
  const allocated: number[] = [];
  const retained: number[] = [];
  let last: Plan | undefined;
  for (let run = 0; run < WARMUP + RUNS; run++) {
    last = undefined;
    const once = await planOnce(provider, desired);
    last = once.result;
    if (run < WARMUP) continue;
    times.push(once.elapsedMs);
    allocated.push(once.allocatedBytes);
    retained.push(once.retainedBytes);
  }
  const result = last!;
  return {
    n,
    timeMs: median(times),
    minMs: Math.min(...times),
    allocatedBytes: median(allocated),
    retainedBytes: median(retained),
    rssBytes: process.memoryUsage().rss,
    planJsonBytes: Buffer.byteLength(JSON.stringify(result)),
    counts: `${result.create.length} / ${result.delete.length} / ${result.keep.length} / ${result.conflicts.length}`,
  };
}

const rows: Row[] = [];
for (const n of SIZES) rows.push(await measure(n));

console.log(
  `plan scale, Node ${process.version}, ${cpus().length} CPUs (load average ${loadavg()[0]!.toFixed(1)} at the end), ` +
    `${RUNS} runs after ${WARMUP} warm-up, medians${gc ? '' : ' (no --expose-gc: memory figures include leftover garbage)'}\n`,
);
console.log('| desired = observed | plan time (median) | fastest | heap allocated during plan | heap retained (the plan) | RSS after | plan JSON | create / delete / keep / conflicts |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const r of rows) {
  console.log(
    `| ${r.n} | ${r.timeMs.toFixed(1)} ms | ${r.minMs.toFixed(1)} ms | ${mib(r.allocatedBytes)} MiB | ${mib(r.retainedBytes)} MiB | ${mib(r.rssBytes)} MiB | ${mib(r.planJsonBytes)} MiB | ${r.counts} |`,
  );
}
for (let i = 1; i < rows.length; i++) {
  const [a, b] = [rows[i - 1]!, rows[i]!];
  const k = b.n / a.n;
  const nlogn = (b.n * Math.log2(b.n)) / (a.n * Math.log2(a.n));
  console.log(
    `\n${a.n} -> ${b.n} hosts (x${k}): time x${(b.timeMs / a.timeMs).toFixed(1)} (fastest runs x${(b.minMs / a.minMs).toFixed(1)}), heap allocated x${(b.allocatedBytes / a.allocatedBytes).toFixed(1)}, ` +
      `retained x${(b.retainedBytes / a.retainedBytes).toFixed(1)} (linear would be x${k}, n log n x${nlogn.toFixed(1)})`,
  );
}
