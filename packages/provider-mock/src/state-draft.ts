/**
 * Committed states and the drafts an update changes. The records of a committed state are frozen,
 * so a store can share them with every reader and every later state (no deep copy per call) and
 * nobody can change one in place; its two lists are never handed out: readers and updates get a
 * draft, which copies the lists (pointers, microseconds for thousands of records) and shares the
 * records. An update that changes a record replaces it with a changed copy, so what an update
 * changed is cheap to find, and that is what a state file appends (state-journal.ts).
 */
import type { MockState, StoredInstance, StoredSnapshot } from './state.js';

/** `records` frozen, with the lists and maps they hold: from then on they can be shared. */
export function freeze(records: { instances?: readonly StoredInstance[]; snapshots?: readonly StoredSnapshot[] }): void {
  for (const instance of records.instances ?? []) {
    Object.freeze(instance.tags);
    Object.freeze(instance.sshKeys);
    Object.freeze(instance.warnings);
    Object.freeze(instance);
  }
  for (const snapshot of records.snapshots ?? []) Object.freeze(snapshot);
}

/** `draft` as a committed state: what it holds that `before` did not (or all of it) frozen. */
export function committed(draft: MockState, change?: StateChange): Readonly<MockState> {
  freeze(change === undefined ? draft : { instances: change.instances?.put, snapshots: change.snapshots?.put });
  return draft;
}

/**
 * A copy of a committed state that a reader or an update may change without changing the store:
 * its own object and lists, the frozen records shared (an update replaces a record to change it).
 * The lists are not frozen instead: Node's array builtins (find, filter) are several times slower on a frozen array.
 */
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
