/**
 * Schemas for the config options every provider shares (docs/architecture.md, "Plugins and the registry"): `endpoint`, `sizes`,
 * `strict`, and the tuning knobs of core's retry loop and readiness schedule. Providers spread
 * `commonProviderConfigShape` into their own valibot `strictObject` so the options read and fail the
 * same way. valibot, not zod: the registry validates a config before it creates a provider, so the
 * schema library's load time is part of every cold start (docs/architecture.md, "Cold start").
 */
import * as v from 'valibot';
import { ARCHITECTURES, SIZES, type Architecture, type Size } from '../contract/contract.js';
import { InvalidInputError } from '../contract/errors.js';
import { parseFirst } from './schema-issues.js';
import { DEFAULT_NOT_FOUND_GRACE_MS } from '../runtime/readiness/waiter.js';

/** A whole number of at least `min` (milliseconds, attempts, requests). */
const wholeNumber = (min: number) => v.pipe(v.number('must be a number'), v.integer('must be a whole number'), v.minValue(min, `must be at least ${min}`));
const millis = wholeNumber(0);

/** `retry`: overrides of core's withRetry policy (small delays make fault tests fast). */
export const retryPolicySchema = v.strictObject({
  maxAttempts: v.optional(v.pipe(wholeNumber(1), v.maxValue(20, 'must be at most 20'))),
  baseDelayMs: v.optional(millis),
  maxDelayMs: v.optional(millis),
  maxElapsedMs: v.optional(millis),
}, 'must be an object');

const factor = (min: number) => v.pipe(v.number('must be a number'), v.minValue(min, `must be at least ${min}`));

/** `readinessPoll`: overrides of core's readiness schedule (see backoffSchedule). */
export const pollScheduleSchema = v.strictObject({
  firstMs: v.optional(millis),
  intervalMs: v.optional(millis),
  growth: v.optional(factor(1)),
  relativeInterval: v.optional(factor(0)),
  maxIntervalMs: v.optional(millis),
  nearlyReadyMs: v.optional(millis),
}, 'must be an object');

const typeName = v.optional(v.pipe(v.string('must be a string'), v.trim(), v.minLength(1, 'must not be empty')));

/** `sizes`: overrides of the size table, per abstract size and architecture. */
export const sizeTableSchema = v.strictObject(
  Object.fromEntries(
    SIZES.map((size) => [size, v.optional(v.strictObject(Object.fromEntries(ARCHITECTURES.map((arch) => [arch, typeName])) as Record<Architecture, typeof typeName>, 'must be an object'))]),
  ) as Record<Size, v.OptionalSchema<v.StrictObjectSchema<Record<Architecture, typeof typeName>, string>, undefined>>,
  'must be an object',
);

/** A full size table: the native type for every abstract size and architecture. */
export type SizeTable = Record<Size, Record<Architecture, string>>;
/** The config's `sizes`: any part of a size table. */
export type SizeOverrides = v.InferInput<typeof sizeTableSchema>;

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
export const rateLimitSchema = v.union(
  [v.strictObject({ requests: wholeNumber(1), windowMs: wholeNumber(1) }), v.literal(false)],
  'must be { requests, windowMs } or false',
);

/** An absolute http(s) URL, without a trailing slash; `example` is shown when it is not one. */
export function httpUrlSchema(example: string) {
  const message = `must be an http(s) URL such as ${example}`;
  return v.pipe(
    v.string(message),
    v.url(message),
    v.check((url) => /^https?:$/.test(new URL(url).protocol), message),
    v.transform((url) => url.replace(/\/+$/, '')),
  );
}

export const commonProviderConfigShape = {
  /** API base URL: fakes, proxies and emulators are reached this way. */
  endpoint: v.optional(v.pipe(v.string('must be an absolute URL'), v.url('must be an absolute URL'))),
  sizes: v.optional(sizeTableSchema),
  /** Capability warnings (arm64 fallback, spot ignored) become NotSupportedError. */
  strict: v.optional(v.boolean('must be true or false'), false),
  retry: v.optional(retryPolicySchema),
  readinessPoll: v.optional(pollScheduleSchema),
  /** Limit of one HTTP request; default 30 s. */
  requestTimeoutMs: v.optional(wholeNumber(1), 30_000),
  /** How often an operation (a snapshot, a delete action) is looked at while waiting for it; default 1 s. */
  operationPollMs: v.optional(millis, 1000),
  /** How long "not found" right after a create means "not yet" rather than "gone"; default 60 s. */
  notFoundGraceMs: v.optional(millis, DEFAULT_NOT_FOUND_GRACE_MS),
  /** The client-side rate limiter's budget; default the provider's own (e.g. 3600 an hour). */
  rateLimit: v.optional(rateLimitSchema),
};

/** Options every provider config accepts besides its credentials and default region, as callers pass them. */
export type CommonProviderConfig = v.InferInput<v.StrictObjectSchema<typeof commonProviderConfigShape, undefined>>;

/**
 * Parses a provider's config with its valibot schema, throwing InvalidInputError that names the first
 * bad field (`retry.maxAttempts`, or an unknown key itself) and never repeats its value (it may be a token).
 */
export function parseProviderConfig<S extends v.GenericSchema>(schema: S, config: unknown, provider: string): v.InferOutput<S> {
  const parsed = parseFirst(schema, config ?? {});
  if (parsed.success) return parsed.output;
  const field = parsed.field || 'config';
  throw new InvalidInputError(field, `Invalid ${provider} provider config: ${field} ${parsed.message}`, { provider });
}
