export * from './contract.js';
export * from './errors.js';
export * from './events.js';
export * from './plugin.js';
export * from './abort.js';
export * from './retry.js';
export * from './wait.js';
export * from './provider-config.js';
export * from './provision.js';
export * from './spec.js';
export * from './redact.js';
export * from './plan/index.js';
export * from './registry.js';
export {
  SEALED_PREFIX,
  generateEncryptionKey,
  sealCredentials,
  openCredentials,
  isSealedText,
  type EncryptionKey,
  type EncryptionKeyRing,
  type SealOptions,
} from './credentials.js';
export { loadPlugin, defaultImporter, type Importer, type LoadedPlugin } from './loader.js';
export { assertValidPlugin, type AnyPlugin } from './plugin-validation.js';
export { packageCandidates, installCommand, isValidProviderName, providerNameOfPackage } from './provider-name.js';
export { discoverInstalledProviders, type InstalledProvider, type DiscoverOptions } from './discover.js';
