/**
 * The package as a user gets it: `pnpm pack` this package and core, `npm install` both tarballs
 * into an empty project, then load `aws` through core's registry against the installed fake EC2:
 * it works, loads only this package, core and the EC2 client's own dependencies (no other cloud's
 * SDK, no SSM client), and a refused secret appears in no error or event. Needs the npm registry
 * (or npm's cache) for the SDK and valibot's types: without it the test is skipped, saying why.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
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
  project = await mkdtemp(join(tmpdir(), 'stagely-aws-pack-'));
  for (const dir of [packageDir, coreDir]) {
    const built = await stat(join(dir, 'dist', 'index.js')).catch(() => null);
    if (!built) throw new Error(`${dir} has no dist/: build it first (pnpm --filter ... build)`);
    await run('pnpm', ['pack', '--pack-destination', project], { cwd: dir });
  }
  const tarballs = (await readdir(project)).filter((f) => f.endsWith('.tgz')).map((f) => `./${f}`);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'pack-check', private: true, type: 'module' }));
  try {
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], { cwd: project, timeout: 240_000 });
  } catch (error) {
    const output = `${(error as { stderr?: string }).stderr ?? ''} ${(error as Error).message}`;
    if (NETWORK_TROUBLE.test(output)) skipReason = `npm install could not reach the registry: ${output.trim().split('\n').slice(-1)[0]}`;
    else throw error;
  }
  await cp(join(here, 'fixtures', 'installed-check.mjs'), join(project, 'installed-check.mjs'));
}, 300_000);

afterAll(async () => {
  if (project) await rm(project, { recursive: true, force: true });
});

/** The packages `name` depends on in the installed tree, itself included, transitively. */
async function dependencyClosure(root: string, name: string): Promise<Set<string>> {
  const seen = new Set<string>();
  const visit = async (pkg: string): Promise<void> => {
    if (seen.has(pkg)) return;
    seen.add(pkg);
    const manifest = await readFile(join(root, 'node_modules', pkg, 'package.json'), 'utf8').catch(() => null);
    if (!manifest) return;
    const { dependencies = {} } = JSON.parse(manifest) as { dependencies?: Record<string, string> };
    for (const dep of Object.keys(dependencies)) await visit(dep);
  };
  await visit(name);
  return seen;
}

describe('the packed package, installed with npm into an empty project', () => {
  it('works through core’s registry, loads only the EC2 client, and a refused secret is in no error or event', async (test) => {
    test.skip(skipReason !== undefined, skipReason);
    const { stdout, stderr } = await run(process.execPath, ['installed-check.mjs'], { cwd: project, timeout: 110_000 });
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as { loaded: string[] } & Record<string, unknown>;
    expect(report).toMatchObject({
      keys: 1,
      instanceType: 't3.small',
      errorCode: 'AUTHENTICATION',
      errorStatus: 401,
      secretInError: false,
      secretInEvents: false,
      cjsDefaultName: 'aws',
    });
    expect(`${stdout}${stderr}`).not.toMatch(/installed-(good|bad)-secret/);
    const allowed = await dependencyClosure(project, '@aws-sdk/client-ec2');
    for (const own of ['@stagely/provider-core', '@stagely/provider-aws', '@standard-schema/spec']) allowed.add(own);
    expect(report.loaded).toContain('@aws-sdk/client-ec2');
    expect(report.loaded.filter((name) => !allowed.has(name)), 'packages loaded beyond the EC2 client and core').toEqual([]);
    expect(report.loaded).not.toContain('@aws-sdk/client-ssm');
    // A child process that loads the SDK takes seconds on a loaded machine.
  }, 120_000);
});
