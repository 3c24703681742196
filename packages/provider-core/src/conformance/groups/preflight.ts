/**
 * validateSpec is the create's own preflight (docs/architecture.md, "The contract"): for a valid
 * spec it names what createInstance then provisions (and what the backend runs, with hooks.inspect);
 * for a bad one it throws the very error createInstance throws; and it never creates anything.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CloudProvider, InstanceSpec } from '../../contract/contract.js';
import { isStagelyError } from '../../contract/errors.js';
import { GROUP_NAMES } from '../group-names.js';
import { expectNothingListed } from '../assertions.js';
import { setupGroup } from '../context.js';
import { badSpecCases } from '../bad-specs.js';
import type { ConformanceOptions } from '../options.js';

function errorOf(outcome: PromiseSettledResult<unknown>): string {
  if (outcome.status === 'fulfilled') return 'accepted';
  const error: unknown = outcome.reason;
  return isStagelyError(error) ? `${error.code} (field ${String(error.details.field ?? '-')})` : `a non-Stagely error: ${String(error)}`;
}

export function describePreflightGroup<P extends CloudProvider>(options: ConformanceOptions<P>): void {
  describe(GROUP_NAMES.preflight, () => {
    const ctx = setupGroup(options, 'preflight');
    const timeout = ctx.options.testTimeoutMs;
    const createOperation = ctx.options.createOperation;

    const agrees = async (spec: InstanceSpec) => {
      const resolved = await ctx.provider.validateSpec(spec);
      const instance = await ctx.provider.createInstance(spec);
      expect(instance.type, 'validateSpec().type is the type createInstance provisions').toBe(resolved.type);
      expect(instance.region, 'validateSpec().region').toBe(resolved.region);
      expect(instance.architecture, 'validateSpec().architecture').toBe(resolved.architecture);
      expect(instance.spot, 'validateSpec().spot').toBe(resolved.spot);
      const backend = await ctx.hooks.inspect?.(instance.id);
      if (backend) {
        expect(backend.type, 'the backend runs the type validateSpec named').toBe(resolved.type);
        expect(backend.region, 'the backend region is the one validateSpec named').toBe(resolved.region);
        expect(backend.image, 'the backend booted the image validateSpec named').toBe(resolved.image);
      }
    };

    it('validateSpec names what createInstance provisions', async () => {
      await agrees(ctx.spec(ctx.caseTags()));
    }, timeout);

    it('arm64, where offered: validateSpec names what createInstance provisions', async (test) => {
      test.skip(!ctx.provider.capabilities.architectures.includes('arm64'), 'arm64 not offered: the capabilities group covers it');
      await agrees(ctx.spec(ctx.caseTags(), { architecture: 'arm64' }));
    }, timeout);

    it('validateSpec refuses each bad spec with the error createInstance gives', async () => {
      const disagreements: string[] = [];
      for (const { what, build } of badSpecCases(ctx)) {
        const tags = ctx.caseTags();
        const [validated] = await Promise.allSettled([ctx.provider.validateSpec(build(tags))]);
        const [created] = await Promise.allSettled([ctx.provider.createInstance(build(tags))]);
        if (errorOf(validated) !== errorOf(created)) {
          disagreements.push(`${what}: validateSpec ${errorOf(validated)}, createInstance ${errorOf(created)}`);
        }
      }
      expect(disagreements, 'specs where validateSpec and createInstance disagree').toEqual([]);
    }, timeout);

    it(`validateSpec creates nothing${createOperation === undefined ? ' [create requests not counted: needs createOperation]' : ''}`, async () => {
      const tags = ctx.caseTags();
      const { outcome, requests } = await ctx.requestsDuring(() =>
        ctx.provider.validateSpec(ctx.spec(tags, { name: `stagely-preflight-${randomBytes(3).toString('hex')}` })),
      );
      if (outcome.status === 'rejected') throw outcome.reason;
      if (createOperation !== undefined) {
        expect(requests.filter((r) => r.operation === createOperation).length, `${createOperation} requests sent by validateSpec`).toBe(0);
      }
      await expectNothingListed(ctx.provider, tags, 'validateSpec creates nothing');
    }, timeout);
  });
}
