/**
 * What the provider benchmarks share: medians, paired timing (two clients alternating, after a
 * warm-up, so drift and noise hit both alike), and cold starts of child processes (cold-start.bench.ts).
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const ms = (n: number) => `${n.toFixed(n < 10 ? 3 : 1)} ms`;

export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** Times a and b `rounds` times each after `warmup` rounds, alternating which goes first. */
export async function paired(rounds: number, warmup: number, a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<{ a: number[]; b: number[] }> {
  const out = { a: [] as number[], b: [] as number[] };
  for (let i = 0; i < warmup + rounds; i++) {
    let ta: number;
    let tb: number;
    if (i % 2 === 0) {
      ta = await timed(a);
      tb = await timed(b);
    } else {
      tb = await timed(b);
      ta = await timed(a);
    }
    if (i >= warmup) {
      out.a.push(ta);
      out.b.push(tb);
    }
  }
  return out;
}

/** A Markdown row comparing the medians of `r.a` (provider) and `r.b` (direct). */
export function ratioRow(what: string, n: number, r: { a: number[]; b: number[] }): string {
  return `| ${what} | ${n} | ${ms(median(r.a))} | ${ms(median(r.b))} | x${(median(r.a) / median(r.b)).toFixed(2)} | +${ms(median(r.a) - median(r.b))} |`;
}

export interface ChildResult {
  wallMs: number;
  inProcessMs: number;
  /** User + system CPU time of the whole process (all threads): the figure least moved by other load. */
  cpuMs: number;
  maxRssMiB: number;
}

/** Ends a child's code: its time since start, CPU time and peak RSS, as the last stdout line. */
export const REPORT = `{ const u = process.resourceUsage(); console.log(JSON.stringify({ t: performance.now(), cpu: (u.userCPUTime + u.systemCPUTime) / 1000, rss: u.maxRSS })); }`;

/** Runs `code` as an ES module in a fresh Node process started in `cwd`. */
export function child(code: string, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const proc = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    proc.on('error', reject);
    proc.on('close', (status) => {
      const wallMs = performance.now() - started;
      if (status !== 0) return reject(new Error(`child failed (${status}): ${err}`));
      const { t, cpu, rss } = JSON.parse(out.trim().split('\n').pop()!) as { t: number; cpu: number; rss: number };
      resolve({ wallMs, inProcessMs: t, cpuMs: cpu, maxRssMiB: rss / 1024 });
    });
  });
}

/** A process to cold-start: `code` run as an ES module in `cwd` (where its imports resolve from). */
export interface ColdStartProcess {
  label: string;
  code: string;
  cwd: string;
}

/**
 * Starts every process `runs` times after one warm-up round (disk cache), interleaved: round by
 * round, one of each, so that drift and load hit all alike. Results are per process, in order.
 */
export async function coldStarts(processes: readonly ColdStartProcess[], runs: number, env?: NodeJS.ProcessEnv): Promise<ChildResult[][]> {
  const results = processes.map(() => [] as ChildResult[]);
  for (let run = 0; run < runs + 1; run++) {
    for (const [i, { code, cwd }] of processes.entries()) {
      const result = await child(code, cwd, env);
      if (run > 0) results[i]!.push(result);
    }
  }
  return results;
}

/** The medians of a process's cold starts. */
export function coldStartMedians(results: readonly ChildResult[]): ChildResult {
  return {
    wallMs: median(results.map((x) => x.wallMs)),
    inProcessMs: median(results.map((x) => x.inProcessMs)),
    cpuMs: median(results.map((x) => x.cpuMs)),
    maxRssMiB: median(results.map((x) => x.maxRssMiB)),
  };
}
