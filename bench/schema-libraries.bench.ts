/**
 * What a schema library costs a cold start: the measurement that chose valibot for core and the
 * providers (docs/architecture.md, "Cold start"). One schema, shaped like a provider config (a token,
 * a URL, defaults, a union, a record, an enum), is written with zod (classic API), zod/mini and valibot,
 * and each is loaded by a fresh Node process that builds and parses it, two ways: importing the library
 * as installed (zod's ES build is about a hundred modules, locales included; valibot's is one file) and
 * as one esbuild bundle (tree-shaken, as tsup builds core and the providers). An empty process is the
 * reference. Medians over `--runs`, interleaved after a warm-up round.
 *
 *   cd bench && node run-all.mjs schema-libraries -- --runs 15
 */
import { build } from 'esbuild';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform, release } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { coldStartMedians, coldStarts, ms, REPORT, type ColdStartProcess } from './support/measure.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const RUNS = Number(values.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`--runs must be a positive integer, got ${values.runs}`);

/** The same schema in each library, parsed once. */
const SOURCES: Record<string, { label: string; code: string }> = {
  zod: {
    label: 'zod (classic API)',
    code: `import { z } from 'zod';
const s = z.strictObject({ token: z.string().min(1), endpoint: z.url().optional(), n: z.number().int().min(0).default(3),
  r: z.union([z.strictObject({ a: z.number() }), z.literal(false)]).optional(), t: z.record(z.string(), z.string()).optional(), e: z.enum(['a', 'b']) });
if (!s.safeParse({ token: 'x', e: 'a' }).success) throw new Error('not parsed');`,
  },
  'zod-mini': {
    label: 'zod/mini',
    code: `import * as z from 'zod/mini';
const s = z.strictObject({ token: z.string().check(z.minLength(1)), endpoint: z.optional(z.url()), n: z._default(z.number().check(z.int(), z.minimum(0)), 3),
  r: z.optional(z.union([z.strictObject({ a: z.number() }), z.literal(false)])), t: z.optional(z.record(z.string(), z.string())), e: z.enum(['a', 'b']) });
if (!s.safeParse({ token: 'x', e: 'a' }).success) throw new Error('not parsed');`,
  },
  valibot: {
    label: 'valibot',
    code: `import * as v from 'valibot';
const s = v.strictObject({ token: v.pipe(v.string(), v.minLength(1)), endpoint: v.optional(v.pipe(v.string(), v.url())), n: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 3),
  r: v.optional(v.union([v.strictObject({ a: v.number() }), v.literal(false)])), t: v.optional(v.record(v.string(), v.string())), e: v.picklist(['a', 'b']) });
if (!v.safeParse(s, { token: 'x', e: 'a' }).success) throw new Error('not parsed');`,
  },
};

// Inside bench/node_modules, so that the sources' bare imports resolve to bench's own copies.
const dir = join(import.meta.dirname, 'node_modules', '.schema-libraries');
await rm(dir, { recursive: true, force: true });
await mkdir(dir, { recursive: true });
const processes: ColdStartProcess[] = [{ label: 'empty Node process', code: REPORT, cwd: import.meta.dirname }];
for (const [name, { label, code }] of Object.entries(SOURCES)) {
  const source = join(dir, `${name}.mjs`);
  const bundle = join(dir, `${name}.bundle.mjs`);
  await writeFile(source, code);
  await build({ entryPoints: [source], bundle: true, format: 'esm', platform: 'node', target: 'node20', outfile: bundle, logLevel: 'error' });
  processes.push({ label: `${label}, as installed`, code: `await import(${JSON.stringify(source)}); ${REPORT}`, cwd: dir });
  processes.push({ label: `${label}, one tree-shaken bundle`, code: `await import(${JSON.stringify(bundle)}); ${REPORT}`, cwd: dir });
}

try {
  const results = (await coldStarts(processes, RUNS)).map(coldStartMedians);
  const empty = results[0]!;
  const over = (a: number, b: number) => `${a >= b ? '+' : ''}${ms(a - b)}`;
  console.log(`Schema libraries at cold start: Node ${process.version}, ${platform()} ${release()}, ${cpus().length} CPUs; ${RUNS} runs of each after one warm-up round, interleaved\n`);
  console.log('| process | wall, spawn to exit | over an empty process | in-process at the end | CPU time | CPU over an empty process | peak RSS |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [i, p] of processes.entries()) {
    const m = results[i]!;
    console.log(
      `| ${p.label} | ${ms(m.wallMs)} | ${i === 0 ? '-' : over(m.wallMs, empty.wallMs)} | ${ms(m.inProcessMs)} | ${ms(m.cpuMs)} | ` +
        `${i === 0 ? '-' : over(m.cpuMs, empty.cpuMs)} | ${m.maxRssMiB.toFixed(1)} MiB |`,
    );
  }
  console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
