#!/usr/bin/env node
// Runs a workspace job on a machine that has only Node and npm: finds the pinned pnpm (on PATH,
// or through npx, never corepack), installs the workspace, then runs the job with it.
//   node scripts/bootstrap.mjs test    build, typecheck, lint and test every package
//   node scripts/bootstrap.mjs demo    the main job: a demo environment on the mock, through the CLI
//   node scripts/bootstrap.mjs bench   every benchmark in bench/
//   node scripts/bootstrap.mjs <pnpm arguments...>
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];

const JOBS = {
  test: [['exec', 'turbo', 'run', 'build', 'typecheck', 'lint', 'test']],
  demo: [['exec', 'turbo', 'run', 'build', '--filter', '@stagely/cli...'], ['--filter', '@stagely/cli', 'run', 'demo']],
  bench: [['exec', 'turbo', 'run', 'build'], ['--filter', '@stagely/bench', 'run', 'bench']],
};

function run(cmd, args, opts = {}) {
  const shell = process.platform === 'win32';
  return spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell, ...opts });
}

function pnpmCommand() {
  const onPath = spawnSync('pnpm', ['--version'], { encoding: 'utf8', shell: process.platform === 'win32' });
  if (onPath.status === 0 && onPath.stdout.trim() === pinned) return ['pnpm', []];
  // pnpm refuses to switch to the packageManager version by itself here, so run exactly that one.
  return ['npx', ['--yes', `pnpm@${pinned}`]];
}

const [pnpm, prefix] = pnpmCommand();
const pnpmRun = (args) => run(pnpm, [...prefix, ...args], {
  env: { ...process.env, COREPACK_ENABLE_STRICT: '0', TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
});

const install = pnpmRun(['install', ...(process.env.CI ? ['--frozen-lockfile'] : [])]);
if (install.status !== 0) process.exit(install.status ?? 1);

const requested = process.argv.slice(2);
const steps = requested.length === 0 ? [] : (JOBS[requested[0]] ?? [requested]);
for (const step of steps) {
  const result = pnpmRun(step);
  if (result.status !== 0) process.exit(result.status ?? 1);
}
