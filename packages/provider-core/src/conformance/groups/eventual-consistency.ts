/**
 * Right after a create the cloud may answer "not found" for a while (hooks.notFoundFor): waiting and
 * provisionInstance ride that out, and never destroy the instance for it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isReady, type CloudProvider } from '../../contract/contract.js';
import { provisionInstance } from '../../runtime/provision.js';
import { GROUP_NAMES } from '../group-names.js';
import { setupGroup } from '../context.js';
import { skipNeeding } from '../skipped.js';
import type { ConformanceOptions } from '../options.js';

/** How long a new instance is "not found": well inside core's grace window and the suite's readiness limit. */
const NOT_FOUND_MS = 1_000;

export function describeEventualConsistencyGroup<P extends CloudProvider>(options: ConformanceOptions<P>): void {
  describe(GROUP_NAMES.eventualConsistency, () => {
    const ctx = setupGroup(options, 'eventual');
    const timeout = ctx.options.testTimeoutMs;
    const notFoundFor = ctx.hooks.notFoundFor;
    const titles = {
      wait: `waitUntilReady rides out ${NOT_FOUND_MS} ms of "not found" right after a create`,
      provision: `provisionInstance rides out ${NOT_FOUND_MS} ms of "not found" and keeps the one instance it made`,
    };

    if (!notFoundFor) {
      skipNeeding('hooks.notFoundFor', Object.values(titles));
      return;
    }

    afterEach(() => notFoundFor(0));

    it(titles.wait, async () => {
      await notFoundFor(NOT_FOUND_MS);
      const instance = await ctx.provider.createInstance(ctx.spec(ctx.caseTags()));
      const ready = await ctx.provider.waitUntilReady(instance.id, { timeoutMs: ctx.options.readyTimeoutMs });
      expect(ready.id).toBe(instance.id);
      expect(isReady(ready), 'ready: running with a public IP').toBe(true);
    }, timeout);

    it(titles.provision, async () => {
      const tags = ctx.caseTags();
      await notFoundFor(NOT_FOUND_MS);
      const ready = await provisionInstance(ctx.provider, ctx.spec(tags), { timeoutMs: ctx.options.readyTimeoutMs });
      expect(isReady(ready), 'ready: running with a public IP').toBe(true);
      const listed = await ctx.provider.listInstances({ tags });
      expect(listed.map((i) => `${i.id} (${i.state})`), 'the one instance provisioned, still running').toEqual([`${ready.id} (running)`]);
    }, timeout);
  });
}
