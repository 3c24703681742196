/**
 * listInstances returns every instance, however many pages the API splits them into; its `request`
 * events prove that it did cross a page boundary, so the check means something against any backend.
 */
import { describe, expect, it } from 'vitest';
import { GROUP_NAMES } from '../group-names.js';
import { distinctIds } from '../assertions.js';
import { setupGroup } from '../context.js';
import type { CloudProvider } from '../../contract/contract.js';
import type { ConformanceOptions } from '../options.js';

export function describePaginationGroup<P extends CloudProvider>(options: ConformanceOptions<P>): void {
  describe(GROUP_NAMES.pagination, () => {
    const ctx = setupGroup(options, 'pages');
    const count = ctx.options.pagedInstanceCount;

    it(`listInstances returns all of ${count} instances, across pages, each once`, async () => {
      const tags = ctx.caseTags();
      const created: string[] = [];
      // One after another: this group is about listing, not about concurrent creates.
      for (let i = 0; i < count; i++) created.push((await ctx.provider.createInstance(ctx.spec(tags))).id);

      const { outcome, requests } = await ctx.requestsDuring(() => ctx.provider.listInstances({ tags }));
      if (outcome.status === 'rejected') throw outcome.reason;
      const filtered = distinctIds(outcome.value);
      expect([...filtered].sort(), 'listing filtered by the test tags').toEqual([...created].sort());
      expect(
        requests.length,
        `requests of the filtered listing: ${count} instances must span at least two pages (pagedInstanceCount above the backend's page size)`,
      ).toBeGreaterThanOrEqual(2);

      const all = distinctIds(await ctx.provider.listInstances());
      for (const id of created) expect(all.has(id), `unfiltered listing includes ${id}`).toBe(true);
    }, ctx.options.testTimeoutMs);
  });
}
