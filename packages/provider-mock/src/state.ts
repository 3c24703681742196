/**
 * The mock cloud's state: instances and snapshots, kept in memory or in a JSON file.
 *
 * Every read and update is synchronous, so within one process each one is atomic. A store keeps
 * the state committed and frozen (state-draft.ts); with a state file, separate processes, such as
 * successive CLI commands, see and change the same instances (file-store.ts).
 *
 * Instance states are not stored: they follow from the stored timestamps (see views.ts), so every
 * process sharing a file agrees on them.
 */
import type { Architecture } from '@stagely/provider-core/provider';
import { changeBetween, committed, draftOf } from './state-draft.js';

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

function retained(instance: StoredInstance, now: number): boolean {
  return instance.terminatedAt === null || now - (instance.terminatedAt + (instance.terminateDelayMs ?? 0)) < TERMINATED_RETENTION_MS;
}

/** Drops terminated instances older than the retention from a draft. */
export function prune(draft: MockState, now: number): void {
  draft.instances = draft.instances.filter((i) => retained(i, now));
}

/** A committed state without the terminated instances older than the retention: `state` itself when none are. */
export function pruned(state: Readonly<MockState>, now: number): Readonly<MockState> {
  for (const instance of state.instances) {
    if (!retained(instance, now)) return { ...state, instances: state.instances.filter((i) => retained(i, now)) };
  }
  return state;
}

export interface StateStore {
  /** Runs `fn` on a copy of the committed state (its own lists, the frozen records shared): it cannot change the store. */
  read<T>(fn: (state: Readonly<MockState>) => T): T;
  /**
   * Runs `fn` on a draft of the state and commits the draft only if `fn` returns: all or nothing.
   * The draft's records are frozen: an update changes a record by putting a changed copy in its place.
   */
  update<T>(fn: (state: MockState) => T): T;
  /** Forgets everything. */
  reset(): void;
}

export class MemoryStore implements StateStore {
  #state = committed(emptyState());

  read<T>(fn: (state: Readonly<MockState>) => T): T {
    this.#state = pruned(this.#state, Date.now());
    return fn(draftOf(this.#state));
  }

  update<T>(fn: (state: MockState) => T): T {
    const before = this.#state;
    const draft = draftOf(before);
    prune(draft, Date.now());
    const result = fn(draft);
    this.#state = committed(draft, changeBetween(before, draft) ?? {});
    return result;
  }

  reset(): void {
    this.#state = committed(emptyState());
  }
}
