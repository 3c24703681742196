/**
 * The stable names of the suite's groups: each group is one `describe` with this title, so a
 * report (or the suite's own self-tests) can tell which promise of the contract a provider broke.
 */
export const GROUP_NAMES = {
  contract: 'contract',
  lifecycle: 'lifecycle',
  terminate: 'terminate',
  lookup: 'lookup',
  specValidation: 'spec validation',
  capabilities: 'capabilities',
  tags: 'tags',
  unmanaged: 'unmanaged',
  pagination: 'pagination',
  concurrency: 'concurrency',
  manyWaits: 'many waits',
  abort: 'abort',
  timeout: 'timeout',
  snapshots: 'snapshots',
  sshKeys: 'ssh keys',
  faults: 'faults',
  specDelivery: 'spec delivery',
  terminateTruthful: 'terminate truthful',
  lostResponses: 'lost responses',
  abortInFlight: 'abort in flight',
  eventualConsistency: 'eventual consistency',
  rateLimitStorm: 'rate-limit storm',
  preflight: 'preflight',
  requestBudget: 'request budget',
} as const;

export type GroupKey = keyof typeof GROUP_NAMES;
export type GroupName = (typeof GROUP_NAMES)[GroupKey];
