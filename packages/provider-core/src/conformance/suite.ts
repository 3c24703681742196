/** The whole suite: every group, in an order where cheap checks come first. */
import { describe } from 'vitest';
import { describeAbortGroup } from './groups/abort.js';
import { describeCapabilitiesGroup } from './groups/capabilities.js';
import { describeConcurrencyGroup } from './groups/concurrency.js';
import { describeManyWaitsGroup } from './groups/many-waits.js';
import { describeContractGroup } from './groups/contract.js';
import { describeFaultsGroup } from './groups/faults.js';
import { describeLifecycleGroup } from './groups/lifecycle.js';
import { describeLookupGroup } from './groups/lookup.js';
import { describePaginationGroup } from './groups/pagination.js';
import { describeSnapshotsGroup } from './groups/snapshots.js';
import { describeSpecValidationGroup } from './groups/spec-validation.js';
import { describeSshKeysGroup } from './groups/ssh-keys.js';
import { describeTagsGroup } from './groups/tags.js';
import { describeTerminateGroup } from './groups/terminate.js';
import { describeTimeoutGroup } from './groups/timeout.js';
import { describeUnmanagedGroup } from './groups/unmanaged.js';
import { describeSpecDeliveryGroup } from './groups/spec-delivery.js';
import { describeTerminateTruthfulGroup } from './groups/terminate-truthful.js';
import { describeLostResponsesGroup } from './groups/lost-responses.js';
import { describeAbortInFlightGroup } from './groups/abort-in-flight.js';
import { describeEventualConsistencyGroup } from './groups/eventual-consistency.js';
import { describeRateLimitStormGroup } from './groups/rate-limit-storm.js';
import { describePreflightGroup } from './groups/preflight.js';
import { describeRequestBudgetGroup } from './groups/request-budget.js';
import type { GroupKey } from './group-names.js';
import type { CloudProvider } from '../contract/contract.js';
import type { ConformanceOptions } from './options.js';

export const CONFORMANCE_GROUPS: Readonly<Record<GroupKey, (options: ConformanceOptions) => void>> = {
  contract: describeContractGroup,
  lookup: describeLookupGroup,
  specValidation: describeSpecValidationGroup,
  preflight: describePreflightGroup,
  lifecycle: describeLifecycleGroup,
  terminate: describeTerminateGroup,
  terminateTruthful: describeTerminateTruthfulGroup,
  specDelivery: describeSpecDeliveryGroup,
  requestBudget: describeRequestBudgetGroup,
  tags: describeTagsGroup,
  unmanaged: describeUnmanagedGroup,
  pagination: describePaginationGroup,
  concurrency: describeConcurrencyGroup,
  manyWaits: describeManyWaitsGroup,
  capabilities: describeCapabilitiesGroup,
  abort: describeAbortGroup,
  abortInFlight: describeAbortInFlightGroup,
  timeout: describeTimeoutGroup,
  snapshots: describeSnapshotsGroup,
  sshKeys: describeSshKeysGroup,
  faults: describeFaultsGroup,
  lostResponses: describeLostResponsesGroup,
  eventualConsistency: describeEventualConsistencyGroup,
  rateLimitStorm: describeRateLimitStormGroup,
};

/** Describes every group for the provider `options.createProvider` makes. */
export function describeProviderConformance<P extends CloudProvider>(options: ConformanceOptions<P>): void {
  describe(`${options.name ?? 'provider'} conformance`, () => {
    for (const describeGroup of Object.values(CONFORMANCE_GROUPS)) describeGroup(options);
  });
}
