/**
 * Runs the whole conformance suite against the variant named in the environment. Started by
 * ../suite-catches-violations.test.ts through vitest's Node API, never by the package's own run.
 */
import { describeProviderConformance } from '@stagely/provider-core/conformance';
import { mockConformanceOptions } from '../conformance-options.js';
import { breakMock, FIXTURE_TOKEN } from './broken-providers.js';
import { VARIANT_ENV, VARIANTS, type Variant } from './variants.js';

const variant = process.env[VARIANT_ENV] as Variant | undefined;
if (!variant || !VARIANTS.includes(variant)) {
  throw new Error(`Set ${VARIANT_ENV} to one of ${VARIANTS.join(', ')}`);
}

// The same options as the reference run: only the provider under test differs.
describeProviderConformance(mockConformanceOptions({ name: variant, token: FIXTURE_TOKEN, wrap: (mock) => breakMock(variant, mock) }));
