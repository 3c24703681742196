/**
 * The boot times the providers learn readiness from, kept in the project's `.stagely/` between runs
 * of the CLI (core keeps them per process only), so that one run's boots place the next run's looks.
 * Read on first use, written once at the end of the command. It is a cache: a file that cannot be
 * read or written only means starting without history, never a failed command.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { memoryBootHistory, type BootHistory, type BootTimes } from '@stagely/provider-core';

/** Relative to the project directory, beside the mock's state (git-ignored with it). */
export const BOOT_TIMES_FILE = join('.stagely', 'boot-times.json');

export class BootTimesFile implements BootHistory {
  readonly #path: () => string | undefined;
  #history: BootHistory | undefined;
  #changed: BootTimes | undefined;
  #file: string | undefined;

  /** `path`: the file, once the project directory is known (undefined: keep them in memory). */
  constructor(path: () => string | undefined) {
    this.#path = path;
  }

  samples(key: string): readonly number[] {
    return this.#open().samples(key);
  }

  record(key: string, bootMs: number): void {
    this.#open().record(key, bootMs);
  }

  /** Writes what changed (atomically: a second CLI reading it never sees half a file). */
  flush(): void {
    if (!this.#changed || !this.#file) return;
    try {
      mkdirSync(dirname(this.#file), { recursive: true });
      const temporary = `${this.#file}.${process.pid}.tmp`;
      writeFileSync(temporary, `${JSON.stringify(this.#changed)}\n`);
      renameSync(temporary, this.#file);
      this.#changed = undefined;
    } catch {
      // A cache that cannot be written is only a slower next run.
    }
  }

  #open(): BootHistory {
    if (this.#history) return this.#history;
    this.#file = this.#path();
    this.#history = memoryBootHistory(this.#file ? read(this.#file) : {}, (times) => {
      this.#changed = times;
    });
    return this.#history;
  }
}

function read(file: string): BootTimes {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as BootTimes) : {};
  } catch {
    return {};
  }
}
