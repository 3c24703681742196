/**
 * The provider's configuration (valibot, the plugin's `configSchema`). A bad value is an
 * InvalidInputError naming the field; no message ever repeats the token.
 */
import { commonProviderConfigShape, httpUrlSchema, parseProviderConfig } from '@stagely/provider-core/provider';
import * as v from 'valibot';

const DEFAULT_ENDPOINT = 'https://api.digitalocean.com/v2';
/** Every shared option but `endpoint`, which DigitalOcean's schema gives a default and a check of its own. */
const { endpoint: _endpoint, ...sharedShape } = commonProviderConfigShape;

export const digitalOceanConfigSchema = v.strictObject(
  {
    /**
     * A DigitalOcean personal access token (read & write, or scoped to droplet, image, ssh_key,
     * region, size, tag and account). Sealed credentials are opened by the registry first.
     */
    token: v.pipe(
      v.string('must be a DigitalOcean API token (a string)'),
      v.minLength(1, 'must not be empty'),
      v.check((token) => !/\s/.test(token), 'must not contain whitespace'),
    ),
    /** The region to create in when a spec names none. */
    region: v.optional(
      v.pipe(v.string('must be a string'), v.regex(/^[a-z]{3}\d$/, 'must be a DigitalOcean region slug such as nyc3, ams3, fra1 or sgp1')),
      'nyc3',
    ),
    /** The API base URL, `/v2` included: fakes, proxies and emulators are reached this way. */
    endpoint: v.optional(httpUrlSchema('https://api.digitalocean.com/v2'), DEFAULT_ENDPOINT),
    /**
     * sizes (e.g. `{ small: { amd64: 's-2vcpu-2gb' } }`), strict (arm64 or spot -> NotSupportedError),
     * retry (core's withRetry is the only retry loop; dots-wrapper has none), readinessPoll,
     * requestTimeoutMs (one HTTP request, default 30 s), operationPollMs (how often a snapshot action
     * is looked at, default 1 s), notFoundGraceMs (how long a Droplet that answers 404 right after its
     * create is waited for, default 60 s), rateLimit (the client-side budget; default DigitalOcean's
     * 250 requests a minute, or `false`).
     */
    ...sharedShape,
  },
  'must be an object',
);

/** What callers pass. */
export type DigitalOceanConfig = v.InferInput<typeof digitalOceanConfigSchema>;
/** The config with defaults filled in. */
export type ResolvedDigitalOceanConfig = v.InferOutput<typeof digitalOceanConfigSchema>;

/** Parses `config`, throwing InvalidInputError naming the first bad field (never its value). */
export function parseDigitalOceanConfig(config: unknown): ResolvedDigitalOceanConfig {
  return parseProviderConfig(digitalOceanConfigSchema, config, 'digitalocean');
}
