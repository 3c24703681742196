/**
 * A large fleet on the mock with a state file, in a process of its own (so that its peak RSS is its
 * own): plan + apply of `--hosts` hosts, then plan + apply of the empty environment. Prints one JSON
 * line: wall and CPU time of each phase, the state file's size once applied, failed hosts, peak RSS.
 *
 *   node --import tsx support/mock-fleet-scale.ts --hosts 10000 --boot-ms 1000 --concurrency 4
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { apply, ApplyError, createRegistry, plan, type HostSpec } from '@stagely/provider-core';
import { fleetHosts } from './fleet-run.js';

const { values } = parseArgs({ options: { hosts: { type: 'string' }, 'boot-ms': { type: 'string' }, concurrency: { type: 'string' } } });
const HOSTS = Number(values.hosts);
const BOOT_MS = Number(values['boot-ms']);
const CONCURRENCY = Number(values.concurrency);

const dir = mkdtempSync(join(tmpdir(), 'stagely-fleet-'));
const stateFile = join(dir, 'mock-state.json');
try {
  const provider = await createRegistry({ importer: (s) => import(s) }).get('mock', { bootDelayMs: BOOT_MS, stateFile });
  const phase = async (hosts: HostSpec[]) => {
    const cpu = process.cpuUsage();
    const started = performance.now();
    let failed = 0;
    try {
      await apply(provider, await plan(provider, { environment: 'fleet', hosts }), { concurrency: CONCURRENCY });
    } catch (error) {
      if (!(error instanceof ApplyError)) throw error;
      failed = error.failed.length;
    }
    const used = process.cpuUsage(cpu);
    return { wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000, failed };
  };
  const applied = await phase(fleetHosts(HOSTS));
  const stateBytes = statSync(stateFile).size;
  const destroyed = await phase([]);
  const left = (await provider.listInstances({ tags: { 'stagely-env': 'fleet' } })).filter((i) => i.state !== 'terminated' && i.state !== 'terminating').length;
  console.log(JSON.stringify({ applied, destroyed, stateBytes, left, maxRssKiB: process.resourceUsage().maxRSS }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
