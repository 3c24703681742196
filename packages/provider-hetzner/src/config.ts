/**
 * The provider's configuration (valibot, the plugin's `configSchema`). A bad value is an
 * InvalidInputError naming the field; no message ever repeats the token.
 */
import { commonProviderConfigShape, httpUrlSchema, parseProviderConfig, type RateLimitBudget } from '@stagely/provider-core/provider';
import * as v from 'valibot';

const DEFAULT_ENDPOINT = 'https://api.hetzner.cloud/v1';
/** Every shared option but `endpoint`, which Hetzner's schema gives a default and a `/v1` check of its own. */
const { endpoint: _endpoint, ...sharedShape } = commonProviderConfigShape;

/** Hetzner's own budget: 3600 requests an hour, regained one a second. */
export const HETZNER_RATE_LIMIT: RateLimitBudget = { requests: 3600, windowMs: 3_600_000 };

export const hetznerConfigSchema = v.pipe(
  v.strictObject(
    {
      /**
       * A Hetzner Cloud API token (project-scoped, read & write). Sealed credentials are opened by
       * the registry before this schema sees them.
       */
      token: v.pipe(
        v.string('must be a Hetzner API token (a string)'),
        v.minLength(1, 'must not be empty'),
        v.check((token) => !/\s/.test(token), 'must not contain whitespace'),
      ),
      /** The location to create in when a spec names none. */
      location: v.optional(
        v.pipe(v.string('must be a string'), v.regex(/^[a-z0-9]+(-?[a-z0-9]+)*$/, 'must be a Hetzner location name such as fsn1, nbg1, hel1, ash, hil or sin')),
        'fsn1',
      ),
      /** The API base URL, `/v1` included: fakes, proxies and emulators are reached this way. */
      endpoint: v.optional(httpUrlSchema('https://api.hetzner.cloud/v1'), DEFAULT_ENDPOINT),
      /**
       * sizes (e.g. `{ small: { amd64: 'cpx22' } }`), strict (spot ignored -> NotSupportedError),
       * retry (core's withRetry is the only retry loop; hcloud-js has none), readinessPoll,
       * requestTimeoutMs, operationPollMs (actions: snapshots, deletes), notFoundGraceMs, and
       * rateLimit (default HETZNER_RATE_LIMIT).
       */
      ...sharedShape,
      /** The earlier name of `operationPollMs`, still accepted; it wins when both are given. */
      actionPollMs: v.optional(v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(0, 'must be at least 0'))),
    },
    'must be an object',
  ),
  v.transform(({ actionPollMs, ...config }) => ({ ...config, operationPollMs: actionPollMs ?? config.operationPollMs })),
);

/** What callers pass. */
export type HetznerConfig = v.InferInput<typeof hetznerConfigSchema>;
/** The config with defaults filled in. */
export type ResolvedHetznerConfig = v.InferOutput<typeof hetznerConfigSchema>;

/** Parses `config`, throwing InvalidInputError naming the first bad field (never its value). */
export function parseHetznerConfig(config: unknown): ResolvedHetznerConfig {
  return parseProviderConfig(hetznerConfigSchema, config, 'hetzner');
}
