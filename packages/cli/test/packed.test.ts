/**
 * Every package as a user gets it: `pnpm pack` (which turns `workspace:^` into real ranges; `npm
 * pack` would not) of the CLI and each @stagely package it depends on, `npm install` of all the
 * tarballs into an empty project, then each package imports (ESM and CommonJS) and the installed
 * `stagely` command writes a starter file and applies it on the mock. Needs the npm registry (or
 * npm's cache) for the third-party dependencies: without it the test is skipped, saying why.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cliDir = resolve(import.meta.dirname, '..');
const packagesDir = resolve(cliDir, '..');
const NETWORK_TROUBLE = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET|ENETUNREACH|network|offline|FETCH_ERROR/i;

interface Manifest {
  name: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const readManifest = async (dir: string) => JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Manifest;

/** The CLI and every workspace package it depends on (the providers its tests use included). */
async function workspacePackages(): Promise<{ name: string; dir: string }[]> {
  const cli = await readManifest(cliDir);
  const wanted = new Set([cli.name, ...Object.keys({ ...cli.dependencies, ...cli.devDependencies }).filter((n) => n.startsWith('@stagely/'))]);
  const found: { name: string; dir: string }[] = [];
  for (const entry of await readdir(packagesDir)) {
    const dir = join(packagesDir, entry);
    const manifest = await readManifest(dir).catch(() => null);
    if (manifest && !manifest.private && wanted.has(manifest.name)) found.push({ name: manifest.name, dir });
  }
  return found.sort((a, b) => (a.name < b.name ? -1 : 1));
}

let project: string;
let packages: { name: string; dir: string }[] = [];
let skipReason: string | undefined;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'stagely-packed-'));
  packages = await workspacePackages();
  // Each package by its tarball, so npm takes every @stagely dependency from here, not the registry.
  const dependencies: Record<string, string> = {};
  for (const { name, dir } of packages) {
    if (!(await stat(join(dir, 'dist')).catch(() => null))) throw new Error(`${name} has no dist/: build it first (pnpm exec turbo run build)`);
    const { stdout } = await run('pnpm', ['pack', '--pack-destination', project], { cwd: dir, timeout: 60_000 });
    dependencies[name] = `file:./${basename(stdout.trim().split('\n').at(-1)!)}`;
  }
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'packed-check', private: true, type: 'module', dependencies }));
  const failure = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: project, timeout: 150_000 }).then(
    () => undefined,
    (error: unknown) => error as Error & { stderr?: string },
  );
  if (failure) {
    const why = `${failure.stderr ?? ''} ${failure.message}`.trim();
    if (!NETWORK_TROUBLE.test(why)) throw failure;
    skipReason = `npm install could not reach the registry: ${why.split('\n').at(-1)}`;
  }
}, 240_000);

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

describe('the packed packages, installed with npm into an empty project', () => {
  it('cover core, the mock, the CLI and the providers it is tested with', () => {
    expect(packages.map((p) => p.name)).toEqual(expect.arrayContaining(['@stagely/cli', '@stagely/provider-core', '@stagely/provider-mock', '@stagely/provider-hetzner']));
  });

  it('carry no workspace: ranges, and each imports as ESM and as CommonJS', async (test) => {
    test.skip(skipReason !== undefined, skipReason);
    for (const { name } of packages) {
      const installed = await readManifest(join(project, 'node_modules', ...name.split('/')));
      for (const field of ['dependencies', 'peerDependencies', 'devDependencies'] as const) {
        const ranges = Object.entries(installed[field] ?? {}).filter(([, range]) => range.startsWith('workspace:'));
        expect(ranges, `${name} ${field}`).toEqual([]);
      }
      const esm = `const m = await import(${JSON.stringify(name)}); console.log(Object.keys(m).length > 0);`;
      const cjs = `const m = require(${JSON.stringify(name)}); console.log(Object.keys(m).length > 0);`;
      expect((await run(process.execPath, ['--input-type=module', '-e', esm], { cwd: project, timeout: 60_000 })).stdout.trim(), `${name} (ESM)`).toBe('true');
      expect((await run(process.execPath, ['--input-type=commonjs', '-e', cjs], { cwd: project, timeout: 60_000 })).stdout.trim(), `${name} (CJS)`).toBe('true');
    }
  });

  it('give a working stagely command: init, plan and apply on the mock', async (test) => {
    test.skip(skipReason !== undefined, skipReason);
    const bin = join(project, 'node_modules', '.bin', 'stagely');
    const version = (await readManifest(cliDir)) as Manifest & { version: string };
    expect((await run(bin, ['--version'], { cwd: project, timeout: 60_000 })).stdout.trim()).toBe(version.version);
    await run(bin, ['init'], { cwd: project, timeout: 60_000 });
    const applied = await run(bin, ['apply', '--yes', '--json'], { cwd: project, timeout: 120_000 });
    const { result } = JSON.parse(applied.stdout) as { result: { created: { name: string }[] } };
    expect(result.created.map((c) => c.name)).toEqual(['demo-web']);
    const providers = JSON.parse((await run(bin, ['providers', '--json'], { cwd: project, timeout: 60_000 })).stdout) as {
      providers: { name: string; error: unknown }[];
    };
    expect(providers.providers.filter((p) => p.error !== null)).toEqual([]);
    expect(providers.providers.map((p) => p.name)).toEqual(expect.arrayContaining(['hetzner', 'mock']));
  });
});
