/**
 * `@stagely/provider-digitalocean`: DigitalOcean for Stagely. The default export is the plugin that
 * core's registry loads for `registry.get('digitalocean', config)`.
 */
import { definePlugin } from '@stagely/provider-core/provider';
import { digitalOceanConfigSchema } from './config.js';
import { DIGITALOCEAN_CAPABILITIES, DigitalOceanProvider, PROVIDER_NAME } from './provider.js';

const plugin = definePlugin({
  contractVersion: 1,
  name: PROVIDER_NAME,
  packageName: '@stagely/provider-digitalocean',
  capabilities: DIGITALOCEAN_CAPABILITIES,
  configSchema: digitalOceanConfigSchema,
  secretFields: ['token'],
  create: (config, context) => new DigitalOceanProvider(config, context),
});

export default plugin;

export { createDigitalOceanProvider, DIGITALOCEAN_CAPABILITIES, DIGITALOCEAN_RATE_LIMIT, DigitalOceanProvider, PROVIDER_NAME, type DigitalOceanProviderHooks } from './provider.js';
export { DIGITALOCEAN_ERROR_TABLE } from './errors.js';
export { digitalOceanConfigSchema, parseDigitalOceanConfig, type DigitalOceanConfig, type ResolvedDigitalOceanConfig } from './config.js';
export { DEFAULT_SIZES } from './catalog.js';
export { decodeTags, encodeTag, MANAGED_TAG, tagProblem } from './tags.js';
