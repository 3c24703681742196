/**
 * The mock's configuration. Validated with valibot (the plugin's `configSchema`); a bad value is an
 * InvalidInputError naming the field, exactly as a real provider's config would be refused.
 */
import { commonProviderConfigShape, parseProviderConfig } from '@stagely/provider-core/provider';
import * as v from 'valibot';
import { KNOWN_REGIONS } from './catalog.js';

const delay = v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(0, 'must be at least 0'));
const typeName = v.pipe(v.string('must be a string'), v.trim(), v.minLength(1, 'must not be empty'));
const flag = v.optional(v.boolean('must be true or false'), true);

export const mockConfigSchema = v.strictObject({
  /** A fake credential; the token `invalid` makes every call fail with AUTHENTICATION. */
  token: v.optional(v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty')), 'mock-token'),
  region: v.optional(
    v.pipe(
      v.string('must be a string'),
      v.check((region) => (KNOWN_REGIONS as readonly string[]).includes(region), `must be one of ${KNOWN_REGIONS.join(', ')}`),
    ),
    'mock-1',
  ),
  /** Time from create until the instance is running. */
  bootDelayMs: v.optional(delay, 300),
  /** Extra time after running until the public IP appears. */
  ipDelayMs: v.optional(delay, 0),
  /** Time a terminated instance stays `terminating` before it is `terminated`; 0: at once. */
  terminateDelayMs: v.optional(delay, 0),
  /** Page size of the simulated list API; set it small (the conformance suite does) to make listing cross pages. */
  pageSize: v.optional(v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1')), 100),
  /** Simulated latency of every API request. */
  latencyMs: v.optional(delay, 0),
  /** A JSON file that holds the instances, so that separate processes share them. */
  stateFile: v.optional(v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty'))),
  /** endpoint (accepted; the mock has no API to reach), sizes, strict, retry, readinessPoll. */
  ...commonProviderConfigShape,
  /** Simulates a cloud that lacks a capability; all are offered by default. */
  offer: v.optional(v.strictObject({ arm64: flag, spot: flag, snapshots: flag, sshKeys: flag }, 'must be an object'), () => ({})),
  /** SSH keys present in the account besides the seeded `default`. */
  sshKeys: v.optional(v.array(v.strictObject({ name: typeName, fingerprint: v.optional(typeName) }, 'must be an object'), 'must be a list'), () => []),
});

/** What callers pass (everything optional). */
export type MockConfig = v.InferInput<typeof mockConfigSchema>;
/** The config with its defaults filled in. */
export type ResolvedMockConfig = v.InferOutput<typeof mockConfigSchema>;

/** Parses `config`, throwing InvalidInputError naming the first bad field. */
export function parseMockConfig(config: unknown): ResolvedMockConfig {
  return parseProviderConfig(mockConfigSchema, config, 'mock');
}
