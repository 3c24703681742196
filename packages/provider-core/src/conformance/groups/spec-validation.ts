/**
 * A bad spec is refused before anything is created, with an InvalidInputError naming the field, and
 * (counted from the provider's `request` events) without a create request: the cases include those
 * only the provider can judge (an unknown native type, region, image or SSH key).
 */
import { describe, expect, it } from 'vitest';
import type { CloudProvider } from '../../contract/contract.js';
import { GROUP_NAMES } from '../group-names.js';
import { expectInvalidInput, expectNothingListed } from '../assertions.js';
import { setupGroup } from '../context.js';
import { badSpecCases } from '../bad-specs.js';
import type { ConformanceOptions } from '../options.js';

export function describeSpecValidationGroup<P extends CloudProvider>(options: ConformanceOptions<P>): void {
  describe(GROUP_NAMES.specValidation, () => {
    const ctx = setupGroup(options, 'spec');
    const timeout = ctx.options.testTimeoutMs;
    const createOperation = ctx.options.createOperation;
    const counted = createOperation === undefined ? ' [create requests not counted: needs createOperation]' : ', sending no create request';

    for (const { what, field, build, appliesTo } of badSpecCases(ctx)) {
      it(`refuses ${what}, naming ${field}, and creates nothing${counted}`, async (test) => {
        test.skip(appliesTo !== undefined && !appliesTo(ctx.provider), `${what}: not offered by this provider`);
        const tags = ctx.caseTags();
        const { outcome, requests } = await ctx.requestsDuring(() => ctx.provider.createInstance(build(tags)));
        await expectInvalidInput(
          outcome.status === 'fulfilled' ? Promise.resolve(outcome.value) : Promise.reject(outcome.reason),
          field,
          `createInstance with ${what}`,
        );
        if (createOperation !== undefined) {
          const sent = requests.filter((r) => r.operation === createOperation);
          expect(sent.map((r) => `${r.operation} -> ${r.status ?? 'no answer'}`), `create requests sent for ${what}`).toEqual([]);
        }
        await expectNothingListed(ctx.provider, tags, 'a refused spec creates nothing');
      }, timeout);
    }
  });
}
