/**
 * terminateInstance tells the truth: once it resolves, the backend (hooks.inspect) has accepted the
 * delete, whatever the provider's own view says. A provider that resolves before the delete is
 * carried out, and reports the instance as gone meanwhile, fails here.
 */
import { describe, it } from 'vitest';
import type { CloudProvider } from '../../contract/contract.js';
import { GROUP_NAMES } from '../group-names.js';
import { expectBackendGone, expectGone } from '../assertions.js';
import { setupGroup } from '../context.js';
import { skipNeeding } from '../skipped.js';
import type { ConformanceOptions } from '../options.js';

export function describeTerminateTruthfulGroup<P extends CloudProvider>(options: ConformanceOptions<P>): void {
  describe(GROUP_NAMES.terminateTruthful, () => {
    const ctx = setupGroup(options, 'truthful');
    const timeout = ctx.options.testTimeoutMs;
    const inspect = ctx.hooks.inspect;
    const titles = {
      pending: 'once terminateInstance resolves, the backend no longer runs a pending instance',
      ready: 'once terminateInstance resolves, the backend no longer runs a ready instance',
    };

    if (!inspect) {
      skipNeeding('hooks.inspect', Object.values(titles));
      return;
    }

    for (const [phase, title] of Object.entries(titles)) {
      it(title, async () => {
        const instance = await ctx.provider.createInstance(ctx.spec(ctx.caseTags()));
        if (phase === 'ready') await ctx.provider.waitUntilReady(instance.id, { timeoutMs: ctx.options.readyTimeoutMs });
        await ctx.provider.terminateInstance(instance.id);
        await expectBackendGone(inspect, instance.id, 'right after terminateInstance resolved');
        await expectGone(ctx.provider, instance.id);
      }, timeout);
    }
  });
}
