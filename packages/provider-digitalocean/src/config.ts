/**
 * The provider's configuration (zod, the plugin's `configSchema`). A bad value is an
 * InvalidInputError naming the field; no message ever repeats the token.
 */
import { commonProviderConfigShape, parseProviderConfig } from '@stagely/provider-core/provider';
import { z } from 'zod';

const DEFAULT_ENDPOINT = 'https://api.digitalocean.com/v2';

export const digitalOceanConfigSchema = z.strictObject({
  /**
   * A DigitalOcean personal access token (read & write, or scoped to droplet, image, ssh_key,
   * region, size, tag and account). Sealed credentials are opened by the registry first.
   */
  token: z
    .string({ error: 'must be a DigitalOcean API token (a string)' })
    .min(1, 'must not be empty')
    .refine((token) => !/\s/.test(token), { error: 'must not contain whitespace' }),
  /** The region to create in when a spec names none. */
  region: z.string().regex(/^[a-z]{3}\d$/, 'must be a DigitalOcean region slug such as nyc3, ams3, fra1 or sgp1').default('nyc3'),
  /** The API base URL, `/v2` included: fakes, proxies and emulators are reached this way. */
  endpoint: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://api.digitalocean.com/v2' })
    .transform((url) => url.replace(/\/+$/, ''))
    .default(DEFAULT_ENDPOINT),
  /**
   * sizes (e.g. `{ small: { amd64: 's-2vcpu-2gb' } }`), strict (arm64 or spot -> NotSupportedError),
   * retry (core's withRetry is the only retry loop; dots-wrapper has none), readinessPoll.
   */
  sizes: commonProviderConfigShape.sizes,
  strict: commonProviderConfigShape.strict,
  retry: commonProviderConfigShape.retry,
  readinessPoll: commonProviderConfigShape.readinessPoll,
  /**
   * requestTimeoutMs (one HTTP request, default 30 s), operationPollMs (how often a snapshot action
   * is looked at, default 1 s), notFoundGraceMs (how long a Droplet that answers 404 right after its
   * create is waited for, default 60 s), rateLimit (the client-side budget; default DigitalOcean's
   * 250 requests a minute, or `false`).
   */
  requestTimeoutMs: commonProviderConfigShape.requestTimeoutMs,
  operationPollMs: commonProviderConfigShape.operationPollMs,
  notFoundGraceMs: commonProviderConfigShape.notFoundGraceMs,
  rateLimit: commonProviderConfigShape.rateLimit,
});

/** What callers pass. */
export type DigitalOceanConfig = z.input<typeof digitalOceanConfigSchema>;
/** The config with defaults filled in. */
export type ResolvedDigitalOceanConfig = z.output<typeof digitalOceanConfigSchema>;

/** Parses `config`, throwing InvalidInputError naming the first bad field (never its value). */
export function parseDigitalOceanConfig(config: unknown): ResolvedDigitalOceanConfig {
  return parseProviderConfig(digitalOceanConfigSchema, config, 'digitalocean');
}
