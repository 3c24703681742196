/**
 * The backend carries out a call and its answer is lost (hooks.loseResponse): the case that makes
 * retrying dangerous. A create or snapshot must still give exactly one of its thing (no duplicate,
 * no leak), and a terminate must still succeed and be true.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { CloudProvider } from '../../contract/contract.js';
import { GROUP_NAMES } from '../group-names.js';
import { expectBackendGone, expectGone } from '../assertions.js';
import { setupGroup } from '../context.js';
import { skipNeeding } from '../skipped.js';
import type { ConformanceOptions } from '../options.js';

export function describeLostResponsesGroup<P extends CloudProvider>(options: ConformanceOptions<P>): void {
  describe(GROUP_NAMES.lostResponses, () => {
    const ctx = setupGroup(options, 'lost');
    const timeout = ctx.options.testTimeoutMs;
    const lose = ctx.hooks.loseResponse;
    const inspect = ctx.hooks.inspect;
    const titles = {
      create: 'a create whose answer was lost gives exactly one instance',
      terminate: 'a terminate whose answer was lost succeeds, and the instance no longer runs',
      snapshot: 'when offered: a snapshot whose answer was lost gives exactly one snapshot',
    };

    if (!lose) {
      skipNeeding('hooks.loseResponse', Object.values(titles));
      return;
    }

    afterEach(() => ctx.hooks.clearFaults());

    it(titles.create, async () => {
      const tags = ctx.caseTags();
      await lose('create', 1);
      const instance = await ctx.provider.createInstance(ctx.spec(tags));
      const listed = await ctx.provider.listInstances({ tags });
      expect(listed.map((i) => i.id), 'instances with the test tags: a lost answer must not create twice').toEqual([instance.id]);
      if (inspect) {
        const held = await inspect(instance.id);
        expect(held && ['pending', 'running'].includes(held.state), `the backend runs ${instance.id}`).toBe(true);
      }
    }, timeout);

    it(titles.terminate, async () => {
      const instance = await ctx.provider.createInstance(ctx.spec(ctx.caseTags()));
      await lose('terminate', 1);
      await ctx.provider.terminateInstance(instance.id);
      await expectGone(ctx.provider, instance.id);
      if (inspect) await expectBackendGone(inspect, instance.id, 'after a terminate whose answer was lost');
    }, timeout);

    it(titles.snapshot, async (test) => {
      test.skip(!ctx.provider.capabilities.snapshots, 'snapshots not offered: the snapshots group covers them');
      const instance = await ctx.provider.createInstance(ctx.spec(ctx.caseTags()));
      await ctx.provider.waitUntilReady(instance.id, { timeoutMs: ctx.options.readyTimeoutMs });
      const name = `${ctx.runLabel}-lost-${randomBytes(3).toString('hex')}`;
      await lose('snapshot', 1);
      const settled = await Promise.allSettled([ctx.provider.createSnapshot(instance.id, name)]);
      const named = (await ctx.provider.listSnapshots()).filter((s) => s.name === name);
      // Remove what was made before judging, so a failure leaves nothing behind either.
      for (const snapshot of named) await ctx.provider.deleteSnapshot(snapshot.id);
      const outcome = settled[0]!;
      if (outcome.status === 'rejected') expect.fail(`createSnapshot rejected after a lost answer: ${String(outcome.reason)}`);
      expect(named.map((s) => s.id), `snapshots named ${name}: a lost answer must not snapshot twice`).toEqual([outcome.value.id]);
    }, timeout);
  });
}
