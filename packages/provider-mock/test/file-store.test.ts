import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStore, readStateFile } from '../src/file-store.js';
import { emptyState, type MockState, type StoredInstance } from '../src/state.js';
import { thrownBy } from './helpers.js';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stagely-mock-file-store-'));
  path = join(dir, 'state.json');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function instance(id: string): StoredInstance {
  return {
    id, name: id, region: 'mock-1', type: 'm1.small', architecture: 'amd64', spot: false, tags: { 'stagely-host': id }, image: 'ubuntu-24.04-amd64',
    sshKeys: [], userData: null, publicIp: '192.0.2.1', privateIp: '10.0.0.1', createdAt: Date.now(), bootDelayMs: 0, ipDelayMs: 0,
    terminatedAt: null, warnings: [],
  };
}

const lines = () => readFileSync(path, 'utf8').split('\n').filter(Boolean);
const ids = (state: Readonly<MockState>) => state.instances.map((i) => i.id);

/** Runs `script` (an ES module body) in a child Node process with the built package as `mock`. */
async function child(script: string): Promise<string> {
  const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js');
  expect(existsSync(dist), 'build the package first (pnpm build): the child process runs dist/').toBe(true);
  const body = `const mock = await import(${JSON.stringify(new URL(`file://${dist}`).href)});\n${script}`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', body], {
    env: { ...process.env, STATE_FILE: path },
  });
  return stdout;
}

describe('FileStore: the file', () => {
  it('appends an update\'s change as a line, and a fresh store reads the same state from it', () => {
    const store = new FileStore(path);
    store.update((s) => void s.instances.push(...['mock-1', 'seed-1', 'seed-2', 'seed-3'].map(instance)));
    expect(lines()).toHaveLength(1); // the first write makes the file: the state as one line
    store.update((s) => {
      s.instances.push(instance('mock-2'));
      s.nextInstance = 3;
    });
    store.update((s) => void (s.instances[0] = { ...s.instances[0]!, terminatedAt: Date.now() }));
    expect(lines().length).toBeGreaterThan(1);
    const fresh = readStateFile(path);
    expect(fresh).toEqual(store.read((s) => s));
    expect(ids(fresh)).toEqual(['mock-1', 'seed-1', 'seed-2', 'seed-3', 'mock-2']);
    expect(fresh.nextInstance).toBe(3);
    expect(fresh.instances[0]!.terminatedAt).not.toBeNull();
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('rewrites the file as one line once the changes outweigh the state, so it stays within twice the state', () => {
    const store = new FileStore(path);
    let rewrites = 0;
    let lastLines = 0;
    for (let n = 1; n <= 60; n++) {
      store.update((s) => void s.instances.push(instance(`mock-${n}`)));
      const now = lines().length;
      if (now < lastLines) rewrites++;
      lastLines = now;
      const state = JSON.stringify(store.read((s) => s));
      expect(statSync(path).size).toBeLessThanOrEqual(2 * (state.length + 1) + 1024);
    }
    expect(rewrites).toBeGreaterThan(0);
    expect(ids(readStateFile(path))).toEqual(Array.from({ length: 60 }, (_, i) => `mock-${i + 1}`));
  });

  it('records removals: a removed snapshot stays removed for a fresh reader', () => {
    const store = new FileStore(path);
    store.update((s) => void s.instances.push(instance('mock-1')));
    store.update((s) => void s.snapshots.push({ id: 'mock-snapshot-1', name: 'a', instanceId: 'mock-1', region: 'mock-1', architecture: 'amd64', sizeGb: 20, createdAt: 0 }));
    store.update((s) => void (s.snapshots = s.snapshots.filter((snapshot) => snapshot.id !== 'mock-snapshot-1')));
    expect(lines().length).toBeGreaterThan(1);
    expect(readStateFile(path).snapshots).toEqual([]);
  });

  it('reads a plain JSON state, pretty-printed or not, as written before the change lines', () => {
    const state = { ...emptyState(), nextInstance: 2, instances: [instance('mock-1')] };
    for (const text of [`${JSON.stringify(state, null, 2)}\n`, JSON.stringify(state)]) {
      writeFileSync(path, text);
      const store = new FileStore(path);
      expect(ids(store.read((s) => s))).toEqual(['mock-1']);
      store.update((s) => void s.instances.push(instance('mock-2')));
      store.update((s) => void s.instances.push(instance('mock-3')));
      expect(ids(readStateFile(path))).toEqual(['mock-1', 'mock-2', 'mock-3']);
    }
  });

  it('leaves out a last line without its newline (an append in progress), and the next update writes the file whole', () => {
    const store = new FileStore(path);
    store.update((s) => void s.instances.push(instance('mock-1')));
    appendFileSync(path, '{"instances":{"put":[');
    expect(ids(new FileStore(path).read((s) => s))).toEqual(['mock-1']);
    store.update((s) => void s.instances.push(instance('mock-2')));
    expect(lines()).toHaveLength(1);
    expect(ids(readStateFile(path))).toEqual(['mock-1', 'mock-2']);
  });

  it('refuses a file whose change lines are not changes, naming stateFile', () => {
    new FileStore(path).update((s) => void s.instances.push(instance('mock-1')));
    appendFileSync(path, '{"instances":"all of them"}\n');
    thrownBy(() => new FileStore(path).read((s) => s), 'INVALID_INPUT', 'stateFile');
    thrownBy(() => readStateFile(path), 'INVALID_INPUT', 'stateFile');
  });

  it('reads an absent file as the empty state', () => {
    expect(readStateFile(path)).toEqual(emptyState());
  });
});

describe('FileStore: the cache', () => {
  it('sees what another store on the file appends and rewrites, and what is written over the file in place', () => {
    const a = new FileStore(path);
    const b = new FileStore(path);
    for (let n = 1; n <= 30; n++) {
      a.update((s) => void s.instances.push(instance(`mock-${n}`)));
      expect(b.read((s) => s.instances.length)).toBe(n);
    }
    // In place: the same inode, another size.
    writeFileSync(path, `${JSON.stringify({ ...emptyState(), instances: [instance('mock-99')] })}\n`);
    expect(ids(a.read((s) => s))).toEqual(['mock-99']);
    expect(ids(b.read((s) => s))).toEqual(['mock-99']);
    rmSync(path);
    expect(a.read((s) => s.instances)).toEqual([]);
  });

  it('loses no update of two stores taking turns on one file', () => {
    const a = new FileStore(path);
    const b = new FileStore(path);
    for (let n = 0; n < 40; n++) {
      (n % 3 === 0 ? b : a).update((s) => {
        s.instances.push(instance(`mock-${s.nextInstance}`));
        s.nextInstance += 1;
      });
    }
    for (const store of [a, b, new FileStore(path)]) {
      expect(store.read((s) => [s.nextInstance, new Set(ids(s)).size])).toEqual([41, 40]);
    }
  });

  it('sees a change another process writes', async () => {
    const store = new FileStore(path);
    store.update((s) => void s.instances.push(instance('mock-1')));
    expect(store.read(ids)).toEqual(['mock-1']);
    await child(`
      const p = mock.createMockProvider({ stateFile: process.env.STATE_FILE, bootDelayMs: 0 });
      await p.createInstance({ size: 'small', name: 'from-child' });
    `);
    expect(store.read((s) => s.instances.map((i) => i.name))).toEqual(['mock-1', 'from-child']);
  }, 30_000); // a child Node process: room for a busy machine

  it('loses no update of two processes creating at the same time', async () => {
    const script = (who: string) => `
      const p = mock.createMockProvider({ stateFile: process.env.STATE_FILE, bootDelayMs: 0 });
      for (let i = 0; i < 25; i++) await p.createInstance({ size: 'small', name: '${who}-' + i });
    `;
    await Promise.all([child(script('one')), child(script('two'))]);
    const state = readStateFile(path);
    expect(state.instances).toHaveLength(50);
    expect(new Set(ids(state)).size).toBe(50);
    expect(new Set(state.instances.map((i) => i.publicIp)).size).toBe(50);
    expect(state.nextInstance).toBe(51);
  }, 60_000);

  it('has every acknowledged update in the file when the process exits at once after it', async () => {
    // Nothing is held back for later: a process that ends right after its calls return has written them all.
    await child(`
      const p = mock.createMockProvider({ stateFile: process.env.STATE_FILE, bootDelayMs: 0 });
      const made = [];
      for (let i = 0; i < 5; i++) made.push(await p.createInstance({ size: 'small', name: 'quick-' + i }));
      await p.terminateInstance(made[0].id);
      process.exit(0);
    `);
    const state = readStateFile(path);
    expect(state.instances.map((i) => i.name)).toEqual(['quick-0', 'quick-1', 'quick-2', 'quick-3', 'quick-4']);
    expect(state.instances[0]!.terminatedAt).not.toBeNull();
    expect(readdirSync(dir)).toEqual(['state.json']); // no lock or temp file left behind
  }, 30_000);
});
