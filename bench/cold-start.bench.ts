/**
 * Cold start, every provider: what loading one provider through core's registry costs against
 * importing that provider's SDK alone.
 *
 * Each row is a fresh Node process (an ES module given with `-e`, started in bench/ so that imports
 * resolve as an application's would): an empty process, core alone (`createRegistry()`), and per
 * provider (a) `createRegistry({ importer }).get(name, config)`, which imports the provider, validates
 * its config and creates it, and (b) the SDK alone: imported and its client made. AWS's pair also
 * makes one request each (to a closed loopback port), so that both load the SDK's lazily required
 * parts. The mock has no SDK: its figure stands alone. Wall time is measured by the parent from spawn
 * to exit; in-process time is `performance.now()` at the end of the child; CPU time is the child's
 * user + system time (all threads), the figure that other load on the machine moves least; peak RSS
 * is the child's `process.resourceUsage().maxRSS`. Medians over `--runs`, all processes interleaved round by round
 * after a warm-up round.
 *
 * `--baseline <dir>`: the bench/ directory of another checkout (built), whose processes run in the
 * same rounds, so that before and after are measured side by side.
 *
 *   pnpm --filter "@stagely/provider-*" build
 *   cd bench && node run-all.mjs cold-start -- --runs 15 [--baseline <other checkout>/bench]
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg, platform, release } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { coldStartMedians, coldStarts, ms, REPORT, type ChildResult, type ColdStartProcess } from './support/measure.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    baseline: { type: 'string' },
  },
});
const RUNS = Number(values.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`--runs must be a positive integer, got ${values.runs}`);
const BASELINE = values.baseline === undefined ? undefined : resolve(values.baseline);
if (BASELINE !== undefined && !existsSync(resolve(BASELINE, 'node_modules/@stagely/provider-core'))) {
  throw new Error(`--baseline ${BASELINE} is not a bench/ directory with its packages installed`);
}

const ENDPOINT = 'http://127.0.0.1:9';
const AWS_CREDENTIALS = `accessKeyId: 'AKIACOLDSTART0000001', secretAccessKey: 'cold'`;

/** A provider loaded through core's registry; the importer resolves from bench/, as an application's own would. */
const throughRegistry = (name: string, config: string, after = '') =>
  `import { createRegistry } from '@stagely/provider-core';` +
  `const p = await createRegistry({ importer: (s) => import(s) }).get('${name}', ${config});` +
  `if (p.name !== '${name}') throw new Error('not loaded'); ${after}`;

interface Provider {
  name: string;
  registry: string;
  /** What the SDK alone is measured doing, and the code that does it; none for the mock. */
  sdk?: { label: string; code: string };
}

const PROVIDERS: Provider[] = [
  {
    name: 'hetzner',
    registry: throughRegistry('hetzner', `{ token: 'cold-start-token', endpoint: '${ENDPOINT}/v1' }`),
    sdk: { label: 'hcloud-js (import + new Client)', code: `import hcloud from 'hcloud-js'; new hcloud.Client({ token: 'cold-start-token' });` },
  },
  {
    name: 'digitalocean',
    registry: throughRegistry('digitalocean', `{ token: 'cold-start-token', endpoint: '${ENDPOINT}/v2' }`),
    sdk: { label: 'dots-wrapper (import + createApiClient)', code: `import { createApiClient } from 'dots-wrapper'; createApiClient({ token: 'cold-start-token' });` },
  },
  {
    name: 'aws',
    registry: throughRegistry('aws', `{ ${AWS_CREDENTIALS}, endpoint: '${ENDPOINT}', retry: { maxAttempts: 1 } }`, `await p.validateCredentials().catch(() => {});`),
    sdk: {
      label: '@aws-sdk/client-ec2 (import + one command)',
      code:
        `import { EC2Client, DescribeAccountAttributesCommand } from '@aws-sdk/client-ec2';` +
        `const c = new EC2Client({ region: 'us-east-1', endpoint: '${ENDPOINT}', maxAttempts: 1, credentials: { ${AWS_CREDENTIALS} } });` +
        `await c.send(new DescribeAccountAttributesCommand({})).catch(() => {});`,
    },
  },
  { name: 'mock', registry: throughRegistry('mock', '{}') },
];

/** The processes of one checkout (its bench/ directory), keyed by what the tables look them up by. */
function processesOf(cwd: string, tag: string): Array<ColdStartProcess & { key: string }> {
  const out = [
    { key: 'empty', label: 'empty Node process', code: REPORT, cwd },
    { key: 'core', label: 'core alone (createRegistry)', code: `import { createRegistry } from '@stagely/provider-core'; createRegistry(); ${REPORT}`, cwd },
  ];
  for (const p of PROVIDERS) {
    out.push({ key: `${p.name}:registry`, label: `${p.name} through the registry`, code: `${p.registry} ${REPORT}`, cwd });
    if (p.sdk) out.push({ key: `${p.name}:sdk`, label: `${p.sdk.label}, alone`, code: `${p.sdk.code} ${REPORT}`, cwd });
  }
  return out.map((p) => ({ ...p, key: `${tag}${p.key}`, label: tag ? `${p.label} (${tag.slice(0, -1)})` : p.label }));
}

const current = processesOf(import.meta.dirname, '');
const baseline = BASELINE === undefined ? [] : processesOf(BASELINE, 'baseline:');
const all = [...current, ...baseline];
// Quiet the AWS SDK's Node-version notice and its instance-metadata look-up in every process alike.
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_EC2_METADATA_DISABLED: 'true' };
const results = await coldStarts(all, RUNS, env);
const medians = new Map<string, ChildResult>(all.map((p, i) => [p.key, coldStartMedians(results[i]!)]));
const at = (key: string): ChildResult => medians.get(key)!;

const pct = (a: number, b: number) => `${a >= b ? '+' : ''}${((a / b - 1) * 100).toFixed(1)}%`;

function processTable(processes: ReadonlyArray<ColdStartProcess & { key: string }>): string[] {
  const lines = ['| process | wall, spawn to exit | in-process at the end | CPU time | peak RSS |', '| --- | ---: | ---: | ---: | ---: |'];
  for (const p of processes) {
    const m = at(p.key);
    lines.push(`| ${p.label} | ${ms(m.wallMs)} | ${ms(m.inProcessMs)} | ${ms(m.cpuMs)} | ${m.maxRssMiB.toFixed(1)} MiB |`);
  }
  return lines;
}

/** Per provider: through the registry against its SDK alone (wall time), and what the registry adds. */
function ratioTable(tag: string): string[] {
  const empty = at(`${tag}empty`).wallMs;
  const core = at(`${tag}core`).wallMs;
  const lines = [
    '| provider | through the registry | SDK alone | ratio (wall) | registry adds (wall) | ratio (in-process) | ratio (CPU time) | peak RSS ratio |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const p of PROVIDERS) {
    const reg = at(`${tag}${p.name}:registry`);
    if (!p.sdk) {
      lines.push(`| ${p.name} (no SDK) | ${ms(reg.wallMs)} | - | - | ${ms(reg.wallMs - empty)} over an empty process (core alone adds ${ms(core - empty)}) | - | - | - |`);
      continue;
    }
    const sdk = at(`${tag}${p.name}:sdk`);
    lines.push(
      `| ${p.name} | ${ms(reg.wallMs)} | ${ms(sdk.wallMs)} | x${(reg.wallMs / sdk.wallMs).toFixed(2)} | ${pct(reg.wallMs, sdk.wallMs)} (${ms(reg.wallMs - sdk.wallMs)}) | ` +
        `x${(reg.inProcessMs / sdk.inProcessMs).toFixed(2)} | x${(reg.cpuMs / sdk.cpuMs).toFixed(2)} | x${(reg.maxRssMiB / sdk.maxRssMiB).toFixed(2)} |`,
    );
  }
  const cpu = (key: string) => at(`${tag}${key}`).cpuMs;
  lines.push(
    '',
    `core alone: ${ms(core)}, x${(core / empty).toFixed(2)} an empty process (${ms(empty)}); CPU time ${ms(cpu('core'))}, x${(cpu('core') / cpu('empty')).toFixed(2)} (${ms(cpu('empty'))}).`,
  );
  return lines;
}

console.log(`Cold start, every provider: Node ${process.version}, ${platform()} ${release()}, ${cpus().length} CPUs; ${RUNS} runs of each process after one warm-up round, interleaved`);
console.log(`\n## Processes${BASELINE ? ' (this checkout, then the baseline)' : ''}\n`);
console.log(processTable(all).join('\n'));
console.log('\n## Through the registry against the SDK alone\n');
console.log(ratioTable('').join('\n'));
if (BASELINE !== undefined) {
  console.log('\n## Baseline, measured in the same rounds\n');
  console.log(ratioTable('baseline:').join('\n'));
  console.log('\n## Before (baseline) and after (this checkout)\n');
  console.log('| process | wall before | wall after | change | CPU before | CPU after | change |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const p of current) {
    const [before, after] = [at(`baseline:${p.key}`), at(p.key)];
    console.log(
      `| ${p.label} | ${ms(before.wallMs)} | ${ms(after.wallMs)} | ${pct(after.wallMs, before.wallMs)} | ` +
        `${ms(before.cpuMs)} | ${ms(after.cpuMs)} | ${pct(after.cpuMs, before.cpuMs)} |`,
    );
  }
}
console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
