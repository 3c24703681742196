/**
 * The package as a user gets it: `pnpm pack` this package and core, `npm install` both tarballs
 * into an empty project, then check that no axios below 1.12 is in the tree (hcloud-js, which asks
 * for axios ^0.21, is bundled against this package's own axios), and that the installed provider
 * works and leaks no token in an error. Needs the npm registry (or npm's cache) for axios and valibot:
 * without it the test is skipped, saying why.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const packageDir = resolve(here, '..');
const coreDir = resolve(packageDir, '../provider-core');
const NETWORK_TROUBLE = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET|ENETUNREACH|network|offline|FETCH_ERROR/i;

let project: string;
let skipReason: string | undefined;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'stagely-hetzner-pack-'));
  for (const dir of [packageDir, coreDir]) {
    const built = await stat(join(dir, 'dist', 'index.js')).catch(() => null);
    if (!built) throw new Error(`${dir} has no dist/: build it first (pnpm --filter ... build)`);
    await run('pnpm', ['pack', '--pack-destination', project], { cwd: dir });
  }
  const tarballs = (await readdir(project)).filter((f) => f.endsWith('.tgz')).map((f) => `./${f}`);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'pack-check', private: true, type: 'module' }));
  try {
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], { cwd: project, timeout: 150_000 });
  } catch (error) {
    const output = `${(error as { stderr?: string }).stderr ?? ''} ${(error as Error).message}`;
    if (NETWORK_TROUBLE.test(output)) skipReason = `npm install could not reach the registry: ${output.trim().split('\n').slice(-1)[0]}`;
    else throw error;
  }
  await cp(join(here, 'fixtures', 'installed-check.mjs'), join(project, 'installed-check.mjs'));
}, 180_000);

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

/** Every package.json named `name` anywhere under node_modules, with its version. */
async function installedCopies(root: string, name: string): Promise<Array<{ path: string; version: string }>> {
  const found: Array<{ path: string; version: string }> = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isDirectory()) continue;
      const path = join(dir, entry.name);
      if (entry.name === 'node_modules' || entry.name.startsWith('@')) {
        await walk(path);
      } else if (dir.endsWith('node_modules') || dirname(dir).endsWith('node_modules')) {
        const manifest = await readFile(join(path, 'package.json'), 'utf8').catch(() => null);
        if (manifest) {
          const { name: n, version } = JSON.parse(manifest) as { name?: string; version?: string };
          if (n === name) found.push({ path, version: version ?? '?' });
        }
        await walk(join(path, 'node_modules'));
      }
    }
  };
  await walk(join(root, 'node_modules'));
  return found;
}

function atLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

describe('the packed package, installed with npm into an empty project', () => {
  it('has no axios below 1.12 anywhere in its tree, and no hcloud-js', async (test) => {
    test.skip(skipReason !== undefined, skipReason);
    const axios = await installedCopies(project, 'axios');
    expect(axios.length, 'axios is installed (a dependency)').toBeGreaterThan(0);
    expect(axios.filter((copy) => !atLeast(copy.version, 1, 12)), 'axios copies below 1.12').toEqual([]);
    expect(await installedCopies(project, 'hcloud-js'), 'hcloud-js is bundled, not installed').toEqual([]);
    const notices = await readFile(join(project, 'node_modules/@stagely/provider-hetzner/THIRD_PARTY_NOTICES.md'), 'utf8');
    expect(notices).toContain('Dennis Bruner');
    for (const file of ['index.js', 'index.cjs']) {
      const bundle = await readFile(join(project, 'node_modules/@stagely/provider-hetzner/dist', file), 'utf8');
      expect(bundle, `${file} bundles hcloud-js`).toContain('hcloud-js');
      expect(bundle, `${file} requires the installed axios`).toMatch(/require\("axios"\)/);
      expect(bundle, `${file} carries no copy of axios`).not.toMatch(/class AxiosError|function AxiosError|axios\/lib\//);
    }
  });

  it('works through core’s registry, on axios >= 1.12, and an error from a bad token carries no token', async (test) => {
    test.skip(skipReason !== undefined, skipReason);
    const { stdout } = await run(process.execPath, ['installed-check.mjs'], { cwd: project, timeout: 60_000 });
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(report).toMatchObject({
      keys: 1,
      instanceType: 'cx23',
      errorCode: 'AUTHENTICATION',
      errorStatus: 401,
      tokenInError: false,
      tokenInEvents: false,
      cjsDefaultName: 'hetzner',
    });
    expect(atLeast(String(report.axiosUsedByBundle), 1, 12), `the bundle loads axios ${String(report.axiosUsedByBundle)}`).toBe(true);
  });
});
