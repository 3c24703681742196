/** The provider speaks contract v1 and describes itself truthfully. */
import { describe, expect, it } from 'vitest';
import { ARCHITECTURES, CONTRACT_VERSION, PROVIDER_METHODS, type CloudProvider } from '../../contract/contract.js';
import { GROUP_NAMES } from '../group-names.js';
import { setupGroup } from '../context.js';
import type { ConformanceOptions } from '../options.js';


export function describeContractGroup<P extends CloudProvider>(options: ConformanceOptions<P>): void {
  describe(GROUP_NAMES.contract, () => {
    const ctx = setupGroup(options, 'contract');
    const timeout = ctx.options.testTimeoutMs;

    it(`has contractVersion ${CONTRACT_VERSION}, a name and every method`, () => {
      const { provider } = ctx;
      expect(provider.contractVersion).toBe(CONTRACT_VERSION);
      expect(provider.name).toMatch(/^[a-z0-9][a-z0-9-]*$/);
      for (const method of PROVIDER_METHODS) expect(typeof provider[method], method).toBe('function');
    });

    it('declares its capabilities', () => {
      const { capabilities } = ctx.provider;
      expect(Array.isArray(capabilities.architectures), 'capabilities.architectures is an array').toBe(true);
      expect(capabilities.architectures.length, 'at least one architecture').toBeGreaterThan(0);
      expect(new Set(capabilities.architectures).size, 'no architecture twice').toBe(capabilities.architectures.length);
      for (const arch of capabilities.architectures) expect(ARCHITECTURES).toContain(arch);
      for (const flag of ['spot', 'snapshots', 'sshKeys'] as const) {
        expect(typeof capabilities[flag], `capabilities.${flag}`).toBe('boolean');
      }
    });

    it('validateCredentials resolves with valid credentials', async () => {
      await expect(ctx.provider.validateCredentials()).resolves.toBeUndefined();
    }, timeout);
  });
}
