/**
 * The providers the conformance suite's self-test runs it against: the healthy mock, and mocks
 * each broken in one way. Each has a file in variants/ that runs the suite against it; the
 * breakages live in broken-providers.ts.
 */
export const VARIANTS = [
  'healthy',
  'terminate-throws-on-unknown-id',
  'lists-unmanaged-instances',
  'get-throws-instead-of-null',
  'create-ignores-abort',
  'terminate-ignores-pending',
  'leaks-token-in-errors',
  'blind-retry-after-lost-answer',
  'terminate-returns-before-delete',
  'wait-fails-on-first-not-found',
  'drops-ssh-keys',
  'drops-user-data',
  'create-request-ignores-signal',
  'ignores-rate-budget',
  'listing-stops-after-first-page',
  'checks-spec-at-the-api',
  'validate-spec-disagrees',
  'reads-catalogue-on-every-create',
  'batched-wait-answers-another-instance',
  'batched-wait-fails-all-when-one-is-gone',
] as const;

export type Variant = (typeof VARIANTS)[number];

