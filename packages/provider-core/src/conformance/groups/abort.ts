/** An aborted call rejects with AbortedError and leaves nothing behind. */
import { describe, expect, it } from 'vitest';
import { provisionInstance } from '../../runtime/provision.js';
import { GROUP_NAMES } from '../group-names.js';
import { expectGone, expectNothingListed, expectStagelyError } from '../assertions.js';
import { setupGroup } from '../context.js';
import type { CloudProvider } from '../../contract/contract.js';
import type { ConformanceOptions } from '../options.js';
import { withOverrides } from '../../testing/with-overrides.js';

export function describeAbortGroup<P extends CloudProvider>(options: ConformanceOptions<P>): void {
  describe(GROUP_NAMES.abort, () => {
    const ctx = setupGroup(options, 'abort');
    const timeout = ctx.options.testTimeoutMs;

    it('provisionInstance aborted mid-wait rejects with AbortedError and leaves nothing', async () => {
      const tags = ctx.caseTags();
      const controller = new AbortController();
      let createdId: string | undefined;
      let waitStarted = false;
      const provider = ctx.provider;
      // Abort once the wait is under way: the instance exists and is not ready yet.
      const watched = withOverrides(provider, {
        createInstance: async (spec, op) => {
          const instance = await provider.createInstance(spec, op);
          createdId = instance.id;
          return instance;
        },
        waitUntilReady: (id, op) => {
          const waiting = provider.waitUntilReady(id, op);
          waitStarted = true;
          controller.abort();
          return waiting;
        },
      });

      await expectStagelyError(
        provisionInstance(watched, ctx.spec(tags), { signal: controller.signal, timeoutMs: ctx.options.readyTimeoutMs }),
        'ABORTED',
        'provisionInstance aborted mid-wait',
      );
      expect(waitStarted, 'the abort came while waiting').toBe(true);
      expect(createdId, 'an instance was created before the abort').toBeDefined();
      await expectGone(provider, createdId!);
      await expectNothingListed(provider, tags, 'an aborted provisioning leaves no instance');
    }, timeout);

    it('createInstance with an aborted signal rejects with AbortedError and creates nothing', async () => {
      const tags = ctx.caseTags();
      const controller = new AbortController();
      controller.abort();
      await expectStagelyError(ctx.provider.createInstance(ctx.spec(tags), { signal: controller.signal }), 'ABORTED', 'createInstance');
      await expectNothingListed(ctx.provider, tags, 'an aborted create leaves no instance');
    }, timeout);

    it('waitUntilReady with an aborted signal rejects with AbortedError', async () => {
      const tags = ctx.caseTags();
      const instance = await ctx.provider.createInstance(ctx.spec(tags));
      const controller = new AbortController();
      controller.abort();
      await expectStagelyError(
        ctx.provider.waitUntilReady(instance.id, { signal: controller.signal, timeoutMs: ctx.options.readyTimeoutMs }),
        'ABORTED',
        'waitUntilReady',
      );
    }, timeout);
  });
}
