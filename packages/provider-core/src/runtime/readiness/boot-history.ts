/**
 * Boot times seen so far, per provider, type and region: what the learned readiness schedule places
 * its looks by. The default is one history per process; the CLI keeps one in its state directory so
 * that what one run saw speeds up the next.
 */

/** How many boot times a key keeps: the newest, so a cloud that got slower is learned again soon. */
export const BOOT_HISTORY_LIMIT = 50;

export interface BootHistory {
  /** Boot times (ms from create accepted to seen ready) recorded for `key`, oldest first. */
  samples(key: string): readonly number[];
  record(key: string, bootMs: number): void;
}

/** What a stored history holds: boot times per key. */
export type BootTimes = Record<string, number[]>;

/** `provider/type/region`: boots differ by all three, and little by anything else the spec holds. */
export function bootKey(provider: string, type: string, region: string): string {
  return `${provider}/${type}/${region}`;
}

/**
 * A history in memory, optionally starting from stored times; `onChange` hears every record (a store
 * that writes them somewhere).
 */
export function memoryBootHistory(initial: BootTimes = {}, onChange?: (times: BootTimes) => void): BootHistory {
  const times: BootTimes = {};
  for (const [key, values] of Object.entries(initial)) {
    if (!Array.isArray(values)) continue;
    const valid = values.filter((value) => typeof value === 'number' && Number.isFinite(value) && value > 0);
    if (valid.length > 0) times[key] = valid.slice(-BOOT_HISTORY_LIMIT);
  }
  return {
    samples: (key) => times[key] ?? [],
    record(key, bootMs) {
      if (!(Number.isFinite(bootMs) && bootMs > 0)) return;
      const list = (times[key] ??= []);
      list.push(Math.round(bootMs));
      if (list.length > BOOT_HISTORY_LIMIT) list.splice(0, list.length - BOOT_HISTORY_LIMIT);
      onChange?.(times);
    },
  };
}

/** The history providers share in this process unless they are given one. */
export const processBootHistory: BootHistory = memoryBootHistory();
