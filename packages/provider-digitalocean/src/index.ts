/**
 * `@stagely/provider-digitalocean`: DigitalOcean for Stagely.
 */
export { digitalOceanConfigSchema, parseDigitalOceanConfig, type DigitalOceanConfig, type ResolvedDigitalOceanConfig } from './config.js';
