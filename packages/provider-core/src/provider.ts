/**
 * `@stagely/provider-core/provider`: what provider authors build on (docs/architecture.md). A provider
 * package should hold its cloud's specifics only; the mechanics every provider needs are here:
 * spec resolution, the shared config shape, the one retry loop, readiness waiting, abort helpers,
 * events and the redactor. The errors and contract types are re-exported so that one import does.
 */
export * from './contract/contract.js';
export * from './contract/errors.js';
export * from './contract/events.js';
export { definePlugin, SUPPORTED_CONTRACT_VERSIONS, type ProviderContext, type StagelyPlugin } from './plugins/plugin.js';
export { abortedError, raceAbort, sleep, throwIfAborted } from './runtime/abort.js';
export { backoffDelay, DEFAULT_RETRY_POLICY, withRetry, type RetryPolicy } from './runtime/retry.js';
export {
  backoffSchedule,
  DEFAULT_POLL_SCHEDULE_OPTIONS,
  fixedSchedule,
  pollUntilReady,
  type PollSchedule,
  type PollScheduleOptions,
  type PollUntilReadyOptions,
} from './runtime/wait.js';
export {
  defaultInstanceName,
  fieldPath,
  instanceSpecSchema,
  issueField,
  resolveInstanceSpec,
  type ResolvedInstanceSpec,
} from './authoring/instance-spec.js';
export { createRedactor, type Redactor } from './authoring/redact.js';
export {
  applySizeOverrides,
  commonProviderConfigShape,
  parseProviderConfig,
  pollScheduleSchema,
  retryPolicySchema,
  sizeTableSchema,
  type CommonProviderConfig,
  type SizeOverrides,
  type SizeTable,
} from './authoring/provider-config.js';
