/**
 * Hetzner provider overhead and cold start.
 *
 * 1. Overhead: `getInstance` and listing 100 servers through @stagely/provider-hetzner against the same
 *    calls made with hcloud-js directly, on the same fake Hetzner API (loopback HTTP, no rate limit,
 *    pages of 50 as Hetzner serves them). Calls alternate between the two clients (ABAB, order swapped
 *    every round) after a warm-up; the figure is the ratio of the medians.
 *    What the provider adds per call: core's withRetry, an AsyncLocalStorage context, zod parsing of the
 *    raw response and the mapping to the contract's Instance; hcloud-js builds its own model classes.
 * 2. Cold start: separate Node processes that (a) load only this provider through core's registry and
 *    create it, (b) import hcloud-js alone and create its Client, plus two references, (c) an empty
 *    process and (d) core alone. Wall time is measured by the parent from spawn to exit; "in-process"
 *    is `performance.now()` at the end of the child (time since the process started); RSS is the
 *    child's peak resident set (`process.resourceUsage().maxRSS`). Medians over `--runs`, interleaved.
 *
 *   pnpm --filter @stagely/provider-hetzner build
 *   pnpm --filter @stagely/bench run bench hetzner
 *   node run-all.mjs hetzner -- --calls 400 --runs 15
 */
import { cpus, loadavg, platform, release } from 'node:os';
import { parseArgs } from 'node:util';
import { createHetznerProvider } from '@stagely/provider-hetzner';
import { startFakeHetzner } from '@stagely/provider-hetzner/testing';
import hcloud from 'hcloud-js';
import { coldStartTable, median, paired, ratioRow, REPORT } from './support/measure.js';

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

const TOKEN = 'bench-hetzner-token';
const SERVERS = 100;

async function overhead(): Promise<string[]> {
  const fake = await startFakeHetzner({ token: TOKEN, rateLimit: false, maxPerPage: 50 });
  try {
    for (let i = 0; i < SERVERS; i++) fake.seedServer({ name: `bench-${i}`, labels: { 'managed-by': 'stagely', bench: 'list' } });
    const target = fake.servers()[0]!.id;

    const provider = createHetznerProvider({ token: TOKEN, endpoint: fake.endpoint });
    const client = new hcloud.Client({ token: TOKEN, baseURL: `${fake.endpoint}/` });

    // Both clients must see the same thing, or the comparison is meaningless.
    const [mine, theirs] = [await provider.listInstances(), await listAllDirect(client)];
    if (mine.length !== SERVERS || theirs !== SERVERS) throw new Error(`expected ${SERVERS} servers from both, got ${mine.length} and ${theirs}`);

    const get = await paired(CALLS, WARMUP, () => provider.getInstance(String(target)), () => directGet(client, target));
    const list = await paired(LISTS, WARMUP, () => provider.listInstances(), () => listAllDirect(client));
    return [
      '| call | calls each | provider (median) | hcloud-js direct (median) | ratio of medians | difference |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ratioRow('getInstance / servers.get', CALLS, get),
      ratioRow(`list ${SERVERS} servers (2 pages of 50)`, LISTS, list),
    ];
  } finally {
    await fake.close();
  }
}

/** hcloud-js' own calls have no types; these are the two used here. */
interface DirectClient {
  servers: {
    get(id: number): Promise<unknown>;
    list(params: Record<string, unknown>): Promise<DirectPage>;
  };
}
interface DirectPage {
  servers: unknown[];
  nextPage: number | null;
  next(): Promise<DirectPage>;
}

function directGet(client: unknown, id: number): Promise<unknown> {
  return (client as DirectClient).servers.get(id);
}

async function listAllDirect(client: unknown): Promise<number> {
  let page = await (client as DirectClient).servers.list({ labelSelector: 'managed-by==stagely', perPage: 50 });
  let count = page.servers.length;
  while (page.nextPage) {
    page = await page.next();
    count += page.servers.length;
  }
  return count;
}

const COLD_STARTS: Array<{ label: string; code: string }> = [
  { label: 'empty Node process (reference)', code: REPORT },
  { label: 'core alone (createRegistry, reference)', code: `import { createRegistry } from '@stagely/provider-core'; createRegistry(); ${REPORT}` },
  {
    label: 'this provider through the registry',
    code:
      `import { createRegistry } from '@stagely/provider-core';` +
      // The importer resolves from here (bench/), as an application's own would: pnpm does not hoist.
      `const p = await createRegistry({ importer: (s) => import(s) }).get('hetzner', { token: 'cold-start-token', endpoint: 'http://127.0.0.1:9/v1' });` +
      `if (p.name !== 'hetzner') throw new Error('not loaded'); ${REPORT}`,
  },
  {
    label: 'hcloud-js alone (import + new Client)',
    code: `import hcloud from 'hcloud-js'; new hcloud.Client({ token: 'cold-start-token' }); ${REPORT}`,
  },
];

async function coldStart(): Promise<string[]> {
  const { lines, results } = await coldStartTable(COLD_STARTS, RUNS, import.meta.dirname);
  const provider = results[2]!;
  const direct = results[3]!;
  lines.push(
    '',
    `provider vs hcloud-js alone: wall x${(median(provider.map((x) => x.wallMs)) / median(direct.map((x) => x.wallMs))).toFixed(2)}, ` +
      `peak RSS x${(median(provider.map((x) => x.maxRssMiB)) / median(direct.map((x) => x.maxRssMiB))).toFixed(2)}`,
  );
  return lines;
}

console.log(`Hetzner provider overhead and cold start, Node ${process.version}, ${platform()} ${release()}, ${cpus().length} CPUs`);
console.log(`\n## Overhead on the fake API (${WARMUP} warm-up rounds, then alternating)\n`);
console.log((await overhead()).join('\n'));
console.log(`\n## Cold start (${RUNS} runs each after one warm-up round, interleaved)\n`);
console.log((await coldStart()).join('\n'));
console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
