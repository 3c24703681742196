/**
 * `@stagely/provider-aws`: AWS EC2 for Stagely. The default export is the plugin that core's
 * registry loads for `registry.get('aws', config)`.
 */
// The entry it augments below (ProviderConfigs) must be part of the declaration build.
import type {} from '@stagely/provider-core';
import { definePlugin } from '@stagely/provider-core/provider';
import { awsConfigSchema, type AwsConfig } from './config.js';
import { AWS_CAPABILITIES, AwsProvider, PROVIDER_NAME } from './provider.js';

const plugin = definePlugin({
  contractVersion: 1,
  name: PROVIDER_NAME,
  packageName: '@stagely/provider-aws',
  capabilities: AWS_CAPABILITIES,
  configSchema: awsConfigSchema,
  secretFields: ['accessKeyId', 'secretAccessKey', 'sessionToken'],
  create: (config, context) => new AwsProvider(config, context),
});

export default plugin;

// Types `registry.get('aws', config)` wherever this package's types are loaded.
declare module '@stagely/provider-core' {
  interface ProviderConfigs {
    aws: AwsConfig;
    '@stagely/provider-aws': AwsConfig;
  }
}
export { AWS_CAPABILITIES, AwsProvider, createAwsProvider, PROVIDER_NAME, type AwsProviderInternals } from './provider.js';
export { awsConfigSchema, parseAwsConfig, type AwsConfig, type ResolvedAwsConfig } from './config.js';
export { CANONICAL_ACCOUNT, DEBIAN_ACCOUNT, DEFAULT_SIZES } from './catalog.js';
export { MAX_TAG_KEY, MAX_TAG_VALUE, MAX_TAGS } from './tags.js';
