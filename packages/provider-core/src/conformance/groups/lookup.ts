/** getInstance: null for an unknown id, InvalidInputError for a malformed one. */
import { describe, expect, it } from 'vitest';
import { GROUP_NAMES } from '../group-names.js';
import { expectStagelyError } from '../assertions.js';
import { setupGroup } from '../context.js';
import type { CloudProvider } from '../../contract/contract.js';
import type { ConformanceOptions } from '../options.js';

export function describeLookupGroup<P extends CloudProvider>(options: ConformanceOptions<P>): void {
  describe(GROUP_NAMES.lookup, () => {
    const ctx = setupGroup(options, 'lookup');
    const timeout = ctx.options.testTimeoutMs;

    it('getInstance of an unknown well-formed id is null', async () => {
      expect(await ctx.provider.getInstance(ctx.options.unknownId)).toBeNull();
    }, timeout);

    it('getInstance of a malformed id is an InvalidInputError naming the id', async () => {
      const error = await expectStagelyError(ctx.provider.getInstance(ctx.options.malformedId), 'INVALID_INPUT', 'getInstance(malformedId)');
      expect(String(error.details.field), 'the field named').toMatch(/id$/i);
    }, timeout);
  });
}
