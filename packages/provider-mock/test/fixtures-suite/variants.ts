/**
 * The providers the conformance suite's self-test runs it against: the healthy mock, and mocks
 * each broken in one way. Names only, so that the fixtures' vitest config can make one project per
 * variant without loading the mock; the breakages live in broken-providers.ts.
 */
export const VARIANTS = [
  'healthy',
  'terminate-throws-on-unknown-id',
  'lists-unmanaged-instances',
  'get-throws-instead-of-null',
  'create-ignores-abort',
  'terminate-ignores-pending',
  'leaks-token-in-errors',
] as const;

export type Variant = (typeof VARIANTS)[number];

/** How the fixture test learns which variant to run. */
export const VARIANT_ENV = 'STAGELY_SUITE_VARIANT';
