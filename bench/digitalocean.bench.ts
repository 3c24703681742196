/**
 * DigitalOcean provider overhead, requests per call, and cold start.
 *
 * 1. Overhead: `getInstance` and listing 100 Droplets through @stagely/provider-digitalocean against
 *    the same calls made with dots-wrapper directly, on the same fake DigitalOcean API (loopback
 *    HTTP, no rate limit, DigitalOcean's page size of 200). The provider's client-side limiter runs
 *    with a budget the run never reaches. Calls alternate between the two clients (ABAB, order
 *    swapped every round) after a warm-up; the figure is the ratio of the medians.
 * 2. Requests per provider call, counted in the fake's request log, against the fewest requests the
 *    DigitalOcean API needs for the same result.
 * 3. Cold start: separate Node processes that (a) load only this provider through core's registry
 *    and create it, (b) import dots-wrapper alone and create its client, plus two references, (c) an
 *    empty process and (d) core alone. Wall time from spawn to exit, in-process time at the end, and
 *    peak RSS (`process.resourceUsage().maxRSS`); medians over `--runs`, interleaved.
 *
 *   pnpm --filter @stagely/provider-digitalocean build
 *   cd bench && node run-all.mjs digitalocean -- --calls 400 --lists 150 --runs 15
 */
import { spawn } from 'node:child_process';
import { cpus, loadavg, platform, release } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { provisionInstance } from '@stagely/provider-core';
import { createDigitalOceanProvider } from '@stagely/provider-digitalocean';
import { startFakeDigitalOcean, type FakeDigitalOcean } from '@stagely/provider-digitalocean/testing';
import { createApiClient } from 'dots-wrapper';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '400' },
    lists: { type: 'string', default: '150' },
    warmup: { type: 'string', default: '40' },
    runs: { type: 'string', default: '15' },
  },
});
const CALLS = Number(values.calls);
const LISTS = Number(values.lists);
const WARMUP = Number(values.warmup);
const RUNS = Number(values.runs);
for (const [name, value] of Object.entries({ calls: CALLS, lists: LISTS, warmup: WARMUP, runs: RUNS })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${String(value)}`);
}

const TOKEN = 'bench-digitalocean-token';
const DROPLETS = 100;
const MANAGED = 'managed-by:stagely';
const UNREACHED_BUDGET = { requests: 1_000_000_000, windowMs: 1000 };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const ms = (n: number) => `${n.toFixed(n < 10 ? 3 : 1)} ms`;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** Times a and b `rounds` times each after `WARMUP` rounds, alternating which goes first. */
async function paired(rounds: number, a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<{ a: number[]; b: number[] }> {
  const out = { a: [] as number[], b: [] as number[] };
  for (let i = 0; i < WARMUP + rounds; i++) {
    let ta: number;
    let tb: number;
    if (i % 2 === 0) {
      ta = await timed(a);
      tb = await timed(b);
    } else {
      tb = await timed(b);
      ta = await timed(a);
    }
    if (i >= WARMUP) {
      out.a.push(ta);
      out.b.push(tb);
    }
  }
  return out;
}

async function overhead(): Promise<string[]> {
  const fake = await startFakeDigitalOcean({ token: TOKEN, rateLimit: false });
  try {
    for (let i = 0; i < DROPLETS; i++) fake.seedDroplet({ name: `bench-${i}`, tags: [MANAGED, 'bench:list'] });
    const target = fake.droplets()[0]!.id;
    // The client-side limiter stays on (its cost is part of every call) with a budget this run never
    // reaches: DigitalOcean's 250 a minute would make the figure the limiter's spacing, not overhead.
    const provider = createDigitalOceanProvider({ token: TOKEN, endpoint: fake.endpoint, rateLimit: UNREACHED_BUDGET });
    const client = createApiClient({ token: TOKEN, endpoint: fake.endpoint });

    // Both clients must see the same thing, or the comparison is meaningless.
    const mine = await provider.listInstances();
    const theirs = (await client.droplet.listDroplets({ tag_name: MANAGED, per_page: 200 })).data.droplets;
    if (mine.length !== DROPLETS || theirs.length !== DROPLETS) throw new Error(`expected ${DROPLETS} droplets from both, got ${mine.length} and ${theirs.length}`);

    const get = await paired(CALLS, () => provider.getInstance(String(target)), () => client.droplet.getDroplet({ droplet_id: target }));
    const list = await paired(LISTS, () => provider.listInstances(), () => client.droplet.listDroplets({ tag_name: MANAGED, per_page: 200 }));
    const row = (what: string, n: number, r: { a: number[]; b: number[] }) =>
      `| ${what} | ${n} | ${ms(median(r.a))} | ${ms(median(r.b))} | x${(median(r.a) / median(r.b)).toFixed(2)} | +${ms(median(r.a) - median(r.b))} |`;
    return [
      '| call | calls each | provider (median) | dots-wrapper direct (median) | ratio of medians | difference |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      row('getInstance / droplet.getDroplet', CALLS, get),
      row(`list ${DROPLETS} droplets (1 page of 200)`, LISTS, list),
    ];
  } finally {
    await fake.close();
  }
}

/** Requests the fake answered while `fn` ran, by operation. */
async function counted(fake: FakeDigitalOcean, fn: () => Promise<unknown>): Promise<{ total: number; by: string }> {
  const before = fake.http.log.length;
  await fn();
  const entries = fake.http.log.slice(before);
  const by = new Map<string, number>();
  for (const entry of entries) by.set(entry.operation ?? '?', (by.get(entry.operation ?? '?') ?? 0) + 1);
  return { total: entries.length, by: [...by].map(([op, n]) => `${op} ${n}`).join(', ') };
}

async function requestsPerCall(): Promise<string[]> {
  const fake = await startFakeDigitalOcean({ token: TOKEN, rateLimit: false, dropletLimit: 1000, bootDelayMs: 200, ipDelayMs: 0, actionDelayMs: 50 });
  try {
    for (let i = 0; i < DROPLETS; i++) fake.seedDroplet({ name: `bench-${i}`, tags: [MANAGED] });
    const provider = createDigitalOceanProvider({ token: TOKEN, endpoint: fake.endpoint, rateLimit: UNREACHED_BUDGET, readinessPoll: { firstMs: 100, intervalMs: 100 }, operationPollMs: 25 });
    const rows: Array<[string, { total: number; by: string }, string]> = [];
    const spec = { size: 'small' as const, sshKeys: ['stagely-test'] };
    rows.push(['validateSpec, cold catalogue (with an SSH key)', await counted(fake, () => provider.validateSpec(spec)), '4 reads (regions, sizes, images, keys): the same checks need them']);
    let id = '';
    rows.push(['createInstance, catalogue already read (with an SSH key)', await counted(fake, async () => (id = (await provider.createInstance(spec)).id)), '2 (keys, create); 1 without keys']);
    rows.push(['createInstance, no SSH key', await counted(fake, () => provider.createInstance({ size: 'small' })), '1 (create)']);
    rows.push(['getInstance', await counted(fake, () => provider.getInstance(id)), '1']);
    rows.push([`listInstances (${DROPLETS + 2} managed)`, await counted(fake, () => provider.listInstances()), '1 (per_page 200)']);
    rows.push(['waitUntilReady (boot 200 ms)', await counted(fake, () => provider.waitUntilReady(id)), '1 once ready (polls before that)']);
    rows.push(['createSnapshot (action 50 ms)', await counted(fake, () => provider.createSnapshot(id, 'bench-snap')), '3 + polls (post, action, list droplet snapshots)']);
    rows.push(['terminateInstance', await counted(fake, () => provider.terminateInstance(id)), '1']);
    const made = await provisionInstance(provider, { size: 'small' }, { timeoutMs: 5000 }).then((i) => i.id);
    rows.push(['terminateInstance of a terminating Droplet', await counted(fake, async () => { await provider.terminateInstance(made); await provider.terminateInstance(made); }), '2 (two deletes)']);
    return [
      '| provider call | requests | by operation | fewest the API needs |',
      '| --- | ---: | --- | --- |',
      ...rows.map(([what, c, minimum]) => `| ${what} | ${c.total} | ${c.by} | ${minimum} |`),
    ];
  } finally {
    await fake.close();
  }
}

interface ChildResult {
  wallMs: number;
  inProcessMs: number;
  maxRssMiB: number;
}

const REPORT = `console.log(JSON.stringify({ t: performance.now(), rss: process.resourceUsage().maxRSS }));`;
const COLD_STARTS: Array<{ label: string; code: string }> = [
  { label: 'empty Node process (reference)', code: REPORT },
  { label: 'core alone (createRegistry, reference)', code: `import { createRegistry } from '@stagely/provider-core'; createRegistry(); ${REPORT}` },
  {
    label: 'this provider through the registry',
    code:
      `import { createRegistry } from '@stagely/provider-core';` +
      // The importer resolves from here (bench/), as an application's own would: pnpm does not hoist.
      `const p = await createRegistry({ importer: (s) => import(s) }).get('digitalocean', { token: 'cold-start-token', endpoint: 'http://127.0.0.1:9/v2' });` +
      `if (p.name !== 'digitalocean') throw new Error('not loaded'); ${REPORT}`,
  },
  {
    label: 'dots-wrapper alone (import + createApiClient)',
    code: `import { createApiClient } from 'dots-wrapper'; createApiClient({ token: 'cold-start-token' }); ${REPORT}`,
  },
];

function child(code: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const proc = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: import.meta.dirname, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    proc.on('error', reject);
    proc.on('close', (status) => {
      const wallMs = performance.now() - started;
      if (status !== 0) return reject(new Error(`child failed (${status}): ${err}`));
      const { t, rss } = JSON.parse(out.trim().split('\n').pop()!) as { t: number; rss: number };
      resolve({ wallMs, inProcessMs: t, maxRssMiB: rss / 1024 });
    });
  });
}

async function coldStart(): Promise<string[]> {
  const results = COLD_STARTS.map(() => [] as ChildResult[]);
  for (let run = 0; run < RUNS + 1; run++) {
    for (const [i, { code }] of COLD_STARTS.entries()) {
      const result = await child(code);
      if (run > 0) results[i]!.push(result); // the first round warms the disk cache
    }
  }
  const lines = [
    '| process | wall time, spawn to exit (median) | in-process time at the end (median) | peak RSS (median) |',
    '| --- | ---: | ---: | ---: |',
  ];
  for (const [i, { label }] of COLD_STARTS.entries()) {
    const r = results[i]!;
    lines.push(`| ${label} | ${ms(median(r.map((x) => x.wallMs)))} | ${ms(median(r.map((x) => x.inProcessMs)))} | ${median(r.map((x) => x.maxRssMiB)).toFixed(1)} MiB |`);
  }
  const provider = results[2]!;
  const direct = results[3]!;
  lines.push(
    '',
    `provider vs dots-wrapper alone: wall x${(median(provider.map((x) => x.wallMs)) / median(direct.map((x) => x.wallMs))).toFixed(2)}, ` +
      `peak RSS x${(median(provider.map((x) => x.maxRssMiB)) / median(direct.map((x) => x.maxRssMiB))).toFixed(2)}`,
  );
  return lines;
}

console.log(`DigitalOcean provider overhead, requests and cold start, Node ${process.version}, ${platform()} ${release()}, ${cpus().length} CPUs`);
console.log(`\n### Overhead on the fake API (${WARMUP} warm-up rounds, then alternating)\n`);
console.log((await overhead()).join('\n'));
console.log('\n### Requests per provider call (counted by the fake)\n');
console.log((await requestsPerCall()).join('\n'));
console.log(`\n### Cold start (${RUNS} runs each after one warm-up round, interleaved)\n`);
console.log((await coldStart()).join('\n'));
console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
