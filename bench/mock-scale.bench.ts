/**
 * How the mock's state file scales through the CLI: `stagely list` of 0 and of many mock instances,
 * and `stagely plan` of thousands of hosts against as many instances, each a fresh process of the
 * built CLI (`packages/cli/dist/bin.js`) on a state file written for the run. What is measured is
 * what a user waits for: Node's start, loading the CLI, reading the state, listing, planning, output.
 *
 *   pnpm --filter @stagely/cli... build
 *   pnpm --filter @stagely/bench exec tsx mock-scale.bench.ts
 *
 * Wall time is what a user waits for; CPU time (user + system of the child, Linux) is the steadier figure
 * on a shared machine. Options: `--runs 7` (per case; medians), `--list 0,700,2000` (instances for `list`), `--plan 10000`
 * (hosts = instances for `plan`), `--baseline <bin.js>`: the same cases against another build of the
 * CLI (for example one of main before a change) in a column of its own, `--baseline-runs 1` (its
 * runs per case, since an old build may take minutes).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createSpecFor, type HostSpec } from '@stagely/provider-core';
import type { MockState, StoredInstance } from '@stagely/provider-mock';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    list: { type: 'string', default: '0,700,2000' },
    plan: { type: 'string', default: '10000' },
    baseline: { type: 'string' },
    'baseline-runs': { type: 'string', default: '1' },
  },
});
const RUNS = Number(values.runs);
const BASELINE_RUNS = Number(values['baseline-runs']);
const LIST_SIZES = values.list.split(',').filter(Boolean).map(Number);
const PLAN_SIZES = values.plan.split(',').filter(Boolean).map(Number);
const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'cli', 'dist', 'bin.js');
const ENVIRONMENT = 'scale';
const REGION = 'mock-1';
const CREATED_AT = Date.UTC(2026, 0, 1);

/** Hosts of the plan case: a few roles and sizes, as a real file would have. */
function hosts(n: number): HostSpec[] {
  const roles = ['web', 'api', 'worker', 'db'];
  return Array.from({ length: n }, (_, i) => ({ name: `h${String(i).padStart(5, '0')}`, role: roles[i % roles.length]!, size: 'small' }));
}

/** An instance as the mock stores it, booted long ago; `tags` without managed-by. */
function stored(i: number, name: string, tags: Record<string, string>): StoredInstance {
  return {
    id: `mock-${i + 1}`,
    name,
    region: REGION,
    type: 'm1.small',
    architecture: 'amd64',
    spot: false,
    tags: { ...tags, 'managed-by': 'stagely' },
    image: 'ubuntu-24.04-amd64',
    sshKeys: [],
    userData: null,
    // Documentation addresses; reading a state file does not check that they are unique.
    publicIp: `2001:db8::${(i + 1).toString(16)}`,
    privateIp: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    createdAt: CREATED_AT,
    bootDelayMs: 0,
    ipDelayMs: 0,
    terminatedAt: null,
    warnings: [],
  };
}

function stateOf(instances: StoredInstance[]): MockState {
  return { version: 1, nextInstance: instances.length + 1, nextSnapshot: 1, ipCursor: 0, instances, snapshots: [] };
}

/** A project directory: stagely.yml (with `hosts` in one environment) and the mock's state file. */
function project(hostList: HostSpec[], instances: StoredInstance[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'stagely-mock-scale-'));
  const lines = ['provider:', '  name: mock', '  config:', `    region: ${REGION}`, 'defaults:', '  size: small', 'environments:', `  ${ENVIRONMENT}:`];
  lines.push(hostList.length === 0 ? '    hosts: {}' : '    hosts:');
  for (const host of hostList) lines.push(`      ${host.name}: { role: ${host.role} }`);
  writeFileSync(join(dir, 'stagely.yml'), `${lines.join('\n')}\n`);
  mkdirSync(join(dir, '.stagely'));
  writeFileSync(join(dir, '.stagely', 'mock-state.json'), `${JSON.stringify(stateOf(instances))}\n`); // as the mock writes it
  return dir;
}

interface Case {
  label: string;
  args: string[];
  dir: string;
  /** Checks the output, so that a run that failed is not timed as a fast one. */
  check: (stdout: string) => string;
}

function listCase(n: number): Case {
  const instances = Array.from({ length: n }, (_, i) => stored(i, `i${i}`, { team: `t${i % 7}` }));
  return {
    label: `list, ${n} instances`,
    args: ['list', '--json'],
    dir: project([], instances),
    check: (stdout) => {
      const count = (JSON.parse(stdout) as { instances: unknown[] }).instances.length;
      if (count !== n) throw new Error(`list returned ${count} instances, expected ${n}`);
      return `${count} listed`;
    },
  };
}

function planCase(n: number): Case {
  const hostList = hosts(n);
  const instances = hostList.map((host, i) => {
    const spec = createSpecFor(ENVIRONMENT, host, REGION);
    return stored(i, spec.name, spec.tags);
  });
  return {
    label: `plan, ${n} hosts = instances`,
    args: ['plan', ENVIRONMENT, '--json'],
    dir: project(hostList, instances),
    check: (stdout) => {
      const plan = JSON.parse(stdout) as { plan?: Record<string, unknown[]> } & Record<string, unknown[]>;
      const p = plan.plan ?? plan;
      const [create, del, keep, conflicts] = ['create', 'delete', 'keep', 'conflicts'].map((k) => p[k]?.length ?? 0);
      if (create! + keep! + conflicts! !== n) throw new Error(`plan covered ${create! + keep! + conflicts!} hosts, expected ${n}`);
      return `${create} / ${del} / ${keep} / ${conflicts}`;
    },
  };
}

/**
 * CPU time (user + system, ms) of this process's finished children, from /proc (Linux): unlike wall
 * time it hardly changes with the load of a shared machine. Undefined elsewhere.
 */
function childrenCpuMs(): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 of stat(5), cutime and cstime, in clock ticks (100 a second on Linux).
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** Wall and CPU time of one run of `bin` on `c`, in ms, with what its output said. */
function runOnce(bin: string, c: Case): { ms: number; cpuMs: number | undefined; outcome: string } {
  const cpuBefore = childrenCpuMs();
  const started = performance.now();
  const result = spawnSync(process.execPath, [bin, ...c.args], { cwd: c.dir, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: '1' } });
  const ms = performance.now() - started;
  const cpuAfter = childrenCpuMs();
  if (result.status !== 0 && result.status !== 5) {
    throw new Error(`${c.label}: exit ${result.status}\n${result.stderr.slice(0, 2000)}`);
  }
  const cpuMs = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
  return { ms, cpuMs, outcome: c.check(result.stdout) };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

interface Row {
  label: string;
  ms: number;
  cpuMs: number | undefined;
  outcome: string;
  baselineMs?: number;
  baselineCpuMs?: number | undefined;
}

const medianOrUndefined = (xs: Array<number | undefined>) => (xs.every((x) => x !== undefined) ? median(xs as number[]) : undefined);

const cases = [...LIST_SIZES.map(listCase), ...PLAN_SIZES.map(planCase)];
const rows: Row[] = [];
try {
  for (const c of cases) {
    runOnce(BIN, c); // warm-up: the file system cache, the compile cache
    const runs = Array.from({ length: RUNS }, () => runOnce(BIN, c));
    const row: Row = { label: c.label, ms: median(runs.map((r) => r.ms)), cpuMs: medianOrUndefined(runs.map((r) => r.cpuMs)), outcome: runs[0]!.outcome };
    if (values.baseline) {
      const baseline = Array.from({ length: BASELINE_RUNS }, () => runOnce(values.baseline!, c));
      row.baselineMs = median(baseline.map((r) => r.ms));
      row.baselineCpuMs = medianOrUndefined(baseline.map((r) => r.cpuMs));
    }
    rows.push(row);
  }
} finally {
  for (const c of cases) rmSync(c.dir, { recursive: true, force: true });
}

const none = rows.find((r) => r.label === 'list, 0 instances');
console.log(
  `mock state file through the CLI, Node ${process.version}, ${cpus().length} CPUs (load average ${loadavg()[0]!.toFixed(1)} at the end), ` +
    `median of ${RUNS} runs after a warm-up${values.baseline ? `; baseline: median of ${BASELINE_RUNS}` : ''}\n`,
);
const seconds = (ms: number | undefined) => (ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);
const ratio = (ms: number | undefined, of: number | undefined) => (ms === undefined || !of ? 'n/a' : `x${(ms / of).toFixed(2)}`);
const baselineHead = values.baseline ? ' baseline wall | baseline CPU | baseline CPU vs list of none |' : '';
console.log(`| case | wall | CPU | CPU vs list of none |${baselineHead} create / delete / keep / conflicts, or listed |`);
console.log(`| --- | ---: | ---: | ---: |${values.baseline ? ' ---: | ---: | ---: |' : ''} --- |`);
for (const r of rows) {
  const baseline = values.baseline
    ? ` ${seconds(r.baselineMs)} | ${seconds(r.baselineCpuMs)} | ${ratio(r.baselineCpuMs, none?.baselineCpuMs)} |`
    : '';
  console.log(`| ${r.label} | ${seconds(r.ms)} | ${seconds(r.cpuMs)} | ${ratio(r.cpuMs, none?.cpuMs)} |${baseline} ${r.outcome} |`);
}
