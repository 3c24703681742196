/**
 * `--version` and `--help` stay close to bare Node: the program's definition loads commander and
 * the CLI's own definitions, never core, a provider, zod, yaml or listr2 (each command's body loads
 * them when it runs). Module loads are listed by a loader hook (test/fixtures/log-loads.mjs); the
 * time it takes is measured, not asserted (see the README's development notes).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ARCHITECTURES as CORE_ARCHITECTURES, SIZES as CORE_SIZES } from '@stagely/provider-core';
import { ARCHITECTURES, SIZES } from '../src/cli/arguments.js';
import { BIN } from './helpers/cli.js';

const HOOK = join(import.meta.dirname, 'fixtures', 'log-loads.mjs');
const HEAVY = /@stagely\/provider-|provider-core|provider-mock|\/zod\/|\/yaml\/|\/listr2\/|\/picocolors\/|\/p-limit\//;
const dir = mkdtempSync(join(tmpdir(), 'stagely-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function loadsOf(args: string[], name: string): Promise<string[]> {
  const log = join(dir, `${name}.log`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', HOOK, BIN, ...args], {
      cwd: dir,
      env: { ...process.env, STAGELY_LOG_LOADS: log },
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`stagely ${args.join(' ')} exited ${code}`))));
  });
  return readFileSync(log, 'utf8').trim().split('\n');
}

describe('startup', () => {
  it('--version and --help load neither core, nor a provider, nor the libraries of the commands', async () => {
    for (const [name, args] of [['version', ['--version']], ['help', ['--help']], ['plan-help', ['plan', '--help']]] as const) {
      const loads = await loadsOf([...args], name);
      expect(loads.some((url) => url.includes('commander')), name).toBe(true);
      expect(loads.filter((url) => HEAVY.test(url)), name).toEqual([]);
    }
  });

  it("the option parsers, which do not load core, know core's sizes and architectures", () => {
    expect(SIZES).toEqual(CORE_SIZES);
    expect(ARCHITECTURES).toEqual(CORE_ARCHITECTURES);
  });

  it('a command loads what it needs when it runs', async () => {
    const loads = await loadsOf(['providers', '--json'], 'providers');
    expect(loads.some((url) => url.includes('provider-core'))).toBe(true);
  });
});
