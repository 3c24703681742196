/**
 * Runs the built `stagely` bin as a child process, as a user or a script would: stdin is a pipe
 * (not a terminal), so nothing is ever asked. Each test gets its own working directory, and with it
 * its own mock state file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export const BIN = join(import.meta.dirname, '..', '..', 'dist', 'bin', 'stagely.js');

if (!existsSync(BIN)) throw new Error('dist/bin/stagely.js is missing: run `pnpm --filter @stagely/cli build` before these tests');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for --json runs). */
  json<T = Record<string, unknown>>(): T;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Called with all stdout so far on each chunk; may signal the child (e.g. Ctrl-C). */
  onStdout?: (stdout: string, child: ChildProcess) => void;
}

/** Variables that would change the output; each test sets what it means to. */
const CLEAN_ENV = { NO_COLOR: undefined, FORCE_COLOR: undefined, CI: undefined };

export function stagely(args: string[], options: RunOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, ...CLEAN_ENV, ...options.env })) if (v !== undefined) env[k] = v;
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      options.onStdout?.(stdout, child);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.end();
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout,
        stderr,
        json<T>() {
          try {
            return JSON.parse(stdout) as T;
          } catch {
            throw new Error(`stdout is not JSON (exit ${code}):\n${stdout}\nstderr:\n${stderr}`);
          }
        },
      }),
    );
  });
}

/** A fresh working directory, with a stagely.yml when `file` is given. */
export function project(file?: string): { dir: string; write(text: string, name?: string): void; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'stagely-cli-test-'));
  const write = (text: string, name = 'stagely.yml') => writeFileSync(join(dir, name), text);
  if (file !== undefined) write(file);
  return { dir, write, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * `project()` for a test file whose tests run concurrently: every directory is removed once the
 * file's tests are done. Call at the top of the file.
 */
export function tempProjects(): typeof project {
  const cleanups: (() => void)[] = [];
  afterAll(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });
  return (file) => {
    const p = project(file);
    cleanups.push(p.cleanup);
    return p;
  };
}

/**
 * Runs `command` to its end and collects its stderr (stdout is not read: `closeStdout` closes it
 * before the child writes anything, as `| head -0` would).
 */
export function runToEnd(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; closeStdout?: boolean },
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', options.closeStdout ? 'pipe' : 'ignore', 'pipe'] });
    child.stdout?.destroy();
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** A small environment on the mock that boots fast. */
export const MOCK_FILE = `
provider:
  name: mock
  config:
    bootDelayMs: 20
defaults:
  size: small
environments:
  demo:
    hosts:
      web:
        role: web
      db:
        role: db
        size: medium
`;
