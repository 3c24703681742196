import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileStore } from '../src/file-store.js';
import { MemoryStore, TERMINATED_RETENTION_MS, type StateStore, type StoredInstance } from '../src/state.js';
import { thrownBy } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stagely-mock-state-'));
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(dir, { recursive: true, force: true });
});

function instance(id: string, terminatedAt: number | null = null): StoredInstance {
  return {
    id, name: id, region: 'mock-1', type: 'm1.small', architecture: 'amd64', spot: false, tags: {}, image: 'ubuntu-24.04-amd64',
    sshKeys: [], userData: null, publicIp: '192.0.2.1', privateIp: '10.0.0.1', createdAt: Date.now(), bootDelayMs: 0, ipDelayMs: 0,
    terminatedAt, warnings: [],
  };
}

const stores: Array<[string, () => StateStore]> = [
  ['MemoryStore', () => new MemoryStore()],
  ['FileStore', () => new FileStore(join(dir, 'nested', 'state.json'))],
];

describe.each(stores)('%s', (_, makeStore) => {
  it('starts empty and keeps what an update commits', () => {
    const store = makeStore();
    expect(store.read((s) => s.instances)).toEqual([]);
    store.update((s) => {
      s.instances.push(instance('mock-1'));
      s.nextInstance = 2;
    });
    expect(store.read((s) => [s.instances.map((i) => i.id), s.nextInstance])).toEqual([['mock-1'], 2]);
  });

  it('commits nothing of an update that throws', () => {
    const store = makeStore();
    expect(() =>
      store.update((s) => {
        s.instances.push(instance('mock-1'));
        throw new Error('refused halfway');
      }),
    ).toThrow('refused halfway');
    expect(store.read((s) => s.instances)).toEqual([]);
  });

  it('hands readers a state they cannot change the store through: their own lists, frozen records', () => {
    const store = makeStore();
    store.update((s) => void s.instances.push(instance('mock-1')));
    store.read((s) => (s as { instances: StoredInstance[] }).instances.pop());
    store.read((s) => void ((s as { nextInstance: number }).nextInstance = 99));
    expect(() => store.read((s) => void ((s.instances[0] as StoredInstance).name = 'changed'))).toThrow(TypeError);
    expect(() => store.read((s) => void ((s.instances[0]!.tags as Record<string, string>).x = 'y'))).toThrow(TypeError);
    expect(store.read((s) => [s.instances.length, s.instances[0]!.name, s.instances[0]!.tags, s.nextInstance])).toEqual([1, 'mock-1', {}, 1]);
  });

  it('lets an update replace a record, and keeps what a reader was handed as it was', () => {
    const store = makeStore();
    store.update((s) => void s.instances.push(instance('mock-1')));
    const seen = store.read((s) => s.instances[0]!);
    expect(() => store.update((s) => void (s.instances[0]!.name = 'in place'))).toThrow(TypeError);
    store.update((s) => void (s.instances[0] = { ...s.instances[0]!, name: 'renamed' }));
    expect(store.read((s) => s.instances.map((i) => i.name))).toEqual(['renamed']);
    expect(seen.name).toBe('mock-1');
  });

  it('keeps terminated instances for the retention period, then forgets them', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const store = makeStore();
    store.update((s) => void s.instances.push(instance('mock-1', Date.now()), instance('mock-2')));
    vi.setSystemTime(Date.now() + TERMINATED_RETENTION_MS - 1);
    expect(store.read((s) => s.instances.map((i) => i.id))).toEqual(['mock-1', 'mock-2']);
    vi.setSystemTime(Date.now() + 1);
    expect(store.read((s) => s.instances.map((i) => i.id))).toEqual(['mock-2']);
  });

  it('forgets everything on reset', () => {
    const store = makeStore();
    store.update((s) => {
      s.instances.push(instance('mock-1'));
      s.nextInstance = 9;
    });
    store.reset();
    expect(store.read((s) => [s.instances.length, s.nextInstance])).toEqual([0, 1]);
  });
});

describe('FileStore', () => {
  it('is shared by two stores on one file: each call re-reads it', () => {
    const path = join(dir, 'state.json');
    const a = new FileStore(path);
    const b = new FileStore(path);
    a.update((s) => void s.instances.push(instance('mock-1')));
    expect(b.read((s) => s.instances.map((i) => i.id))).toEqual(['mock-1']);
    b.update((s) => void s.instances.push(instance('mock-2')));
    expect(a.read((s) => s.instances.map((i) => i.id))).toEqual(['mock-1', 'mock-2']);
  });

  it('writes through a temp file and a rename, leaving neither temp nor lock file behind', () => {
    const path = join(dir, 'state.json');
    const store = new FileStore(path);
    store.update((s) => void s.instances.push(instance('mock-1')));
    expect(readdirSync(dir)).toEqual(['state.json']);
    expect(JSON.parse(readFileSync(path, 'utf8')).instances[0].id).toBe('mock-1');
  });

  it('refuses a file that is not a state file, naming stateFile', () => {
    const path = join(dir, 'state.json');
    writeFileSync(path, '{"hello": "world"}');
    thrownBy(() => new FileStore(path).read((s) => s), 'INVALID_INPUT', 'stateFile');
    writeFileSync(path, 'not json');
    thrownBy(() => new FileStore(path).read((s) => s), 'INVALID_INPUT', 'stateFile');
  });

  it('takes over a lock left behind by a crashed writer', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const path = join(dir, 'state.json');
    writeFileSync(`${path}.lock`, '');
    vi.setSystemTime(Date.now() + 60_000);
    new FileStore(path).update((s) => void s.instances.push(instance('mock-1')));
    expect(readdirSync(dir)).toEqual(['state.json']);
  });
});
