/**
 * A warm provider creates with a bounded number of API requests (its `request` events): the
 * catalogue and other look-ups are read once, not on every create.
 */
import { describe, expect, it } from 'vitest';
import type { CloudProvider } from '../../contract/contract.js';
import { GROUP_NAMES } from '../group-names.js';
import { setupGroup } from '../context.js';
import type { ConformanceOptions } from '../options.js';

export function describeRequestBudgetGroup<P extends CloudProvider>(options: ConformanceOptions<P>): void {
  describe(GROUP_NAMES.requestBudget, () => {
    const ctx = setupGroup(options, 'budget');
    const most = ctx.options.warmCreateMaxRequests;

    it(`a warm createInstance makes at most ${most} API requests`, async () => {
      await ctx.provider.createInstance(ctx.spec(ctx.caseTags()));
      const { outcome, requests } = await ctx.requestsDuring(() => ctx.provider.createInstance(ctx.spec(ctx.caseTags())));
      if (outcome.status === 'rejected') throw outcome.reason;
      const made = requests.map((r) => r.operation).join(', ');
      expect(requests.length, `requests of a second create: ${made}`).toBeLessThanOrEqual(most);
    }, ctx.options.testTimeoutMs);
  });
}
