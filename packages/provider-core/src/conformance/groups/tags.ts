/** Tags round-trip through create, get and list; a tag filter selects by every tag it gives. */
import { describe, expect, it } from 'vitest';
import { GROUP_NAMES } from '../group-names.js';
import { expectInstanceShape } from '../assertions.js';
import { setupGroup } from '../context.js';
import type { CloudProvider } from '../../contract/contract.js';
import type { ConformanceOptions } from '../options.js';

export function describeTagsGroup<P extends CloudProvider>(options: ConformanceOptions<P>): void {
  describe(GROUP_NAMES.tags, () => {
    const ctx = setupGroup(options, 'tags');
    const timeout = ctx.options.testTimeoutMs;
    const region = ctx.options.region;

    it('tags round-trip through createInstance, getInstance and listInstances', async () => {
      const tags = { ...ctx.caseTags(), env: 'conformance', team: 'infra-1' };
      const created = await ctx.provider.createInstance(ctx.spec(tags));
      expectInstanceShape(created, ctx.provider, { region, tags });
      const got = await ctx.provider.getInstance(created.id);
      expect(got, 'getInstance of the new instance').not.toBeNull();
      expectInstanceShape(got!, ctx.provider, { region, tags });
      const listed = await ctx.provider.listInstances({ tags });
      expect(listed.map((i) => i.id)).toEqual([created.id]);
      expectInstanceShape(listed[0]!, ctx.provider, { region, tags });
    }, timeout);

    it('a tag filter keeps only instances carrying every given tag', async () => {
      const base = ctx.caseTags();
      const web = await ctx.provider.createInstance(ctx.spec({ ...base, role: 'web' }));
      const db = await ctx.provider.createInstance(ctx.spec({ ...base, role: 'db' }));
      const ids = async (filter: Record<string, string>) => (await ctx.provider.listInstances({ tags: filter })).map((i) => i.id).sort();
      expect(await ids(base), 'filter on the shared tags').toEqual([web.id, db.id].sort());
      expect(await ids({ ...base, role: 'web' }), 'filter role=web').toEqual([web.id]);
      expect(await ids({ ...base, role: 'db' }), 'filter role=db').toEqual([db.id]);
      expect(await ids({ ...base, role: 'cache' }), 'filter on a value no instance has').toEqual([]);
      expect(await ids({ ...base, missing: 'x' }), 'filter on a key no instance has').toEqual([]);
    }, timeout);
  });
}
