/**
 * The state kept in a JSON file that separate processes (successive CLI commands, say) share.
 *
 * The parsed state stays in memory: each call stats the file and reads it again only when it
 * changed (its inode, birth time, size or modification time differ), and then only the bytes
 * appended since, when that is all that happened. An update holds the lock file while it catches
 * up, changes the state and appends what it changed as one line (state-journal.ts); once the
 * appended changes outweigh the state, it rewrites the file as one line (temp file + rename, so a
 * reader never sees half a file). Every update is in the file before it returns: nothing is held
 * back for later, so nothing can be lost when the process ends and no lock outlives a call.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync, type BigIntStats } from 'node:fs';
import { InvalidInputError } from '@stagely/provider-core/provider';
import { withFileLock } from './file-lock.js';
import { applyChanges, changeBetween, committed, draftOf, freeze } from './state-draft.js';
import { changeLine, readChanges, readJournal, stateLine } from './state-journal.js';
import { emptyState, prune, pruned, type MockState, type StateStore } from './state.js';

/** What identifies one version of the file: a rename brings a new inode (and birth time), an append a new size. */
interface Seen {
  ino: bigint;
  birthtimeNs: bigint;
  size: bigint;
  mtimeNs: bigint;
}

export class FileStore implements StateStore {
  readonly path: string;
  #state: Readonly<MockState> = committed(emptyState());
  /** The file as this store last read or wrote it; undefined: absent, or to be read whole. */
  #seen: Seen | undefined;
  /** How many bytes of the file `#state` holds, and how many of them are the first line's. */
  #consumed = 0;
  #baseBytes = 0;
  /** False while the file is not in lines (a plain JSON state): the next update rewrites it. */
  #appendable = false;

  constructor(path: string) {
    this.path = path;
  }

  read<T>(fn: (state: Readonly<MockState>) => T): T {
    this.#state = pruned(this.#current(), Date.now());
    return fn(draftOf(this.#state));
  }

  update<T>(fn: (state: MockState) => T): T {
    return withFileLock(this.path, () => {
      const before = this.#current();
      const draft = draftOf(before);
      prune(draft, Date.now());
      const result = fn(draft);
      const change = changeBetween(before, draft);
      if (change) {
        const line = changeLine(change);
        // A torn last line (a crashed writer's: this store holds the lock) or a plain JSON file is rewritten.
        const appendable = this.#appendable && this.#seen !== undefined && Number(this.#seen.size) === this.#consumed;
        // Append while the changes weigh less than the state; past that, one rewrite brings the file back to the state's size.
        if (!appendable || this.#consumed - this.#baseBytes + line.length > this.#baseBytes) this.#rewrite(draft);
        else this.#append(line);
      }
      this.#state = committed(draft, change ?? {});
      return result;
    });
  }

  reset(): void {
    withFileLock(this.path, () => {
      const state = emptyState();
      this.#rewrite(state);
      this.#state = committed(state);
    });
  }

  /** The state as the file now holds it: one stat when nothing changed. */
  #current(): Readonly<MockState> {
    const stat = statSync(this.path, { bigint: true, throwIfNoEntry: false });
    if (stat === undefined) this.#forget();
    else if (this.#seen === undefined || !sameVersion(stat, this.#seen)) this.#catchUp();
    return this.#state;
  }

  #forget(): void {
    if (this.#seen === undefined && this.#consumed === 0) return;
    this.#state = committed(emptyState());
    this.#seen = undefined;
    this.#consumed = this.#baseBytes = 0;
    this.#appendable = false;
  }

  /** Reads what changed: the appended lines when the file only grew, else the whole file. */
  #catchUp(): void {
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      return this.#forget();
    }
    try {
      // The size read is fstat's, taken before the read: bytes appended after it show as a new size next call.
      const stat = fstatSync(fd, { bigint: true });
      const size = Number(stat.size);
      const seen = this.#seen;
      if (seen !== undefined && sameFile(stat, seen) && size > this.#consumed) {
        const read = readChanges(readBytes(fd, this.#consumed, size - this.#consumed), 0);
        if (read) {
          if (read.changes.length > 0) {
            const draft = draftOf(this.#state);
            applyChanges(draft, read.changes);
            for (const change of read.changes) freeze({ instances: change.instances?.put, snapshots: change.snapshots?.put });
            this.#state = draft;
          }
          this.#consumed += read.consumed;
          this.#seen = seenOf(stat);
          return;
        }
      }
      const read = readJournal(readBytes(fd, 0, size));
      if (!read) throw notAStateFile(this.path);
      this.#state = committed(read.state);
      this.#consumed = read.consumed;
      this.#baseBytes = read.baseBytes;
      this.#appendable = read.appendable;
      this.#seen = seenOf(stat);
    } finally {
      closeSync(fd);
    }
  }

  #append(line: Buffer): void {
    const fd = openSync(this.path, 'a');
    try {
      for (let written = 0; written < line.length; ) written += writeSync(fd, line, written);
      const stat = fstatSync(fd, { bigint: true });
      this.#consumed += line.length;
      // Any other size means someone wrote without the lock: read the file whole next call.
      this.#seen = Number(stat.size) === this.#consumed ? seenOf(stat) : undefined;
    } finally {
      closeSync(fd);
    }
  }

  #rewrite(state: Readonly<MockState>): void {
    const bytes = stateLine(state);
    const temp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      writeFileSync(temp, bytes);
      renameSync(temp, this.path);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
    this.#seen = seenOf(statSync(this.path, { bigint: true }));
    this.#consumed = this.#baseBytes = bytes.length;
    this.#appendable = true;
  }
}

/** The state a state file holds, as stored (nothing pruned): for tools and tests that look at the file. */
export function readStateFile(path: string): Readonly<MockState> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return committed(emptyState());
    throw error;
  }
  const read = readJournal(bytes);
  if (!read) throw notAStateFile(path);
  return committed(read.state);
}

function notAStateFile(path: string): InvalidInputError {
  return new InvalidInputError('stateFile', `The mock state file ${path} is not a state file this version can read`, { provider: 'mock' });
}

function readBytes(fd: number, position: number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const read = readSync(fd, bytes, done, length - done, position + done);
    if (read === 0) break;
    done += read;
  }
  return bytes.subarray(0, done);
}

function seenOf(stat: BigIntStats): Seen {
  return { ino: stat.ino, birthtimeNs: stat.birthtimeNs, size: stat.size, mtimeNs: stat.mtimeNs };
}

function sameFile(stat: BigIntStats, seen: Seen): boolean {
  return stat.ino === seen.ino && stat.birthtimeNs === seen.birthtimeNs;
}

function sameVersion(stat: BigIntStats, seen: Seen): boolean {
  return sameFile(stat, seen) && stat.size === seen.size && stat.mtimeNs === seen.mtimeNs;
}
