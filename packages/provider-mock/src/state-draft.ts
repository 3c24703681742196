/**
 * Committed states and the drafts an update changes. A committed state is frozen, records and all,
 * so a store can hand the same object to every reader (no copy per read) and no reader can change
 * it. A draft copies the two lists but shares the frozen records: an update that changes a record
 * replaces it with a changed copy. What an update changed is then cheap to find, which is what a
 * state file appends (state-journal.ts).
 */
import type { MockState, StoredInstance, StoredSnapshot } from './state.js';

/** `state` frozen in place, with every record it holds (new records are frozen as they are committed). */
export function committed(state: MockState): Readonly<MockState> {
  for (const instance of state.instances) {
    if (Object.isFrozen(instance)) continue;
    Object.freeze(instance.tags);
    Object.freeze(instance.sshKeys);
    Object.freeze(instance.warnings);
    Object.freeze(instance);
  }
  for (const snapshot of state.snapshots) Object.freeze(snapshot);
  Object.freeze(state.instances);
  Object.freeze(state.snapshots);
  return Object.freeze(state);
}

/** A copy of a committed state that an update may change; its records stay frozen (replace one to change it). */
export function draftOf(state: Readonly<MockState>): MockState {
  return { ...state, instances: [...state.instances], snapshots: [...state.snapshots] };
}

/** The scalar fields of the state (counters and address cursors). */
const COUNTERS = ['nextInstance', 'nextSnapshot', 'ipCursor', 'nextIpv6'] as const;
type Counters = Pick<MockState, (typeof COUNTERS)[number]>;

/** Records added or replaced (`put`, in list order) and removed (`drop`, by id). */
export interface ListChange<T> {
  put: T[];
  drop: string[];
}

/** What one update changed: applied to the state before it, it gives the state after it. */
export interface StateChange {
  set?: Partial<Counters>;
  instances?: ListChange<StoredInstance>;
  snapshots?: ListChange<StoredSnapshot>;
}

/** What `after` (a draft of `before`) changed, or undefined: nothing. */
export function changeBetween(before: Readonly<MockState>, after: Readonly<MockState>): StateChange | undefined {
  const change: StateChange = {};
  for (const key of COUNTERS) {
    if (after[key] !== before[key]) (change.set ??= {})[key] = after[key] as number;
  }
  const instances = listChange(before.instances, after.instances);
  if (instances) change.instances = instances;
  const snapshots = listChange(before.snapshots, after.snapshots);
  if (snapshots) change.snapshots = snapshots;
  return Object.keys(change).length === 0 ? undefined : change;
}

function listChange<T extends { id: string }>(before: readonly T[], after: readonly T[]): ListChange<T> | undefined {
  // The usual update appends a record or replaces one in place: one pass comparing references.
  const put: T[] = [];
  const common = Math.min(before.length, after.length);
  let aligned = after.length >= before.length;
  for (let i = 0; aligned && i < common; i++) {
    if (after[i] === before[i]) continue;
    if (after[i]!.id === before[i]!.id) put.push(after[i]!);
    else aligned = false;
  }
  if (aligned) {
    for (let i = common; i < after.length; i++) put.push(after[i]!);
    return put.length === 0 ? undefined : { put, drop: [] };
  }
  const old = new Map(before.map((record) => [record.id, record]));
  const kept = new Set(after.map((record) => record.id));
  return {
    put: after.filter((record) => old.get(record.id) !== record),
    drop: before.filter((record) => !kept.has(record.id)).map((record) => record.id),
  };
}

/**
 * `changes` applied in turn to a draft. Each list goes through a Map by id, whose order is the
 * list's: a drop deletes, a put replaces in place or appends, as the writer's update did (updates
 * append and replace records but never reorder them).
 */
export function applyChanges(draft: MockState, changes: readonly StateChange[]): void {
  for (const change of changes) if (change.set) Object.assign(draft, change.set);
  draft.instances = applyLists(draft.instances, changes.map((change) => change.instances));
  draft.snapshots = applyLists(draft.snapshots, changes.map((change) => change.snapshots));
}

function applyLists<T extends { id: string }>(list: T[], changes: ReadonlyArray<ListChange<T> | undefined>): T[] {
  if (changes.every((change) => change === undefined)) return list;
  const byId = new Map(list.map((record) => [record.id, record]));
  for (const change of changes) {
    for (const id of change?.drop ?? []) byId.delete(id);
    for (const record of change?.put ?? []) byId.set(record.id, record);
  }
  return [...byId.values()];
}
