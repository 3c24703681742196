/**
 * @stagely/provider-mock: the in-memory reference provider. The default export is the plugin
 * (`registry.get('mock', config)`); `createMockProvider` builds one directly, e.g. in tests.
 */
// The entry it augments below (ProviderConfigs) must be part of the declaration build.
import type {} from '@stagely/provider-core';
import { definePlugin, type Capabilities } from '@stagely/provider-core/provider';
import { mockConfigSchema, type MockConfig, type ResolvedMockConfig } from './config.js';
import { MockProvider, PROVIDER_NAME } from './provider.js';

/** What the mock can simulate; a provider's own `capabilities` follow `config.offer`. */
export const capabilities: Capabilities = Object.freeze({
  architectures: Object.freeze(['amd64', 'arm64'] as const),
  spot: true,
  snapshots: true,
  sshKeys: true,
});

const plugin = definePlugin<ResolvedMockConfig, MockProvider>({
  contractVersion: 1,
  name: PROVIDER_NAME,
  packageName: '@stagely/provider-mock',
  capabilities,
  configSchema: mockConfigSchema,
  secretFields: ['token'],
  create: (config, context) => new MockProvider(config, context),
});

export default plugin;

// Types `registry.get('mock', config)` wherever this package's types are loaded.
declare module '@stagely/provider-core' {
  interface ProviderConfigs {
    mock: MockConfig;
    '@stagely/provider-mock': MockConfig;
  }
}
export { MockProvider, createMockProvider, INVALID_TOKEN, PROVIDER_NAME } from './provider.js';
export { instanceView, PHASE_WORDS } from './views.js';
export { mockConfigSchema, parseMockConfig, type MockConfig, type ResolvedMockConfig } from './config.js';
export { Catalog, DEFAULT_SIZE_TABLE, KNOWN_IMAGES, KNOWN_REGIONS } from './catalog.js';
export {
  FAULTS,
  LOSABLE_OPERATIONS,
  RATE_LIMIT_RETRY_AFTER_MS,
  type Fault,
  type FaultKind,
  type LosableOperation,
  type LostAnswer,
} from './faults.js';
export type { RequestBudget } from './request-budget.js';
export { OPERATIONS, type Operation } from './api.js';
export { TERMINATED_RETENTION_MS, type MockState, type StoredInstance, type StoredSnapshot } from './state.js';
export { readStateFile } from './file-store.js';
