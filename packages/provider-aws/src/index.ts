/**
 * `@stagely/provider-aws`: AWS EC2 for Stagely.
 */
export { awsConfigSchema, parseAwsConfig, type AwsConfig, type ResolvedAwsConfig } from './config.js';
export { DEFAULT_SIZES } from './catalog.js';
