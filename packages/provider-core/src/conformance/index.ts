/**
 * `@stagely/provider-core/conformance`: the suite every provider runs (docs/architecture.md, "Testing"). It needs vitest
 * (an optional peer dependency) and is meant to be called from a provider's test file.
 */
export type {
  BackendInstance,
  ConformanceHooks,
  ConformanceOptions,
  FaultKind,
  LostOperation,
  ProviderOverrides,
  RequestBudget,
} from './options.js';
export { GROUP_NAMES, type GroupKey, type GroupName } from './group-names.js';
export { CASE_TAG, RUN_TAG } from './context.js';
export { CONFORMANCE_GROUPS, describeProviderConformance } from './suite.js';
export { describeAbortGroup } from './groups/abort.js';
export { describeSpecDeliveryGroup } from './groups/spec-delivery.js';
export { describeTerminateTruthfulGroup } from './groups/terminate-truthful.js';
export { describeLostResponsesGroup } from './groups/lost-responses.js';
export { describeAbortInFlightGroup } from './groups/abort-in-flight.js';
export { describeEventualConsistencyGroup } from './groups/eventual-consistency.js';
export { describeRateLimitStormGroup } from './groups/rate-limit-storm.js';
export { describePreflightGroup } from './groups/preflight.js';
export { describeRequestBudgetGroup } from './groups/request-budget.js';
export { describeCapabilitiesGroup } from './groups/capabilities.js';
export { describeConcurrencyGroup } from './groups/concurrency.js';
export { describeManyWaitsGroup } from './groups/many-waits.js';
export { describeContractGroup } from './groups/contract.js';
export { describeFaultsGroup } from './groups/faults.js';
export { describeLifecycleGroup } from './groups/lifecycle.js';
export { describeLookupGroup } from './groups/lookup.js';
export { describePaginationGroup } from './groups/pagination.js';
export { describeSnapshotsGroup } from './groups/snapshots.js';
export { describeSpecValidationGroup } from './groups/spec-validation.js';
export { describeSshKeysGroup } from './groups/ssh-keys.js';
export { describeTagsGroup } from './groups/tags.js';
export { describeTerminateGroup } from './groups/terminate.js';
export { describeTimeoutGroup } from './groups/timeout.js';
export { describeUnmanagedGroup } from './groups/unmanaged.js';
