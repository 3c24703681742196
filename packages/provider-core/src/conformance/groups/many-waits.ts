/**
 * Waits that overlap (an apply's fleet) each get their own instance, and one instance going away does
 * not fail the others: what a provider that serves many waits with one list call must get right.
 */
import { describe, expect, it } from 'vitest';
import { isReady, type CloudProvider, type Instance } from '../../contract/contract.js';
import { isStagelyError } from '../../contract/errors.js';
import { GROUP_NAMES } from '../group-names.js';
import { setupGroup } from '../context.js';
import type { ConformanceOptions } from '../options.js';

export function describeManyWaitsGroup<P extends CloudProvider>(options: ConformanceOptions<P>): void {
  describe(GROUP_NAMES.manyWaits, () => {
    const ctx = setupGroup(options, 'waits');
    const count = ctx.options.concurrentCreates;
    const waitOptions = { timeoutMs: ctx.options.readyTimeoutMs };

    const createMany = (n: number): Promise<Instance[]> => {
      const tags = ctx.caseTags();
      return Promise.all(Array.from({ length: n }, () => ctx.provider.createInstance(ctx.spec(tags))));
    };

    it(`${count} overlapping waits each resolve to their own instance, ready`, async () => {
      const created = await createMany(count);
      const ready = await Promise.all(created.map((instance) => ctx.provider.waitUntilReady(instance.id, waitOptions)));
      expect(ready.map((instance) => instance.id), 'each wait answers for the instance it was asked about').toEqual(created.map((i) => i.id));
      expect(ready.filter((instance) => !isReady(instance)).map((i) => i.id), 'answered before ready').toEqual([]);
    }, ctx.options.testTimeoutMs);

    it('an instance terminated while others are waited for fails no other wait', async () => {
      const [gone, ...kept] = await createMany(3);
      const stop = new AbortController();
      const goneWait = ctx.provider.waitUntilReady(gone!.id, { ...waitOptions, signal: stop.signal }).then(
        () => 'ready',
        (error: unknown) => (isStagelyError(error) ? error.code : 'untyped'),
      );
      const keptWaits = kept.map((instance) => ctx.provider.waitUntilReady(instance.id, waitOptions));
      await ctx.provider.terminateInstance(gone!.id);
      const ready = await Promise.all(keptWaits);
      expect(ready.map((instance) => instance.id), 'the other waits still answer for their instances').toEqual(kept.map((i) => i.id));
      // The wait for the terminated one may still be in its not-found grace window: end it.
      stop.abort();
      // (It may also have seen it ready first, if it booted before the terminate.)
    expect(['NOT_FOUND', 'ABORTED', 'ready'], 'the wait for the terminated instance ends typed').toContain(await goneWait);
    }, ctx.options.testTimeoutMs);
  });
}
