/** listInstances only ever returns instances this library manages (managed-by=stagely). */
import { describe, expect, it } from 'vitest';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, type CloudProvider } from '../../contract/contract.js';
import { GROUP_NAMES } from '../group-names.js';
import { setupGroup } from '../context.js';
import type { ConformanceOptions } from '../options.js';

export function describeUnmanagedGroup<P extends CloudProvider>(options: ConformanceOptions<P>): void {
  describe(GROUP_NAMES.unmanaged, () => {
    const ctx = setupGroup(options, 'unmanaged');
    const seed = ctx.hooks.seedUnmanagedInstance;
    const title = 'listInstances never includes an unmanaged instance';

    if (!seed) {
      it.skip(`${title} [skipped: needs hooks.seedUnmanagedInstance]`, () => {});
      return;
    }

    it(title, async () => {
      const unmanaged = await seed();
      try {
        const all = await ctx.provider.listInstances();
        expect(all.map((i) => i.id), 'unfiltered listing').not.toContain(unmanaged.id);
        for (const instance of all) {
          expect(instance.tags[MANAGED_BY_TAG], `listed instance ${instance.id} is managed`).toBe(MANAGED_BY_VALUE);
        }
        const filtered = await ctx.provider.listInstances({ tags: {} });
        expect(filtered.map((i) => i.id), 'listing with an empty tag filter').not.toContain(unmanaged.id);
      } finally {
        // The suite made it, so the suite removes it; a provider may refuse (hooks.cleanup then does).
        await ctx.provider.terminateInstance(unmanaged.id).catch(() => undefined);
      }
    }, ctx.options.testTimeoutMs);
  });
}
