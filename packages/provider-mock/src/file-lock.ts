/**
 * The lock file beside a state file (`<file>.lock`), created exclusively so that one process at a
 * time changes the file. Held only for the length of one synchronous update, never across turns,
 * so stores in one process cannot wait on each other.
 */
import { closeSync, mkdirSync, openSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { ApiError } from '@stagely/provider-core/provider';

/** How long a lock file may exist before it is taken for a crashed writer's and removed. */
const STALE_LOCK_MS = 10_000;
/** How long to wait for another process's lock before failing (retryably). */
const LOCK_WAIT_MS = 5_000;

/** Runs `fn` holding `<path>.lock`. */
export function withFileLock<T>(path: string, fn: () => T): T {
  const lock = `${path}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        // The first write makes the file's directory.
        mkdirSync(dirname(path), { recursive: true });
        continue;
      }
      if (code !== 'EEXIST') throw error;
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
    unlinkSync(lock);
  }
}

function lockAge(lock: string): number {
  try {
    return Date.now() - statSync(lock).mtimeMs;
  } catch {
    return 0;
  }
}
