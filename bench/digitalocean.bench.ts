/**
 * DigitalOcean provider overhead and requests per call (cold start: cold-start.bench.ts).
 *
 * 1. Overhead: `getInstance` and listing 100 Droplets through @stagely/provider-digitalocean against
 *    the same calls made with dots-wrapper directly, on the same fake DigitalOcean API (loopback
 *    HTTP, no rate limit, DigitalOcean's page size of 200). The provider's client-side limiter runs
 *    with a budget the run never reaches. Calls alternate between the two clients (ABAB, order
 *    swapped every round) after a warm-up; the figure is the ratio of the medians.
 * 2. Requests per provider call, counted in the fake's request log, against the fewest requests the
 *    DigitalOcean API needs for the same result.
 *
 *   pnpm --filter @stagely/provider-digitalocean build
 *   cd bench && node run-all.mjs digitalocean -- --calls 400 --lists 150
 */
import { cpus, loadavg, platform, release } from 'node:os';
import { parseArgs } from 'node:util';
import { provisionInstance } from '@stagely/provider-core';
import { createDigitalOceanProvider } from '@stagely/provider-digitalocean';
import { startFakeDigitalOcean, type FakeDigitalOcean } from '@stagely/provider-digitalocean/testing';
import { createApiClient } from 'dots-wrapper';
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

const TOKEN = 'bench-digitalocean-token';
const DROPLETS = 100;
const MANAGED = 'managed-by:stagely';
const UNREACHED_BUDGET = { requests: 1_000_000_000, windowMs: 1000 };

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

    const get = await paired(CALLS, WARMUP, () => provider.getInstance(String(target)), () => client.droplet.getDroplet({ droplet_id: target }));
    const list = await paired(LISTS, WARMUP, () => provider.listInstances(), () => client.droplet.listDroplets({ tag_name: MANAGED, per_page: 200 }));
    return [
      '| call | calls each | provider (median) | dots-wrapper direct (median) | ratio of medians | difference |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ratioRow('getInstance / droplet.getDroplet', CALLS, get),
      ratioRow(`list ${DROPLETS} droplets (1 page of 200)`, LISTS, list),
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

console.log(`DigitalOcean provider overhead and requests, Node ${process.version}, ${platform()} ${release()}, ${cpus().length} CPUs`);
console.log(`\n### Overhead on the fake API (${WARMUP} warm-up rounds, then alternating)\n`);
console.log((await overhead()).join('\n'));
console.log('\n### Requests per provider call (counted by the fake)\n');
console.log((await requestsPerCall()).join('\n'));
console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
