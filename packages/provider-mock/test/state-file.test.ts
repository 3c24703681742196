import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fastProvider, rejection } from './helpers.js';

let dir: string;
let stateFile: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stagely-mock-shared-'));
  stateFile = join(dir, 'state.json');
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

describe('stateFile', () => {
  it('lets two providers on one file see and change the same instances', async () => {
    const a = fastProvider({ stateFile }).provider;
    const b = fastProvider({ stateFile }).provider;
    const made = await a.createInstance({ size: 'small', name: 'shared', tags: { env: 'x' } });
    expect(await b.getInstance(made.id)).toMatchObject({ id: made.id, name: 'shared', tags: { env: 'x', 'managed-by': 'stagely' } });
    await rejection(b.createInstance({ size: 'small', name: 'shared' }), 'CONFLICT');
    const second = await b.createInstance({ size: 'small' });
    expect(second.id).toBe('mock-2');
    expect((await a.listInstances()).map((i) => i.id)).toEqual(['mock-1', 'mock-2']);
    await b.terminateInstance(made.id);
    expect((await a.getInstance(made.id))?.state).toBe('terminated');
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).instances).toHaveLength(2);
  });

  it('gives unique IPs across providers creating concurrently', async () => {
    const providers = [0, 1, 2].map(() => fastProvider({ stateFile, bootDelayMs: 0 }).provider);
    await Promise.all(providers.flatMap((p) => Array.from({ length: 8 }, () => p.createInstance({ size: 'small' }))));
    const live = await providers[0]!.listInstances();
    expect(live).toHaveLength(24);
    expect(new Set(live.map((i) => i.publicIp)).size).toBe(24);
    expect(new Set(live.map((i) => i.id)).size).toBe(24);
  });

  it('keeps each instance\'s boot timing, so providers with other configs agree on its state', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const slow = fastProvider({ stateFile, bootDelayMs: 10_000 }).provider;
    const quick = fastProvider({ stateFile, bootDelayMs: 0 }).provider;
    const { id } = await slow.createInstance({ size: 'small' });
    expect((await quick.getInstance(id))?.state).toBe('pending');
    vi.setSystemTime(Date.now() + 10_000);
    expect((await quick.getInstance(id))?.state).toBe('running');
  });

  it('is shared with another process', async () => {
    const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js');
    expect(existsSync(dist), 'build the package first (pnpm build): the child process runs dist/').toBe(true);
    const a = fastProvider({ stateFile, bootDelayMs: 0 }).provider;
    const mine = await a.createInstance({ size: 'small', name: 'from-parent' });
    const script = `
      const { createMockProvider } = await import(${JSON.stringify(new URL(`file://${dist}`).href)});
      const p = createMockProvider({ stateFile: process.env.STATE_FILE, bootDelayMs: 0 });
      const seen = (await p.listInstances()).map((i) => i.name);
      const child = await p.createInstance({ size: 'large', name: 'from-child' });
      await p.terminateInstance(${JSON.stringify(mine.id)});
      console.log(JSON.stringify({ seen, child: child.id }));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, STATE_FILE: stateFile },
    });
    expect(JSON.parse(stdout)).toEqual({ seen: ['from-parent'], child: 'mock-2' });
    expect((await a.listInstances()).map((i) => i.name)).toEqual(['from-child']);
    expect((await a.getInstance(mine.id))?.state).toBe('terminated');
  }, 30_000); // a child Node process: room for a busy machine
});
