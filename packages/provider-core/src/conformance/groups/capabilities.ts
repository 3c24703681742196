/**
 * arm64 and spot follow the declared capabilities: honoured when offered; otherwise the provider
 * proceeds with a warning (in `warnings` and as an event) or refuses with NotSupportedError, and a
 * strict provider always refuses.
 */
import { describe, expect, it } from 'vitest';
import type { CloudProvider, Instance, InstanceSpec } from '../../contract/contract.js';
import { GROUP_NAMES } from '../group-names.js';
import { expectInstanceShape, expectNotSupported, expectNothingListed } from '../assertions.js';
import { setupGroup, type GroupContext } from '../context.js';
import type { ConformanceOptions } from '../options.js';

interface Feature {
  label: string;
  offered(provider: CloudProvider): boolean;
  request: Partial<InstanceSpec>;
  honoured(instance: Instance): boolean;
}

const FEATURES: Feature[] = [
  {
    label: 'arm64',
    offered: (p) => p.capabilities.architectures.includes('arm64'),
    request: { architecture: 'arm64' },
    honoured: (i) => i.architecture === 'arm64',
  },
  {
    label: 'spot',
    offered: (p) => p.capabilities.spot,
    request: { spot: true },
    honoured: (i) => i.spot,
  },
];

/** Non-strict, not offered: refused (NotSupportedError, nothing made), or made and warned about. */
async function expectRefusedOrWarned(ctx: GroupContext, feature: Feature): Promise<void> {
  const tags = ctx.caseTags();
  const eventsBefore = ctx.events.length;
  let instance: Instance;
  try {
    instance = await ctx.provider.createInstance(ctx.spec(tags, feature.request));
  } catch (error) {
    await expectNotSupported(Promise.reject(error), `createInstance with ${feature.label}`);
    await expectNothingListed(ctx.provider, tags, 'a refused spec creates nothing');
    return;
  }
  expectInstanceShape(instance, ctx.provider, { region: ctx.options.region, tags });
  expect(instance.warnings.length, `${feature.label} not offered, yet the instance carries no warning`).toBeGreaterThan(0);
  const warned = ctx.events.slice(eventsBefore).some((event) => event.type === 'warning');
  expect(warned, `${feature.label} not offered, yet no warning event was emitted`).toBe(true);
}

export function describeCapabilitiesGroup<P extends CloudProvider>(options: ConformanceOptions<P>): void {
  describe(GROUP_NAMES.capabilities, () => {
    const ctx = setupGroup(options, 'caps');
    const timeout = ctx.options.testTimeoutMs;

    for (const feature of FEATURES) {
      it(`${feature.label}: provisioned when offered; otherwise a warning or NotSupportedError`, async () => {
        if (!feature.offered(ctx.provider)) return expectRefusedOrWarned(ctx, feature);
        const tags = ctx.caseTags();
        const instance = await ctx.provider.createInstance(ctx.spec(tags, feature.request));
        expectInstanceShape(instance, ctx.provider, { region: ctx.options.region, tags });
        expect(feature.honoured(instance), `${feature.label} is offered but was not provisioned`).toBe(true);
      }, timeout);

      it(`${feature.label}, strict: provisioned when offered; otherwise NotSupportedError`, async () => {
        const strict = await ctx.strictProvider();
        const tags = ctx.caseTags();
        const creating = strict.createInstance(ctx.spec(tags, feature.request));
        if (feature.offered(strict)) {
          const instance = await creating;
          expect(feature.honoured(instance), `${feature.label} is offered but was not provisioned`).toBe(true);
          return;
        }
        const error = await expectNotSupported(creating, `strict createInstance with ${feature.label}`);
        expect(error.retryable, 'NotSupportedError is not retryable').toBe(false);
        await expectNothingListed(strict, tags, 'a refused spec creates nothing');
      }, timeout);
    }
  });
}
