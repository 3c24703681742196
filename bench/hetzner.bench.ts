/**
 * Hetzner provider overhead (cold start: cold-start.bench.ts).
 *
 * 1. Overhead: `getInstance` and listing 100 servers through @stagely/provider-hetzner against the same
 *    calls made with hcloud-js directly, on the same fake Hetzner API (loopback HTTP, no rate limit,
 *    pages of 50 as Hetzner serves them). Calls alternate between the two clients (ABAB, order swapped
 *    every round) after a warm-up; the figure is the ratio of the medians.
 *    What the provider adds per call: core's withRetry, an AsyncLocalStorage context, valibot parsing of the
 *    raw response and the mapping to the contract's Instance; hcloud-js builds its own model classes.
 *
 *   pnpm --filter @stagely/provider-hetzner build
 *   pnpm --filter @stagely/bench run bench hetzner
 *   node run-all.mjs hetzner -- --calls 400
 */
import { cpus, loadavg, platform, release } from 'node:os';
import { parseArgs } from 'node:util';
import { createHetznerProvider } from '@stagely/provider-hetzner';
import { startFakeHetzner } from '@stagely/provider-hetzner/testing';
import hcloud from 'hcloud-js';
import { paired, ratioRow } from './support/measure.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '400' },
    lists: { type: 'string', default: '150' },
    warmup: { type: 'string', default: '40' },
  },
});
const CALLS = Number(values.calls);
const LISTS = Number(values.lists);
const WARMUP = Number(values.warmup);
for (const [name, value] of Object.entries({ calls: CALLS, lists: LISTS, warmup: WARMUP })) {
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

console.log(`Hetzner provider overhead, Node ${process.version}, ${platform()} ${release()}, ${cpus().length} CPUs`);
console.log(`\n## Overhead on the fake API (${WARMUP} warm-up rounds, then alternating)\n`);
console.log((await overhead()).join('\n'));
console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
