#!/usr/bin/env node
// The main job: a demo environment end to end on the mock provider, through the built `stagely`
// command, each step a separate process (as a user would type them), in a fresh temporary directory.
// Exits 0 only if every step did what it should. Run `pnpm --filter @stagely/cli build` first
// (the root `npm run demo` does).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, '..', 'dist', 'bin', 'stagely.js');
const example = join(here, '..', '..', '..', 'examples', 'mock', 'stagely.yml');
const ENVIRONMENT = 'demo';
const HOSTS = ['demo-db', 'demo-web-1', 'demo-web-2'];

if (!existsSync(bin)) {
  console.error('dist/bin/stagely.js is missing: run `pnpm --filter @stagely/cli build` (or `npm run demo` at the root) first.');
  process.exit(1);
}

const workdir = mkdtempSync(join(tmpdir(), 'stagely-demo-'));
copyFileSync(example, join(workdir, 'stagely.yml'));
const color = process.stdout.isTTY ? { FORCE_COLOR: '1' } : {};
const started = Date.now();

/** Runs `stagely <args>` in the demo directory; shows it unless `quiet`. */
function stagely(args, { quiet = false } = {}) {
  if (!quiet) console.log(`\n$ stagely ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: workdir,
    encoding: 'utf8',
    env: { ...process.env, ...(quiet ? { NO_COLOR: '1' } : color) },
    stdio: ['ignore', 'pipe', 'pipe'], // no terminal on stdin: nothing is ever asked
  });
  if (!quiet) {
    const text = `${result.stdout}${result.stderr}`.trimEnd();
    if (text) console.log(text.replace(/^/gm, '  '));
  }
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function json(args) {
  const result = stagely([...args, '--json'], { quiet: true });
  try {
    return { ...result, doc: JSON.parse(result.stdout) };
  } catch {
    return { ...result, doc: undefined };
  }
}

/** Every step builds on the one before: the first that fails ends the demo (after cleaning up). */
function check(ok, what) {
  console.log(`${ok ? '  ✔' : '  ✘'} ${what}`);
  if (ok) return;
  stagely(['destroy', ENVIRONMENT, '--yes'], { quiet: true });
  rmSync(workdir, { recursive: true, force: true });
  console.error(`\nDemo FAILED at: ${what} (${((Date.now() - started) / 1000).toFixed(1)} s).`);
  process.exit(1);
}

const names = (instances) => (instances ?? []).map((i) => i.name).sort().join(',');

console.log(`Demo environment "${ENVIRONMENT}" on the mock provider, in ${workdir}`);

check(stagely(['providers']).code === 0, 'the mock provider is installed');

check(stagely(['validate']).code === 0, 'stagely.yml is valid and the credentials are accepted');

check(stagely(['plan', ENVIRONMENT]).code === 0, 'plan ran');
const first = json(['plan', ENVIRONMENT]);
check(names(first.doc?.plan?.create) === HOSTS.join(','), `the plan creates ${HOSTS.join(', ')}`);

const refused = stagely(['apply', ENVIRONMENT]);
check(refused.code === 3, 'without --yes and without a terminal, apply refuses (exit 3) and changes nothing');

check(stagely(['apply', ENVIRONMENT, '--yes']).code === 0, 'apply --yes created the environment');

check(stagely(['list']).code === 0, 'list ran (a separate process, reading the same state)');
const listed = json(['list', '--env', ENVIRONMENT]);
check(
  names(listed.doc?.instances) === HOSTS.join(',') && listed.doc.instances.every((i) => i.state === 'running' && i.publicIp),
  'every host is running with a public IP',
);

check(stagely(['plan', ENVIRONMENT]).code === 0, 'plan ran again');
const again = json(['plan', ENVIRONMENT]);
check(again.doc?.empty === true, 'the second plan is empty: the environment matches the file');

check(stagely(['destroy', ENVIRONMENT, '--yes']).code === 0, 'destroy --yes removed the environment');
const after = json(['list']);
check(after.code === 0 && Array.isArray(after.doc?.instances) && after.doc.instances.length === 0, 'nothing is left running');

rmSync(workdir, { recursive: true, force: true });
console.log(`\nDemo passed: plan, apply, list, plan (empty) and destroy, in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
