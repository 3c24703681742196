/**
 * The state file's format: the state as one line of JSON, then one line of JSON per update since,
 * holding only what that update changed (state-draft.ts). A change is appended in a few hundred
 * bytes where rewriting the state costs its whole size (megabytes for a fleet of thousands); the
 * store rewrites the file as one line again once the changes outweigh the state, so the file stays
 * within twice the state's size and the bytes written stay in proportion to the bytes changed.
 *
 * A line is complete once its newline is written: a reader takes only complete lines, so an append
 * in progress is never half-read. JSON escapes newlines in strings, and in UTF-8 a newline byte
 * never occurs inside another character, so lines can be found in the raw bytes. A plain JSON
 * state (a file written before the journal, or by hand, pretty-printed or not) reads as a state
 * with no changes.
 */
import { applyChanges, draftOf, type ListChange, type StateChange } from './state-draft.js';
import type { MockState } from './state.js';

const NEWLINE = 0x0a;

/** A whole file read: its state, and how many bytes of it that state took in (a torn last line is left out). */
export interface ReadJournal {
  state: MockState;
  /** The bytes of the first line, the state the changes apply to. */
  baseBytes: number;
  consumed: number;
  /** False when the file is not in lines (pretty-printed, or no newline after the state): a change line cannot follow it. */
  appendable: boolean;
}

/** The changes in complete lines, and the bytes they took. */
export interface ReadChanges {
  changes: StateChange[];
  consumed: number;
}

export function stateLine(state: Readonly<MockState>): Buffer {
  return Buffer.from(`${JSON.stringify(state)}\n`);
}

export function changeLine(change: StateChange): Buffer {
  return Buffer.from(`${JSON.stringify(change)}\n`);
}

/** The state a file holds, or undefined: not a state file. */
export function readJournal(bytes: Buffer): ReadJournal | undefined {
  const end = bytes.indexOf(NEWLINE);
  const rest = end === -1 ? -1 : firstNonBlank(bytes, end + 1);
  if (rest === -1) return plainState(bytes, end === bytes.length - 1);
  const base = parseJson(bytes.subarray(0, end));
  // Not one line: a pretty-printed state, with no changes after it.
  if (base === undefined) return plainState(bytes, false);
  if (!isMockState(base)) return undefined;
  const read = readChanges(bytes, end + 1);
  if (!read) return undefined;
  const state = draftOf(base);
  applyChanges(state, read.changes);
  return { state, baseBytes: end + 1, consumed: read.consumed, appendable: true };
}

function plainState(bytes: Buffer, appendable: boolean): ReadJournal | undefined {
  const state = parseJson(bytes);
  return isMockState(state) ? { state, baseBytes: bytes.length, consumed: bytes.length, appendable } : undefined;
}

/** The changes in `bytes` from offset `from`, up to the last complete line; undefined: a line is not a change. */
export function readChanges(bytes: Buffer, from: number): ReadChanges | undefined {
  const changes: StateChange[] = [];
  let start = from;
  for (let end = bytes.indexOf(NEWLINE, start); end !== -1; end = bytes.indexOf(NEWLINE, start)) {
    if (firstNonBlank(bytes.subarray(0, end), start) !== -1) {
      const change = parseJson(bytes.subarray(start, end));
      if (!isStateChange(change)) return undefined;
      changes.push(change);
    }
    start = end + 1;
  }
  return { changes, consumed: start };
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The offset of the first byte from `from` that is not JSON whitespace, or -1. */
function firstNonBlank(bytes: Buffer, from: number): number {
  for (let i = from; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return i;
  }
  return -1;
}

export function isMockState(value: unknown): value is MockState {
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

function isStateChange(value: unknown): value is StateChange {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { set, instances, snapshots } = value as Record<string, unknown>;
  const setOk = set === undefined || (typeof set === 'object' && set !== null && Object.values(set).every(Number.isInteger));
  return setOk && isListChange(instances) && isListChange(snapshots);
}

function isListChange(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'object' || value === null) return false;
  const { put, drop } = value as Partial<ListChange<unknown>>;
  return (
    Array.isArray(put) &&
    put.every((record) => typeof (record as { id?: unknown } | null)?.id === 'string') &&
    Array.isArray(drop) &&
    drop.every((id) => typeof id === 'string')
  );
}
