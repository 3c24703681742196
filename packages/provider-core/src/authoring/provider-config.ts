/**
 * Zod schemas for the config options every provider shares (docs/architecture.md, "Plugins and the registry"): `endpoint`, `sizes`,
 * `strict`, and the tuning knobs of core's retry loop and readiness schedule. Providers spread
 * `commonProviderConfigShape` into their own schema so the options read and fail the same way.
 */
import { z } from 'zod';
import { ARCHITECTURES, SIZES, type Architecture, type Size } from '../contract/contract.js';
import { InvalidInputError } from '../contract/errors.js';
import { issueField } from './instance-spec.js';
import { DEFAULT_NOT_FOUND_GRACE_MS } from '../runtime/readiness/waiter.js';

const millis = z.number().int().min(0);

/** `retry`: overrides of core's withRetry policy (small delays make fault tests fast). */
export const retryPolicySchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(20).optional(),
  baseDelayMs: millis.optional(),
  maxDelayMs: millis.optional(),
  maxElapsedMs: millis.optional(),
});

/** `readinessPoll`: overrides of core's readiness schedule (see backoffSchedule). */
export const pollScheduleSchema = z.strictObject({
  firstMs: millis.optional(),
  intervalMs: millis.optional(),
  growth: z.number().min(1).optional(),
  relativeInterval: z.number().min(0).optional(),
  maxIntervalMs: millis.optional(),
  nearlyReadyMs: millis.optional(),
});

const typeName = z.string().trim().min(1);

/** `sizes`: overrides of the size table, per abstract size and architecture. */
export const sizeTableSchema = z.partialRecord(
  z.enum(SIZES as [Size, ...Size[]]),
  z.strictObject(Object.fromEntries(ARCHITECTURES.map((arch) => [arch, typeName.optional()])) as Record<'amd64' | 'arm64', z.ZodOptional<typeof typeName>>),
);

/** A full size table: the native type for every abstract size and architecture. */
export type SizeTable = Record<Size, Record<Architecture, string>>;
/** The config's `sizes`: any part of a size table. */
export type SizeOverrides = z.input<typeof sizeTableSchema>;

/** A provider's default size table with the config's overrides applied (the defaults are not changed). */
export function applySizeOverrides(defaults: SizeTable, overrides: SizeOverrides | undefined): SizeTable {
  const table = structuredClone(defaults);
  for (const size of SIZES) {
    for (const arch of ARCHITECTURES) {
      const type = overrides?.[size]?.[arch];
      if (type !== undefined) table[size][arch] = type;
    }
  }
  return table;
}

/** `rateLimit`: the client-side limiter's budget (overrides the provider's default), or `false` for none. */
export const rateLimitSchema = z.union([
  z.strictObject({
    requests: z.number().int().min(1),
    windowMs: z.number().int().min(1),
  }),
  z.literal(false),
]);


export const commonProviderConfigShape = {
  /** API base URL: fakes, proxies and emulators are reached this way. */
  endpoint: z.url({ error: 'must be an absolute URL' }).optional(),
  sizes: sizeTableSchema.optional(),
  /** Capability warnings (arm64 fallback, spot ignored) become NotSupportedError. */
  strict: z.boolean().default(false),
  retry: retryPolicySchema.optional(),
  readinessPoll: pollScheduleSchema.optional(),
  /** Limit of one HTTP request; default 30 s. */
  requestTimeoutMs: z.number().int().min(1).default(30_000),
  /** How often an operation (a snapshot, a delete action) is looked at while waiting for it; default 1 s. */
  operationPollMs: millis.default(1000),
  /** How long "not found" right after a create means "not yet" rather than "gone"; default 60 s. */
  notFoundGraceMs: millis.default(DEFAULT_NOT_FOUND_GRACE_MS),
  /** The client-side rate limiter's budget; default the provider's own (e.g. 3600 an hour). */
  rateLimit: rateLimitSchema.optional(),
};

/** Options every provider config accepts besides its credentials and default region, as callers pass them. */
export type CommonProviderConfig = z.input<z.ZodObject<typeof commonProviderConfigShape>>;

/**
 * Parses a provider's config with its zod schema, throwing InvalidInputError that names the first bad
 * field (`retry.maxAttempts`, or an unknown key itself) and never repeats its value (it may be a token).
 */
export function parseProviderConfig<S extends z.ZodType>(schema: S, config: unknown, provider: string): z.output<S> {
  const parsed = schema.safeParse(config ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issueField(issue) || 'config';
  throw new InvalidInputError(field, `Invalid ${provider} provider config: ${field} ${issue.message}`, { provider });
}
