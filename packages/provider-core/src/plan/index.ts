export * from './types.js';
export { plan, planFromObserved, isEmptyPlan } from './plan.js';
export { apply, DEFAULT_APPLY_CONCURRENCY } from './apply.js';
export { ApplyError, type ApplyErrorReport } from './apply-error.js';
export {
  preflightSpecs,
  nameCollisions,
  planProblemsError,
  DEFAULT_PREFLIGHT_CONCURRENCY,
  type PreflightEntry,
  type PreflightResult,
} from './preflight.js';
export { createSpecFor, differences, instanceName, type CreateSpec } from './compare.js';
export {
  validateDesiredEnvironment,
  validatePlan,
  desiredEnvironmentSchema,
  hostSpecSchema,
  planSchema,
  environmentNameSchema,
  hostNameSchema,
  roleSchema,
  ROLE_MESSAGE,
  ROLE_PATTERN,
  MAX_INSTANCE_NAME,
} from './schema.js';
export { ENV_TAG, HOST_TAG, ROLE_TAG, SIZE_TAG, ARCH_TAG, IMAGE_TAG, RESERVED_TAGS, encodeImage, describeRecordedImage } from './tags.js';
