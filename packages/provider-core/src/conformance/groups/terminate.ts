/** terminateInstance is idempotent, and never reports success for an instance that still runs. */
import { describe, it } from 'vitest';
import { GROUP_NAMES } from '../group-names.js';
import { expectGone, expectNothingListed } from '../assertions.js';
import { setupGroup } from '../context.js';
import type { CloudProvider } from '../../contract/contract.js';
import type { ConformanceOptions } from '../options.js';

export function describeTerminateGroup<P extends CloudProvider>(options: ConformanceOptions<P>): void {
  describe(GROUP_NAMES.terminate, () => {
    const ctx = setupGroup(options, 'terminate');
    const timeout = ctx.options.testTimeoutMs;

    it('terminates a just-created instance, and terminating it again succeeds', async () => {
      const tags = ctx.caseTags();
      const instance = await ctx.provider.createInstance(ctx.spec(tags));
      await ctx.provider.terminateInstance(instance.id);
      await expectGone(ctx.provider, instance.id);
      await ctx.provider.terminateInstance(instance.id);
      await expectGone(ctx.provider, instance.id);
      await expectNothingListed(ctx.provider, tags, 'a terminated instance is not listed');
    }, timeout);

    it('terminating a ready instance twice succeeds', async () => {
      const tags = ctx.caseTags();
      const instance = await ctx.provider.createInstance(ctx.spec(tags));
      await ctx.provider.waitUntilReady(instance.id, { timeoutMs: ctx.options.readyTimeoutMs });
      await ctx.provider.terminateInstance(instance.id);
      await ctx.provider.terminateInstance(instance.id);
      await expectGone(ctx.provider, instance.id);
    }, timeout);

    it('terminating an unknown id succeeds', async () => {
      await ctx.provider.terminateInstance(ctx.options.unknownId);
    }, timeout);
  });
}
