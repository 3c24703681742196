/**
 * A storm of concurrent callers against a backend under a small request budget (hooks.rateLimit):
 * each caller finishes, or fails RATE_LIMITED with a `retryAfterMs`, and the provider stays near the
 * budget instead of hammering the API: the total of requests (its `request` events) is bounded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CloudProvider } from '../../contract/contract.js';
import { isStagelyError } from '../../contract/errors.js';
import { GROUP_NAMES } from '../group-names.js';
import { setupGroup } from '../context.js';
import { skipNeeding } from '../skipped.js';
import type { ConformanceOptions } from '../options.js';

/** Requests the storm may spend per caller, on average, retries included; each needs one. */
const REQUESTS_PER_CALLER = 4;
const WINDOW_MS = 250;

export function describeRateLimitStormGroup<P extends CloudProvider>(options: ConformanceOptions<P>): void {
  describe(GROUP_NAMES.rateLimitStorm, () => {
    const ctx = setupGroup(options, 'storm');
    const callers = ctx.options.concurrentCreates;
    const budget = { requests: Math.max(2, Math.floor(callers / 3)), windowMs: WINDOW_MS };
    const rateLimit = ctx.hooks.rateLimit;
    const title = `${callers} concurrent callers under a budget of ${budget.requests} requests per ${WINDOW_MS} ms finish or fail RATE_LIMITED, within ${REQUESTS_PER_CALLER * callers} requests`;

    if (!rateLimit) {
      skipNeeding('hooks.rateLimit', [title]);
      return;
    }

    afterEach(() => rateLimit(undefined));

    it(title, async () => {
      const tags = ctx.caseTags();
      await rateLimit(budget);
      const { outcome, requests } = await ctx.requestsDuring(() =>
        Promise.allSettled(Array.from({ length: callers }, () => ctx.provider.listInstances({ tags }))),
      );
      if (outcome.status === 'rejected') throw outcome.reason;
      const wrong = outcome.value.flatMap((settled, index) => {
        if (settled.status === 'fulfilled') return [];
        const error: unknown = settled.reason;
        const rateLimited = isStagelyError(error, 'RATE_LIMITED') && typeof error.retryAfterMs === 'number';
        return rateLimited ? [] : [`caller ${index}: ${isStagelyError(error) ? `${error.code} ${error.message}` : String(error)}`];
      });
      expect(wrong, 'callers that neither finished nor failed RATE_LIMITED with retryAfterMs').toEqual([]);
      const refused = requests.filter((r) => r.status === 429).length;
      expect(
        requests.length,
        `requests the storm made (${refused} answered 429): a provider that ignores the budget hammers the API`,
      ).toBeLessThanOrEqual(REQUESTS_PER_CALLER * callers);
    }, ctx.options.testTimeoutMs);
  });
}
