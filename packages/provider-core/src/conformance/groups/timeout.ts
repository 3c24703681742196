/** Waiting past its limit is a TimeoutError; provisionInstance then removes what it made. */
import { describe, expect, it } from 'vitest';
import { provisionInstance } from '../../runtime/provision.js';
import { GROUP_NAMES } from '../group-names.js';
import { expectNothingListed, expectStagelyError } from '../assertions.js';
import { setupGroup } from '../context.js';
import type { CloudProvider } from '../../contract/contract.js';
import type { ConformanceOptions } from '../options.js';

export function describeTimeoutGroup<P extends CloudProvider>(options: ConformanceOptions<P>): void {
  describe(GROUP_NAMES.timeout, () => {
    const ctx = setupGroup(options, 'timeout');
    const timeout = ctx.options.testTimeoutMs;
    const tooShort = options.tooShortTimeoutMs;

    if (tooShort === undefined) {
      it.skip('waitUntilReady past its timeoutMs rejects with TimeoutError [skipped: needs tooShortTimeoutMs]', () => {});
      return;
    }

    it('waitUntilReady past its timeoutMs rejects with TimeoutError', async () => {
      const instance = await ctx.provider.createInstance(ctx.spec(ctx.caseTags()));
      const error = await expectStagelyError(ctx.provider.waitUntilReady(instance.id, { timeoutMs: tooShort }), 'TIMEOUT', 'waitUntilReady');
      expect(error.retryable, 'a timeout is retryable').toBe(true);
    }, timeout);

    it('provisionInstance that times out rejects with TimeoutError and leaves nothing', async () => {
      const tags = ctx.caseTags();
      await expectStagelyError(provisionInstance(ctx.provider, ctx.spec(tags), { timeoutMs: tooShort }), 'TIMEOUT', 'provisionInstance');
      await expectNothingListed(ctx.provider, tags, 'a timed-out provisioning leaves no instance');
    }, timeout);
  });
}
