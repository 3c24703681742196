/** Concurrent creates each give their own instance: no lost, merged or duplicated creates. */
import { describe, expect, it } from 'vitest';
import { GROUP_NAMES } from '../group-names.js';
import { distinctIds } from '../assertions.js';
import { setupGroup } from '../context.js';
import type { CloudProvider, Instance } from '../../contract/contract.js';
import type { ConformanceOptions } from '../options.js';

export function describeConcurrencyGroup<P extends CloudProvider>(options: ConformanceOptions<P>): void {
  describe(GROUP_NAMES.concurrency, () => {
    const ctx = setupGroup(options, 'concurrent');
    const count = ctx.options.concurrentCreates;

    it(`${count} concurrent creates give ${count} distinct instances`, async () => {
      const tags = ctx.caseTags();
      const settled = await Promise.allSettled(Array.from({ length: count }, () => ctx.provider.createInstance(ctx.spec(tags))));
      const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
      expect(failures.map((f) => String(f.reason)), 'concurrent creates that failed').toEqual([]);
      const instances = settled.map((s) => (s as PromiseFulfilledResult<Instance>).value);

      const ids = distinctIds(instances);
      expect(new Set(instances.map((i) => i.name)).size, 'distinct names').toBe(count);
      const listed = distinctIds(await ctx.provider.listInstances({ tags }));
      expect([...listed].sort(), 'listing shows each of them').toEqual([...ids].sort());
    }, ctx.options.testTimeoutMs);
  });
}
