/**
 * `@stagely/provider-core`: what applications use. The registry that loads providers on demand,
 * the contract's types, the errors, `provisionInstance`, plan / apply, and sealed credentials.
 * Provider authors import their mechanics from `@stagely/provider-core/provider` (docs/architecture.md).
 */
export * from './contract/contract.js';
export * from './contract/errors.js';
export type {
  EventSink,
  RateLimitEvent,
  RequestEvent,
  RetryEvent,
  StagelyEvent,
  StagelyEventType,
  StateEvent,
  WarningEvent,
} from './contract/events.js';
export type { ProviderContext, StagelyPlugin } from './plugins/plugin.js';
export { provisionInstance, type ProvisionOptions } from './runtime/provision.js';
export { memoryBootHistory, type BootHistory, type BootTimes } from './runtime/readiness/boot-history.js';
export {
  createRegistry,
  ENCRYPTION_KEY_ENV,
  type PluginInfo,
  type ProviderConfigFor,
  type ProviderConfigs,
  type Registry,
  type RegistryOptions,
  type Sealable,
  type SealedValue,
} from './plugins/registry.js';
export type { Importer } from './plugins/loader.js';
export type { DiscoverOptions, InstalledProvider } from './plugins/discover.js';
export {
  SEALED_PREFIX,
  generateEncryptionKey,
  sealCredentials,
  openCredentials,
  isSealedText,
  type EncryptionKey,
  type EncryptionKeyRing,
  type SealOptions,
} from './credentials/credentials.js';
export * from './plan/index.js';
