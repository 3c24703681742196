/**
 * The whole conformance suite against one variant; each file in variants/ runs one, so that vitest
 * runs them side by side in one project (one transform of the sources for all).
 */
import { describeProviderConformance } from '@stagely/provider-core/conformance';
import { mockConformanceOptions } from '../conformance-options.js';
import { breakMock, FIXTURE_TOKEN } from './broken-providers.js';
import type { Variant } from './variants.js';

export function describeVariant(variant: Variant): void {
  // The same options as the reference run: only the provider under test differs.
  describeProviderConformance(mockConformanceOptions({ name: variant, token: FIXTURE_TOKEN, wrap: (mock, events) => breakMock(variant, mock, events) }));
}
