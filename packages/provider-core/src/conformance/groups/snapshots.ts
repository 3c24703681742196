/** Snapshots: create, list, delete (twice) when offered; NotSupportedError from every call when not. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GROUP_NAMES } from '../group-names.js';
import { expectNotSupported } from '../assertions.js';
import { setupGroup } from '../context.js';
import type { CloudProvider } from '../../contract/contract.js';
import type { ConformanceOptions } from '../options.js';

export function describeSnapshotsGroup<P extends CloudProvider>(options: ConformanceOptions<P>): void {
  describe(GROUP_NAMES.snapshots, () => {
    const ctx = setupGroup(options, 'snapshots');
    const timeout = ctx.options.testTimeoutMs;

    it('when offered: createSnapshot, listSnapshots, deleteSnapshot twice', async (test) => {
      test.skip(!ctx.provider.capabilities.snapshots, 'snapshots not offered: the NotSupportedError test covers them');
      const instance = await ctx.provider.createInstance(ctx.spec(ctx.caseTags()));
      await ctx.provider.waitUntilReady(instance.id, { timeoutMs: ctx.options.readyTimeoutMs });
      const name = `${ctx.runLabel}-${randomBytes(3).toString('hex')}`;
      const snapshot = await ctx.provider.createSnapshot(instance.id, name);
      try {
        expect(typeof snapshot.id === 'string' && snapshot.id.length > 0, 'snapshot.id').toBe(true);
        expect(snapshot.name).toBe(name);
        expect(snapshot.provider).toBe(ctx.provider.name);
        expect(snapshot.createdAt instanceof Date && !Number.isNaN(snapshot.createdAt.getTime()), 'snapshot.createdAt').toBe(true);
        const listed = await ctx.provider.listSnapshots();
        expect(listed.map((s) => s.id), 'listSnapshots includes the new snapshot').toContain(snapshot.id);
      } finally {
        await ctx.provider.deleteSnapshot(snapshot.id);
      }
      await ctx.provider.deleteSnapshot(snapshot.id);
      expect((await ctx.provider.listSnapshots()).map((s) => s.id), 'listSnapshots after delete').not.toContain(snapshot.id);
    }, timeout);

    it('when not offered: every snapshot call is a NotSupportedError', async (test) => {
      test.skip(ctx.provider.capabilities.snapshots, 'snapshots offered: the create/list/delete test covers them');
      await expectNotSupported(ctx.provider.createSnapshot(ctx.options.unknownId, `${ctx.runLabel}-snap`), 'createSnapshot');
      await expectNotSupported(ctx.provider.listSnapshots(), 'listSnapshots');
      await expectNotSupported(ctx.provider.deleteSnapshot('no-such-snapshot'), 'deleteSnapshot');
    }, timeout);
  });
}
