/**
 * The mock's configuration. Validated with zod (the plugin's `configSchema`); a bad value is an
 * InvalidInputError naming the field, exactly as a real provider's config would be refused.
 */
import { commonProviderConfigShape, parseProviderConfig } from '@stagely/provider-core/provider';
import { z } from 'zod';
import { KNOWN_REGIONS } from './catalog.js';

const delay = z.number().int().min(0);
const typeName = z.string().trim().min(1);

export const mockConfigSchema = z.strictObject({
  /** A fake credential; the token `invalid` makes every call fail with AUTHENTICATION. */
  token: z.string().min(1).default('mock-token'),
  region: z
    .string()
    .refine((region) => (KNOWN_REGIONS as readonly string[]).includes(region), { error: `must be one of ${KNOWN_REGIONS.join(', ')}` })
    .default('mock-1'),
  /** Time from create until the instance is running. */
  bootDelayMs: delay.default(300),
  /** Extra time after running until the public IP appears. */
  ipDelayMs: delay.default(0),
  /** Time a terminated instance stays `terminating` before it is `terminated`; 0: at once. */
  terminateDelayMs: delay.default(0),
  /** Page size of the simulated list API; set it small (the conformance suite does) to make listing cross pages. */
  pageSize: z.number().int().min(1).default(100),
  /** Simulated latency of every API request. */
  latencyMs: delay.default(0),
  /** A JSON file that holds the instances, so that separate processes share them. */
  stateFile: z.string().min(1).optional(),
  /** endpoint (accepted; the mock has no API to reach), sizes, strict, retry, readinessPoll. */
  ...commonProviderConfigShape,
  /** Simulates a cloud that lacks a capability; all are offered by default. */
  offer: z
    .strictObject({
      arm64: z.boolean().default(true),
      spot: z.boolean().default(true),
      snapshots: z.boolean().default(true),
      sshKeys: z.boolean().default(true),
    })
    .prefault({}),
  /** SSH keys present in the account besides the seeded `default`. */
  sshKeys: z.array(z.strictObject({ name: typeName, fingerprint: typeName.optional() })).default([]),
});

/** What callers pass (everything optional). */
export type MockConfig = z.input<typeof mockConfigSchema>;
/** The config with its defaults filled in. */
export type ResolvedMockConfig = z.output<typeof mockConfigSchema>;

/** Parses `config`, throwing InvalidInputError naming the first bad field. */
export function parseMockConfig(config: unknown): ResolvedMockConfig {
  return parseProviderConfig(mockConfigSchema, config, 'mock');
}
