/** create -> get -> wait ready -> list -> terminate -> get shows it gone, list leaves it out. */
import { describe, expect, it } from 'vitest';
import { isReady, type Instance, type CloudProvider } from '../../contract/contract.js';
import { GROUP_NAMES } from '../group-names.js';
import { expectGone, expectInstanceShape } from '../assertions.js';
import { setupGroup } from '../context.js';
import type { ConformanceOptions } from '../options.js';

export function describeLifecycleGroup<P extends CloudProvider>(options: ConformanceOptions<P>): void {
  describe(GROUP_NAMES.lifecycle, () => {
    const ctx = setupGroup(options, 'lifecycle');
    const timeout = ctx.options.testTimeoutMs;
    const region = ctx.options.region;
    let tags: Record<string, string> = {};
    let created: Instance | undefined;

    // The steps share one instance; a later step cannot pass when an earlier one did not create it.
    const instance = (): Instance => {
      if (!created) expect.fail('no instance: createInstance failed in an earlier step');
      return created;
    };

    it('createInstance returns the accepted instance', async () => {
      tags = ctx.caseTags();
      created = await ctx.provider.createInstance(ctx.spec(tags));
      expectInstanceShape(created, ctx.provider, { region, tags });
      expect(created.state, 'a new instance is not terminated').not.toBe('terminated');
      expect(created.architecture, 'architecture defaults to amd64').toBe('amd64');
      expect(created.spot, 'spot defaults to false').toBe(false);
    }, timeout);

    it('getInstance returns it', async () => {
      const got = await ctx.provider.getInstance(instance().id);
      expect(got, 'getInstance of the new instance').not.toBeNull();
      expectInstanceShape(got!, ctx.provider, { region, tags });
      expect(got!.id).toBe(instance().id);
      expect(got!.name).toBe(instance().name);
    }, timeout);

    it('waitUntilReady resolves once it runs with a public IP', async () => {
      const ready = await ctx.provider.waitUntilReady(instance().id, { timeoutMs: ctx.options.readyTimeoutMs });
      expect(ready.id).toBe(instance().id);
      expect(ready.state).toBe('running');
      expect(ready.publicIp, 'a ready instance has a public IP').not.toBeNull();
      expect(isReady(ready)).toBe(true);
      const got = await ctx.provider.getInstance(instance().id);
      expect(got && isReady(got), 'getInstance agrees that it is ready').toBe(true);
    }, timeout);

    it('listInstances includes it, unfiltered and filtered by its tags', async () => {
      const all = await ctx.provider.listInstances();
      expect(all.map((i) => i.id), 'unfiltered listing').toContain(instance().id);
      const mine = await ctx.provider.listInstances({ tags });
      expect(mine.map((i) => i.id), 'listing filtered by its tags').toEqual([instance().id]);
      expectInstanceShape(mine[0]!, ctx.provider, { region, tags });
    }, timeout);

    it('terminateInstance resolves; getInstance then shows terminated or null', async () => {
      await ctx.provider.terminateInstance(instance().id);
      await expectGone(ctx.provider, instance().id);
    }, timeout);

    it('listInstances leaves the terminated instance out, or shows it terminating', async () => {
      const running = (list: Instance[]) => list.filter((i) => i.id === instance().id && i.state !== 'terminating').map((i) => i.state);
      expect(running(await ctx.provider.listInstances()), 'unfiltered listing').toEqual([]);
      expect(running(await ctx.provider.listInstances({ tags })), 'listing filtered by its tags').toEqual([]);
    }, timeout);
  });
}
