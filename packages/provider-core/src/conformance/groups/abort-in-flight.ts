/**
 * An abort that comes while the create request is on its way leaves nothing once the provider has
 * settled. The abort is fired at several moments from the call on (synchronously, after a microtask,
 * after a few timer turns), so that against any backend some land while the request is in flight.
 * A create that resolves owns its instance (the group's cleanup removes it); one that rejects must be
 * an AbortedError with no instance left, checked by listing, again after a pause for late work.
 */
import { describe, it } from 'vitest';
import type { CloudProvider } from '../../contract/contract.js';
import { GROUP_NAMES } from '../group-names.js';
import { expectNothingListed, expectStagelyError } from '../assertions.js';
import { setupGroup } from '../context.js';
import type { ConformanceOptions } from '../options.js';

/** When to abort, after calling createInstance. */
const MOMENTS: Array<{ label: string; after: (abort: () => void) => void }> = [
  { label: 'synchronously', after: (abort) => abort() },
  { label: 'after a microtask', after: (abort) => queueMicrotask(abort) },
  ...[0, 1, 5, 20, 50].map((ms) => ({ label: `after ${ms} ms`, after: (abort: () => void) => void setTimeout(abort, ms) })),
];
/** How long a provider's late work (a create sent without the signal) gets to show up before the second look. */
const SETTLE_MS = 150;

export function describeAbortInFlightGroup<P extends CloudProvider>(options: ConformanceOptions<P>): void {
  describe(GROUP_NAMES.abortInFlight, () => {
    const ctx = setupGroup(options, 'inflight');

    it('createInstance aborted while its request is in flight rejects with AbortedError and leaves nothing', async () => {
      const aborted: Array<{ label: string; tags: Record<string, string> }> = [];
      for (const moment of MOMENTS) {
        const tags = ctx.caseTags();
        const controller = new AbortController();
        const creating = ctx.provider.createInstance(ctx.spec(tags), { signal: controller.signal });
        moment.after(() => controller.abort());
        const [outcome] = await Promise.allSettled([creating]);
        // Created before the abort took: the caller owns it, and the group's cleanup removes it.
        if (outcome!.status === 'fulfilled') continue;
        await expectStagelyError(Promise.reject(outcome!.reason), 'ABORTED', `createInstance aborted ${moment.label}`);
        await expectNothingListed(ctx.provider, tags, `an aborted create (abort ${moment.label}) leaves no instance`);
        aborted.push({ label: moment.label, tags });
      }
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      for (const { label, tags } of aborted) {
        await expectNothingListed(ctx.provider, tags, `an aborted create (abort ${label}) leaves no instance once late work has settled`);
      }
    }, ctx.options.testTimeoutMs);
  });
}
