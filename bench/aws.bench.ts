/**
 * AWS provider overhead and requests per call (cold start: cold-start.bench.ts).
 *
 * 1. Overhead: `getInstance` and listing 100 instances through @stagely/provider-aws against the same
 *    calls made with EC2Client directly, on the same fake EC2 (loopback HTTP, SigV4, no rate limit,
 *    pages of 50). Calls alternate between the two (ABAB, order swapped every round) after a
 *    warm-up; the figure is the ratio of the medians. What the provider adds per call: id and filter
 *    checks, core's withRetry, the request event, mapping to the contract's Instance.
 * 2. Requests per provider call, counted by the fake: what each contract call costs in EC2 requests,
 *    the first time (catalogue reads) and once its reads are cached.
 *
 *   pnpm --filter @stagely/provider-aws... build
 *   cd bench && node run-all.mjs aws                 # defaults: --calls 300 --lists 100 --warmup 30
 */
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { createAwsProvider } from '@stagely/provider-aws';
import { FAKE_EC2_CREDENTIALS, startFakeEc2, type FakeEc2 } from '@stagely/provider-aws/testing';
import { cpus, loadavg, platform, release } from 'node:os';
import { parseArgs } from 'node:util';
import { paired, ratioRow } from './support/measure.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '300' },
    lists: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '30' },
  },
});
const CALLS = Number(values.calls);
const LISTS = Number(values.lists);
const WARMUP = Number(values.warmup);
for (const [name, value] of Object.entries({ calls: CALLS, lists: LISTS, warmup: WARMUP })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${String(value)}`);
}
const INSTANCES = 100;
const credentials = { ...FAKE_EC2_CREDENTIALS };

async function listAllDirect(client: EC2Client): Promise<number> {
  let count = 0;
  let token: string | undefined;
  do {
    const page = await client.send(
      new DescribeInstancesCommand({
        Filters: [{ Name: 'tag:managed-by', Values: ['stagely'] }, { Name: 'instance-state-name', Values: ['pending', 'running', 'shutting-down', 'stopping', 'stopped'] }],
        MaxResults: 1000,
        NextToken: token,
      }),
    );
    for (const r of page.Reservations ?? []) count += r.Instances?.length ?? 0;
    token = page.NextToken;
  } while (token);
  return count;
}

async function overhead(fake: FakeEc2): Promise<string[]> {
  for (let i = 0; i < INSTANCES; i++) fake.seedInstance({ tags: { 'managed-by': 'stagely', Name: `bench-${i}`, bench: 'list' } });
  const target = fake.instances()[0]!.instanceId;
  const provider = createAwsProvider({ ...credentials, endpoint: fake.endpoint, region: 'us-east-1' });
  const client = new EC2Client({ region: 'us-east-1', endpoint: fake.endpoint, credentials: { ...credentials }, maxAttempts: 1 });
  try {
    const [mine, theirs] = [await provider.listInstances(), await listAllDirect(client)];
    if (mine.length !== INSTANCES || theirs !== INSTANCES) throw new Error(`expected ${INSTANCES} instances from both, got ${mine.length} and ${theirs}`);
    const get = await paired(CALLS, WARMUP, () => provider.getInstance(target), () => client.send(new DescribeInstancesCommand({ InstanceIds: [target] })));
    const list = await paired(LISTS, WARMUP, () => provider.listInstances(), () => listAllDirect(client));
    return [
      '| call | calls each | provider (median) | EC2Client direct (median) | ratio of medians | difference |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ratioRow('getInstance / DescribeInstances (1 id)', CALLS, get),
      ratioRow(`list ${INSTANCES} instances (2 pages of 50)`, LISTS, list),
    ];
  } finally {
    client.destroy();
  }
}

async function requestsPerCall(fake: FakeEc2): Promise<string[]> {
  const provider = createAwsProvider({ ...credentials, endpoint: fake.endpoint, region: 'us-east-1', readinessPoll: { firstMs: 5, maxIntervalMs: 20 }, operationPollMs: 5 });
  const count = async (what: string, call: () => Promise<unknown>): Promise<string> => {
    fake.http.clearLog();
    await call();
    const byAction = new Map<string, number>();
    for (const entry of fake.http.log) byAction.set(entry.operation ?? '?', (byAction.get(entry.operation ?? '?') ?? 0) + 1);
    const detail = [...byAction].map(([action, n]) => `${action} ${n}`).join(', ');
    return `| ${what} | ${fake.http.log.length} | ${detail} |`;
  };
  const spec = { size: 'small' as const, sshKeys: ['stagely-test'], tags: { bench: 'requests' } };
  const rows = ['| provider call | EC2 requests | by action |', '| --- | ---: | --- |'];
  rows.push(await count('validateSpec (first: catalogue read)', () => provider.validateSpec(spec)));
  rows.push(await count('validateSpec (catalogue cached)', () => provider.validateSpec(spec)));
  let id = '';
  rows.push(await count('createInstance (catalogue cached)', async () => (id = (await provider.createInstance(spec)).id)));
  rows.push(await count('waitUntilReady (boot 50 ms)', () => provider.waitUntilReady(id, { timeoutMs: 10_000 })));
  rows.push(await count('getInstance', () => provider.getInstance(id)));
  rows.push(await count(`listInstances (${INSTANCES + 1} instances, pages of 50)`, () => provider.listInstances()));
  let snapshot = '';
  rows.push(await count('createSnapshot (AMI ready after 20 ms)', async () => (snapshot = (await provider.createSnapshot(id, 'bench-snapshot')).id)));
  rows.push(await count('deleteSnapshot (AMI + its EBS snapshot)', () => provider.deleteSnapshot(snapshot)));
  rows.push(await count('terminateInstance', () => provider.terminateInstance(id)));
  rows.push(await count('validateCredentials', () => provider.validateCredentials()));
  return rows;
}

console.log(`AWS provider overhead and requests per call, Node ${process.version}, ${platform()} ${release()}, ${cpus().length} CPUs`);
const fake = await startFakeEc2({ credentials: [credentials], maxPageSize: 50, bootDelayMs: 50, imageDelayMs: 20 });
try {
  console.log(`\n## Overhead on the fake EC2 (${WARMUP} warm-up rounds, then alternating)\n`);
  console.log((await overhead(fake)).join('\n'));
  console.log(`\n## EC2 requests per provider call (counted by the fake)\n`);
  console.log((await requestsPerCall(fake)).join('\n'));
} finally {
  await fake.close();
}
console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
