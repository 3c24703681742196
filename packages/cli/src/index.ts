/**
 * @stagely/cli as a library: read and validate `stagely.yml` (with line and field in every error),
 * turn an environment into core's desired state, and the JSON Schema of the file. The `stagely`
 * command itself is the package's bin.
 */
export { loadConfig, parseConfig, DEFAULT_CONFIG_FILE, type LoadedConfig } from './config/load.js';
export { ConfigFileError, formatProblem, type ConfigProblem } from './config/errors.js';
export {
  stagelyFileSchema,
  NAME_PATTERN,
  ENV_VAR_PATTERN,
  ENV_REFERENCE_SUFFIX,
  SECRET_KEY_PATTERN,
  RESERVED_TAGS,
  type StagelyFile,
  type StagelyFileInput,
  type HostEntry,
} from './config/schema.js';
export { resolveProvider, DEFAULT_PROVIDER, MOCK_STATE_FILE, type ResolvedProvider, type ResolveOptions } from './config/resolve.js';
export { desiredEnvironment } from './config/desired.js';
export { stagelyJsonSchema } from './config/json-schema.js';
export { locate, type Position } from './config/locate.js';
export { ExitCode, type ExitCodeValue } from './cli/exit-codes.js';
