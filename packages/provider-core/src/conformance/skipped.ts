/** Tests whose hook or option is absent are registered as skipped, named with what they need, never dropped silently. */
import { it } from 'vitest';

export function skipNeeding(need: string, titles: Iterable<string>): void {
  for (const title of titles) it.skip(`${title} [skipped: needs ${need}]`, () => {});
}
