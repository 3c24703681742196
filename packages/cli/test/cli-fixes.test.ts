/**
 * Fixes found by trying the CLI as a new user would: a reader that closes the pipe, many hosts at
 * once, ids that do not exist, an empty file, the destroy summary, and `stagely init`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { STARTER_PROVIDERS, starterFile } from '../src/cli/starter.js';
import { BIN, MOCK_FILE, runToEnd, stagely, tempProjects } from './helpers/cli.js';

const tempProject = tempProjects();

/** Runs the bin with its stdout closed before it writes anything, as `stagely ... | head -0` would. */
const withClosedStdout = (args: string[], cwd: string) =>
  runToEnd(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, closeStdout: true });

describe('CLI fixes', () => {
  it('a closed stdout (stagely list | head -1) ends the command quietly', async () => {
    const { dir } = tempProject(MOCK_FILE);
    expect((await stagely(['apply', '--yes'], { cwd: dir })).code).toBe(0);
    for (const args of [['list'], ['--help'], ['plan', '--json']]) {
      const r = await withClosedStdout(args, dir);
      expect(r.stderr, args.join(' ')).toBe('');
      expect(r.code, args.join(' ')).toBe(0);
    }
  });

  it('apply --concurrency 16 prints no MaxListenersExceededWarning', async () => {
    const hosts = Array.from({ length: 16 }, (_, i) => `      h${i + 1}: {}`).join('\n');
    const { dir } = tempProject(`provider: { name: mock, config: { bootDelayMs: 50 } }\ndefaults: { size: small }\nenvironments:\n  many:\n    hosts:\n${hosts}\n`);
    const r = await stagely(['apply', '--yes', '--concurrency', '16'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/MaxListenersExceeded|memory leak/);
    expect(r.stdout).toContain('Applied many: 16 created, 0 deleted.');
  });

  it('wait and terminate of an unknown id say that no such instance exists', async () => {
    const { dir } = tempProject('provider: { config: { bootDelayMs: 20 } }');
    const waited = await stagely(['wait', 'mock-999'], { cwd: dir });
    expect(waited.code).toBe(6);
    expect(waited.stderr).toBe('NOT_FOUND: No instance mock-999 exists on mock\n');

    const terminated = await stagely(['terminate', 'mock-999'], { cwd: dir });
    expect(terminated.code).toBe(0);
    expect(terminated.stdout).toBe('no such instance mock-999: nothing to terminate\n');
    expect((await stagely(['terminate', 'mock-999', '--json'], { cwd: dir })).json()).toEqual({ terminated: [], missing: ['mock-999'], failed: [] });
  });

  it('an empty stagely.yml says the file is empty', async () => {
    for (const text of ['', '# nothing yet\n']) {
      const { dir } = tempProject(text);
      for (const command of ['plan', 'apply', 'destroy']) {
        const r = await stagely([command], { cwd: dir });
        expect(r.code, command).toBe(2);
        expect(r.stderr, command).toMatch(/^USAGE: stagely\.yml is empty: .*`stagely init`/);
      }
    }
  });

  it('destroy ends with a summary of deletions', async () => {
    const { dir } = tempProject(MOCK_FILE);
    expect((await stagely(['apply', '--yes'], { cwd: dir })).code).toBe(0);
    const destroyed = await stagely(['destroy', '--yes'], { cwd: dir });
    expect(destroyed.stdout).toMatch(/Destroyed demo: 2 instance\(s\) deleted\.\n$/);
    const again = await stagely(['destroy', '--yes'], { cwd: dir });
    expect(again.stdout).toMatch(/Nothing to destroy: environment demo has no instances\.\n$/);
  });

  it('without a file the hint points at stagely init, which writes a starter that plans and applies', async () => {
    const { dir } = tempProject();
    const missing = await stagely(['plan'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('`stagely init` writes a commented starter');
    expect(missing.stderr).not.toContain('examples/');

    const init = await stagely(['init'], { cwd: dir });
    expect(init.code).toBe(0);
    expect(readFileSync(join(dir, 'stagely.yml'), 'utf8')).toContain('name: mock');
    const again = await stagely(['init', 'hetzner'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('stagely.yml already exists');
    expect((await stagely(['plan'], { cwd: dir })).stdout).toContain('+ demo-web  create');

    expect((await stagely(['init', 'hetzner', '--file', 'h.yml'], { cwd: dir })).code).toBe(0);
    expect(readFileSync(join(dir, 'h.yml'), 'utf8')).toContain('token_env: HCLOUD_TOKEN');
    expect((await stagely(['init', 'hetzner', '--force'], { cwd: dir })).code).toBe(0);
  });

  it('every starter file is a valid stagely.yml naming its provider', () => {
    for (const provider of [...STARTER_PROVIDERS, '@stagely/provider-hetzner', '@acme/widget', 'acme']) {
      const loaded = parseConfig(starterFile(provider), 'stagely.yml');
      expect(loaded.data.provider.name, provider).toBe(provider);
      expect(Object.keys(loaded.data.environments)).toEqual(['demo']);
    }
  });
});
