/** A bad spec is refused before anything is created, with an InvalidInputError naming the field. */
import { describe, it } from 'vitest';
import type { InstanceSpec, CloudProvider } from '../../contract/contract.js';
import { GROUP_NAMES } from '../group-names.js';
import { expectInvalidInput, expectNothingListed } from '../assertions.js';
import { setupGroup } from '../context.js';
import type { ConformanceOptions } from '../options.js';

export function describeSpecValidationGroup<P extends CloudProvider>(options: ConformanceOptions<P>): void {
  describe(GROUP_NAMES.specValidation, () => {
    const ctx = setupGroup(options, 'spec');
    const timeout = ctx.options.testTimeoutMs;

    // Each case: the field the error must name, and how to break a valid spec.
    const cases: Array<[string, string, (tags: Record<string, string>) => InstanceSpec]> = [
      ['an unknown size', 'size', (tags) => ({ ...ctx.spec(tags), size: 'huge' as InstanceSpec['size'] })],
      ['an unknown architecture', 'architecture', (tags) => ({ ...ctx.spec(tags), architecture: 'sparc' as InstanceSpec['architecture'] })],
      ['an unknown region', 'region', (tags) => ctx.spec(tags, { region: ctx.options.invalidRegion })],
      ['a tag value that is not a string', 'tags', (tags) => ctx.spec({ ...tags, broken: 42 as unknown as string })],
    ];

    for (const [what, field, build] of cases) {
      it(`refuses ${what}, naming ${field}, and creates nothing`, async () => {
        const tags = ctx.caseTags();
        await expectInvalidInput(ctx.provider.createInstance(build(tags)), field, `createInstance with ${what}`);
        await expectNothingListed(ctx.provider, tags, 'a refused spec creates nothing');
      }, timeout);
    }
  });
}
