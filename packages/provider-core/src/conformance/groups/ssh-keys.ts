/** SSH keys: listed and usable at create when offered; NotSupported behaviour when not. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Instance, CloudProvider } from '../../contract/contract.js';
import { GROUP_NAMES } from '../group-names.js';
import { expectInstanceShape, expectInvalidInput, expectNotSupported, expectNothingListed } from '../assertions.js';
import { setupGroup } from '../context.js';
import type { ConformanceOptions } from '../options.js';

export function describeSshKeysGroup<P extends CloudProvider>(options: ConformanceOptions<P>): void {
  describe(GROUP_NAMES.sshKeys, () => {
    const ctx = setupGroup(options, 'sshkeys');
    const timeout = ctx.options.testTimeoutMs;
    const offered = () => ctx.provider.capabilities.sshKeys;

    it('when offered: listSshKeys gives id, name and fingerprint', async (test) => {
      test.skip(!offered(), 'ssh keys not offered: the NotSupportedError test covers them');
      const keys = await ctx.provider.listSshKeys();
      expect(Array.isArray(keys)).toBe(true);
      for (const key of keys) {
        for (const field of ['id', 'name', 'fingerprint'] as const) {
          expect(typeof key[field] === 'string' && key[field].length > 0, `key.${field}`).toBe(true);
        }
      }
      if (ctx.options.sshKeyName !== undefined) {
        expect(keys.map((k) => k.name), 'options.sshKeyName is listed').toContain(ctx.options.sshKeyName);
      }
    }, timeout);

    it('when offered: createInstance with an existing key succeeds', async (test) => {
      test.skip(!offered(), 'ssh keys not offered: the NotSupportedError test covers them');
      const name = ctx.options.sshKeyName ?? (await ctx.provider.listSshKeys())[0]?.name;
      test.skip(name === undefined, 'no SSH key in the account and no options.sshKeyName');
      const tags = ctx.caseTags();
      const instance = await ctx.provider.createInstance(ctx.spec(tags, { sshKeys: [name!] }));
      expectInstanceShape(instance, ctx.provider, { region: ctx.options.region, tags });
    }, timeout);

    it('when offered: createInstance with an unknown key is an InvalidInputError naming sshKeys', async (test) => {
      test.skip(!offered(), 'ssh keys not offered: the NotSupportedError test covers them');
      const tags = ctx.caseTags();
      const missing = `no-such-key-${randomBytes(4).toString('hex')}`;
      await expectInvalidInput(ctx.provider.createInstance(ctx.spec(tags, { sshKeys: [missing] })), 'sshKeys', 'createInstance with an unknown key');
      await expectNothingListed(ctx.provider, tags, 'a refused spec creates nothing');
    }, timeout);

    it('when not offered: listSshKeys is a NotSupportedError; a create with keys is refused or warned', async (test) => {
      test.skip(offered(), 'ssh keys offered: the tests above cover them');
      await expectNotSupported(ctx.provider.listSshKeys(), 'listSshKeys');
      const tags = ctx.caseTags();
      let instance: Instance;
      try {
        instance = await ctx.provider.createInstance(ctx.spec(tags, { sshKeys: ['any-key'] }));
      } catch (error) {
        await expectNotSupported(Promise.reject(error), 'createInstance with sshKeys');
        await expectNothingListed(ctx.provider, tags, 'a refused spec creates nothing');
        return;
      }
      expect(instance.warnings.length, 'ssh keys not offered, yet the instance carries no warning').toBeGreaterThan(0);
    }, timeout);
  });
}
