/**
 * `@stagely/provider-core/provider`: what provider authors build on (docs/architecture.md). A provider
 * package should hold its cloud's specifics only; the mechanics every provider needs are here:
 * spec resolution, the shared config shape, the one retry loop, readiness waiting, abort helpers,
 * events, the redactor, idempotent create, paging, cached reads, operation polling, best-effort
 * cleanup, HTTP error mapping (with an axios helper) and the rate limiter. The errors and contract types are re-exported so that one import does.
 */
export * from './contract/contract.js';
export * from './contract/errors.js';
export * from './contract/events.js';
export { definePlugin, SUPPORTED_CONTRACT_VERSIONS, type ProviderContext, type StagelyPlugin } from './plugins/plugin.js';
export { abortedError, raceAbort, sleep, throwIfAborted } from './runtime/abort.js';
export { backoffDelay, DEFAULT_RETRY_POLICY, withRetry, type RetryPolicy } from './runtime/retry.js';
export { systemScheduler, type Scheduler } from './runtime/clock.js';
export { isAmbiguousFailure } from './runtime/ambiguous.js';
export { falseWhenNotFound, nullWhenNotFound } from './runtime/not-found.js';
export { createOnce, type CreateOnceOptions } from './runtime/create-once.js';
export { bestEffort, DEFAULT_CLEANUP_POLICY, type BestEffortOptions, type BestEffortResult } from './runtime/best-effort.js';
export { collectPages, type CollectPagesOptions, type Page } from './runtime/collect-pages.js';
export { cachedOnce, cachedOnceByKey, type CachedOnce, type CachedOnceByKey } from './runtime/cached-once.js';
export { DEFAULT_OPERATION_TIMEOUT_MS, pollOperation, type PollOperationOptions } from './runtime/poll-operation.js';
export {
  classifyStatus,
  errorFromHttpResponse,
  networkErrorFrom,
  type ApiErrorBody,
  type HttpErrorClass,
  type HttpErrorOptions,
  type HttpErrorResponse,
  type NetworkErrorOptions,
} from './runtime/http-errors.js';
export { headerBag, responseSnapshot, SNAPSHOT_LIMITS, type ResponseSnapshot } from './runtime/http-headers.js';
export { parseRetryAfter, rateLimitInfo, retryAfterMs, type RateLimitInfo, type RetryAfterOptions } from './runtime/rate-limit-headers.js';
export {
  createRateLimiter,
  memoryRateLimiterStore,
  type RateLimitBudget,
  type RateLimiter,
  type RateLimiterOptions,
  type RateLimiterState,
  type RateLimiterStore,
} from './runtime/rate-limiter.js';
export {
  errorFromAxios,
  instrumentAxios,
  isAxiosError,
  type AxiosErrorMappingOptions,
  type AxiosErrorLike,
  type AxiosInstanceLike,
  type AxiosRequestConfigLike,
  type AxiosResponseLike,
  type HttpCallContext,
  type InstrumentAxiosOptions,
  type InstrumentedAxios,
} from './runtime/axios.js';
export {
  backoffSchedule,
  DEFAULT_POLL_SCHEDULE_OPTIONS,
  fixedSchedule,
  withHints,
  type PollSchedule,
  type PollScheduleOptions,
  type ReadinessHint,
} from './runtime/wait.js';
export { pollUntilReady, type PollUntilReadyOptions } from './runtime/readiness/poll-until-ready.js';
export {
  createReadinessWaiter,
  readinessWaiterOptions,
  DEFAULT_BATCH_INTERVAL_MS,
  DEFAULT_NOT_FOUND_GRACE_MS,
  type ProbeAnswer,
  type ReadinessObservation,
  type ReadinessSource,
  type ReadinessWaiter,
  type ReadinessWaiterOptions,
} from './runtime/readiness/waiter.js';
export { BOOT_HISTORY_LIMIT, bootKey, memoryBootHistory, processBootHistory, type BootHistory, type BootTimes } from './runtime/readiness/boot-history.js';
export { learnedPlan, MIN_BOOT_SAMPLES, planSchedule } from './runtime/readiness/learned-schedule.js';
export { defaultInstanceName, instanceSpecSchema, resolveInstanceSpec, type ResolvedInstanceSpec } from './authoring/instance-spec.js';
export { fieldPath, issueField, type SchemaIssue } from './authoring/schema-issues.js';
export { createRedactor, type Redactor } from './authoring/redact.js';
export { filterTags } from './authoring/list-filter.js';
export { keysByName } from './authoring/ssh-keys.js';
export {
  applySizeOverrides,
  commonProviderConfigShape,
  httpUrlSchema,
  parseProviderConfig,
  rateLimitSchema,
  pollScheduleSchema,
  retryPolicySchema,
  sizeTableSchema,
  type CommonProviderConfig,
  type SizeOverrides,
  type SizeTable,
} from './authoring/provider-config.js';
