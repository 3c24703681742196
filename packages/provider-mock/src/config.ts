/**
 * The mock's configuration. Validated with zod (the plugin's `configSchema`); a bad value is an
 * InvalidInputError naming the field, exactly as a real provider's config would be refused.
 */
import { fieldPath, InvalidInputError, type RetryPolicy } from '@stagely/provider-core';
import { z } from 'zod';
import { KNOWN_REGIONS, SIZE_NAMES } from './catalog.js';

/** The retry knobs a config may set (functions such as `random` pass through for tests). */
const RETRY_NUMBERS = ['maxAttempts', 'baseDelayMs', 'maxDelayMs', 'maxElapsedMs'] as const;

const retrySchema = z.custom<Partial<RetryPolicy>>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    RETRY_NUMBERS.every((key) => {
      const n = (value as Record<string, unknown>)[key];
      return n === undefined || (typeof n === 'number' && Number.isFinite(n) && n >= 0);
    }),
  { error: `must be an object whose ${RETRY_NUMBERS.join(', ')} are non-negative numbers` },
);

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
  /** Page size of the simulated list API, small so that listing has to cross pages. */
  pageSize: z.number().int().min(1).default(2),
  /** Simulated latency of every API request. */
  latencyMs: delay.default(0),
  /** A JSON file that holds the instances, so that separate processes share them. */
  stateFile: z.string().min(1).optional(),
  strict: z.boolean().default(false),
  sizes: z.partialRecord(z.enum(SIZE_NAMES), z.strictObject({ amd64: typeName.optional(), arm64: typeName.optional() })).optional(),
  /** Accepted like every provider's `endpoint`; the mock has no API to reach. */
  endpoint: z.string().optional(),
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
  /** core's withRetry policy (small delays make fault tests fast). */
  retry: retrySchema.optional(),
});

/** What callers pass (everything optional). */
export type MockConfig = z.input<typeof mockConfigSchema>;
/** The config with its defaults filled in. */
export type ResolvedMockConfig = z.output<typeof mockConfigSchema>;

/** Parses `config`, throwing InvalidInputError naming the first bad field. */
export function parseMockConfig(config: unknown): ResolvedMockConfig {
  const parsed = mockConfigSchema.safeParse(config ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = fieldPath(issue.path) || 'config';
  throw new InvalidInputError(field, `Invalid mock provider config: ${field} ${issue.message}`, { provider: 'mock' });
}
