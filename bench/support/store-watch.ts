/**
 * Watches a fake's store through the soak, so that an instance that came and went is still counted:
 * sampled after every request the provider reports (a second instance made by one provision lives at
 * least until a later request removes it, so some sample sees it) and at the end.
 */
import type { StoreRecord } from './soak-target.js';

export class StoreWatch {
  /** Every instance ever seen, by id: the name it was made with. */
  readonly #seen = new Map<string, string>();
  samples = 0;

  constructor(private readonly read: () => StoreRecord[]) {}

  sample(): StoreRecord[] {
    this.samples += 1;
    const records = this.read();
    for (const record of records) if (record.kind === 'instance') this.#seen.set(record.id, record.name);
    return records;
  }

  /** Names that more than one instance was made with (one provision, one name), and how many extra. */
  duplicates(): Map<string, number> {
    const byName = new Map<string, number>();
    for (const name of this.#seen.values()) byName.set(name, (byName.get(name) ?? 0) + 1);
    return new Map([...byName].filter(([, n]) => n > 1).map(([name, n]) => [name, n - 1]));
  }

  instancesSeen(): number {
    return this.#seen.size;
  }
}
