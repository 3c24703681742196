#!/usr/bin/env node
// Runs the benchmarks: every bench/*.bench.ts in turn, or only those named, each in its own Node
// process through tsx (so one bench's heap and timers never disturb another's figures).
//   node run-all.mjs                       every benchmark
//   node run-all.mjs readiness plan        these (name, or file name)
//   node run-all.mjs readiness -- --trials 10   arguments after `--` go to each benchmark
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const dashes = argv.indexOf('--');
const names = dashes === -1 ? argv : argv.slice(0, dashes);
const passThrough = dashes === -1 ? [] : argv.slice(dashes + 1);

const available = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .sort();
const wanted = names.length === 0 ? available : names.map((name) => (name.endsWith('.bench.ts') ? name : `${name}.bench.ts`));
const unknown = wanted.filter((file) => !available.includes(file));
if (unknown.length > 0) {
  console.error(`No such benchmark: ${unknown.join(', ')}. Available: ${available.map((f) => f.replace(/\.bench\.ts$/, '')).join(', ')}`);
  process.exit(2);
}

const failed = [];
for (const file of wanted) {
  console.log(`\n=== ${file}\n`);
  // --expose-gc lets benchmarks that measure memory start from a collected heap.
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(here, file), ...passThrough], {
    cwd: here,
    stdio: 'inherit',
  });
  if (result.status !== 0) failed.push(`${file} (${result.signal ?? `exit ${result.status}`})`);
}
if (failed.length > 0) {
  console.error(`\nFailed: ${failed.join(', ')}`);
  process.exit(1);
}
