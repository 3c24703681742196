/**
 * Every field of a spec reaches the cloud: what the backend holds (hooks.inspect) carries the user
 * data, SSH keys, tags, type, region and image the caller asked for, not merely what the provider
 * echoes back. A provider that drops a field from its create request fails here.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, type CloudProvider } from '../../contract/contract.js';
import { GROUP_NAMES } from '../group-names.js';
import { setupGroup } from '../context.js';
import { skipNeeding } from '../skipped.js';
import type { BackendInstance, ConformanceOptions } from '../options.js';

export function describeSpecDeliveryGroup<P extends CloudProvider>(options: ConformanceOptions<P>): void {
  describe(GROUP_NAMES.specDelivery, () => {
    const ctx = setupGroup(options, 'delivery');
    const timeout = ctx.options.testTimeoutMs;
    const inspect = ctx.hooks.inspect;
    const fieldsTitle = 'userData, sshKeys, tags, type, region and image reach the backend';
    const armTitle = 'arm64, where offered, reaches the backend as an arm64 type';

    if (!inspect) {
      skipNeeding('hooks.inspect', [fieldsTitle, armTitle]);
      return;
    }

    const held = async (id: string): Promise<BackendInstance> => {
      const instance = await inspect(id);
      if (instance === null) expect.fail(`the backend holds no instance ${id} right after its create`);
      return instance;
    };

    it(fieldsTitle, async () => {
      const tags = { ...ctx.caseTags(), env: 'conformance' };
      const userData = `#cloud-config\n# stagely conformance ${randomBytes(4).toString('hex')}\nruncmd:\n  - [echo, ok]\n`;
      const sshKeys = ctx.provider.capabilities.sshKeys
        ? [ctx.options.sshKeyName ?? (await ctx.provider.listSshKeys())[0]?.name].filter((k): k is string => k !== undefined)
        : [];
      const instance = await ctx.provider.createInstance(ctx.spec(tags, { userData, ...(sshKeys.length > 0 ? { sshKeys } : {}) }));
      const backend = await held(instance.id);
      expect(backend.id, 'backend id').toBe(instance.id);
      expect(['pending', 'running'], 'the backend runs the new instance').toContain(backend.state);
      expect(backend.userData, 'user data as the backend holds it').toBe(userData);
      expect([...backend.sshKeys].sort(), 'SSH keys as the backend holds them').toEqual([...sshKeys].sort());
      expect(backend.tags, 'tags as the backend holds them').toMatchObject({ ...tags, [MANAGED_BY_TAG]: MANAGED_BY_VALUE });
      expect(backend.type, 'the backend runs the type the instance reports').toBe(instance.type);
      expect(backend.region, 'the backend region').toBe(ctx.options.region);
      expect(typeof backend.image === 'string' && backend.image.length > 0, 'the backend names the image it booted').toBe(true);
      if (backend.architecture !== undefined) expect(backend.architecture, 'backend architecture').toBe('amd64');
      if (backend.spot !== undefined) expect(backend.spot, 'backend spot').toBe(false);
    }, timeout);

    it(armTitle, async (test) => {
      test.skip(!ctx.provider.capabilities.architectures.includes('arm64'), 'arm64 not offered: the capabilities group covers it');
      const instance = await ctx.provider.createInstance(ctx.spec(ctx.caseTags(), { architecture: 'arm64' }));
      expect(instance.architecture, 'the instance reports arm64').toBe('arm64');
      const backend = await held(instance.id);
      expect(backend.type, 'the backend runs the type the instance reports').toBe(instance.type);
      if (backend.architecture !== undefined) expect(backend.architecture, 'backend architecture').toBe('arm64');
      const amd64 = await ctx.provider.validateSpec(ctx.spec(ctx.caseTags()));
      expect(backend.type, 'an arm64 create does not run the amd64 type').not.toBe(amd64.type);
    }, timeout);
  });
}
