/**
 * The mock cloud's state: instances and snapshots, kept in memory or in a JSON file.
 *
 * Every read and update is synchronous, so within one process each one is atomic. With a state
 * file, each call re-reads the file and an update holds a lock file while it reads, changes and
 * rewrites it (temp file + rename, so a reader never sees half a file): separate processes, such
 * as successive CLI commands, see and change the same instances.
 *
 * Instance states are not stored: they follow from the stored timestamps (see views.ts), so every
 * process sharing a file agrees on them.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ApiError, InvalidInputError, type Architecture } from '@stagely/provider-core/provider';

export interface StoredInstance {
  id: string;
  name: string;
  region: string;
  type: string;
  architecture: Architecture;
  spot: boolean;
  tags: Record<string, string>;
  image: string;
  sshKeys: string[];
  userData: string | null;
  /** Reserved at create, shown once the instance has booted and `ipDelayMs` passed. */
  publicIp: string;
  privateIp: string;
  /** Epoch ms. */
  createdAt: number;
  /** Kept per instance so that processes with another config agree on its state. */
  bootDelayMs: number;
  ipDelayMs: number;
  /** Epoch ms when the delete was accepted (terminating from then, terminated `terminateDelayMs` later), or null while it lives. */
  terminatedAt: number | null;
  /** Absent in state files from before the terminating phase: 0. */
  terminateDelayMs?: number;
  /** The idempotency token of the create request that made it. */
  clientToken?: string;
  /** Epoch ms before which reads answer "not found" (eventual consistency, `notFoundFor`); absent: at once. */
  visibleAt?: number;
  warnings: string[];
}

export interface StoredSnapshot {
  id: string;
  name: string;
  instanceId: string;
  region: string;
  architecture: Architecture;
  sizeGb: number;
  createdAt: number;
  /** The idempotency token of the snapshot request that made it. */
  clientToken?: string;
}

export interface MockState {
  version: 1;
  /** Number of the next instance id (`mock-<n>`): ids are never reused. */
  nextInstance: number;
  nextSnapshot: number;
  /** Where the next public IPv4 search starts. */
  ipCursor: number;
  /** The next public IPv6 host number (after the IPv4s run out); absent in older files: 1. */
  nextIpv6?: number;
  instances: StoredInstance[];
  snapshots: StoredSnapshot[];
}

/** How long a terminated instance stays visible to getInstance (as 'terminated'), like clouds do. */
export const TERMINATED_RETENTION_MS = 60_000;

export function emptyState(): MockState {
  return { version: 1, nextInstance: 1, nextSnapshot: 1, ipCursor: 0, instances: [], snapshots: [] };
}

export function isLive(instance: StoredInstance): boolean {
  return instance.terminatedAt === null;
}

/** Drops terminated instances older than the retention. */
function prune(state: MockState, now: number): void {
  state.instances = state.instances.filter(
    (i) => i.terminatedAt === null || now - (i.terminatedAt + (i.terminateDelayMs ?? 0)) < TERMINATED_RETENTION_MS,
  );
}

export interface StateStore {
  /** Runs `fn` on a snapshot of the state. */
  read<T>(fn: (state: Readonly<MockState>) => T): T;
  /** Runs `fn` on a copy of the state and commits the copy only if `fn` returns: all or nothing. */
  update<T>(fn: (state: MockState) => T): T;
  /** Forgets everything. */
  reset(): void;
}

export class MemoryStore implements StateStore {
  #state = emptyState();

  read<T>(fn: (state: Readonly<MockState>) => T): T {
    prune(this.#state, Date.now());
    return fn(structuredClone(this.#state));
  }

  update<T>(fn: (state: MockState) => T): T {
    const draft = draftOf(this.#state);
    prune(draft, Date.now());
    const result = fn(draft);
    this.#state = draft;
    return result;
  }

  reset(): void {
    this.#state = emptyState();
  }
}

/**
 * A copy of `state` that an update may change: the records are copied, their arrays and tag maps
 * shared, since updates replace those rather than change them in place. Cheaper than a deep clone,
 * which made every create cost time in proportion to the fleet.
 */
function draftOf(state: MockState): MockState {
  return { ...state, instances: state.instances.map((i) => ({ ...i })), snapshots: state.snapshots.map((s) => ({ ...s })) };
}

/** How long a lock file may exist before it is taken for a crashed writer's and removed. */
const STALE_LOCK_MS = 10_000;
/** How long to wait for another process's lock before failing (retryably). */
const LOCK_WAIT_MS = 5_000;

export class FileStore implements StateStore {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  read<T>(fn: (state: Readonly<MockState>) => T): T {
    const state = this.#load();
    prune(state, Date.now());
    return fn(state);
  }

  update<T>(fn: (state: MockState) => T): T {
    return this.#locked(() => {
      const state = this.#load();
      prune(state, Date.now());
      const result = fn(state);
      this.#save(state);
      return result;
    });
  }

  reset(): void {
    this.#locked(() => this.#save(emptyState()));
  }

  #load(): MockState {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
      throw error;
    }
    let state: unknown;
    try {
      state = JSON.parse(text);
    } catch {
      state = undefined;
    }
    if (!isMockState(state)) {
      throw new InvalidInputError('stateFile', `The mock state file ${this.path} is not a state file this version can read`, {
        provider: 'mock',
      });
    }
    return state;
  }

  #save(state: MockState): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    // Compact: a fleet of thousands is megabytes, read and written whole on every call.
    writeFileSync(temp, `${JSON.stringify(state)}\n`);
    renameSync(temp, this.path);
  }

  /** Runs `fn` holding `<file>.lock`, created exclusively so only one process writes at a time. */
  #locked<T>(fn: () => T): T {
    const lock = `${this.path}.lock`;
    mkdirSync(dirname(this.path), { recursive: true });
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        closeSync(openSync(lock, 'wx'));
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (lockAge(lock) > STALE_LOCK_MS) {
          rmSync(lock, { force: true });
          continue;
        }
        if (Date.now() > deadline) {
          throw new ApiError('The mock state file is locked by another process', 503, { provider: 'mock' });
        }
        // Writers hold the lock for a millisecond or so: a short synchronous pause is enough.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      }
    }
    try {
      return fn();
    } finally {
      rmSync(lock, { force: true });
    }
  }
}

function lockAge(lock: string): number {
  try {
    return Date.now() - statSync(lock).mtimeMs;
  } catch {
    return 0;
  }
}

function isMockState(value: unknown): value is MockState {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Partial<MockState>;
  return (
    s.version === 1 &&
    Number.isInteger(s.nextInstance) &&
    Number.isInteger(s.nextSnapshot) &&
    Number.isInteger(s.ipCursor) &&
    Array.isArray(s.instances) &&
    Array.isArray(s.snapshots)
  );
}

export function createStore(stateFile: string | undefined): StateStore {
  return stateFile === undefined ? new MemoryStore() : new FileStore(stateFile);
}
