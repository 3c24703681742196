/**
 * `@stagely/provider-hetzner`: Hetzner Cloud for Stagely. The default export is the plugin that
 * core's registry loads for `registry.get('hetzner', config)`.
 */
// The entry it augments below (ProviderConfigs) must be part of the declaration build.
import type {} from '@stagely/provider-core';
import { definePlugin } from '@stagely/provider-core/provider';
import { hetznerConfigSchema, type HetznerConfig } from './config.js';
import { HETZNER_CAPABILITIES, HetznerProvider, PROVIDER_NAME } from './provider.js';

const plugin = definePlugin({
  contractVersion: 1,
  name: PROVIDER_NAME,
  packageName: '@stagely/provider-hetzner',
  capabilities: HETZNER_CAPABILITIES,
  configSchema: hetznerConfigSchema,
  secretFields: ['token'],
  create: (config, context) => new HetznerProvider(config, context),
});

export default plugin;

// Types `registry.get('hetzner', config)` wherever this package's types are loaded.
declare module '@stagely/provider-core' {
  interface ProviderConfigs {
    hetzner: HetznerConfig;
    '@stagely/provider-hetzner': HetznerConfig;
  }
}
export { createHetznerProvider, HETZNER_CAPABILITIES, HetznerProvider, PROVIDER_NAME, type HetznerProviderInternals } from './provider.js';
export { hetznerConfigSchema, parseHetznerConfig, type HetznerConfig, type ResolvedHetznerConfig } from './config.js';
export { DEFAULT_SIZES } from './catalog.js';
export { labelKeyProblem, labelValueProblem } from './labels.js';
