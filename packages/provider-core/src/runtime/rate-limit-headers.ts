/**
 * How long a rate-limited caller should wait, from the answer's headers (docs/architecture.md,
 * "Provider mechanics"): `Retry-After` (seconds or an HTTP date), and the budget headers
 * `RateLimit-Limit` / `-Remaining` / `-Reset` and their `X-RateLimit-*` spellings.
 */
import { headerBag } from './http-headers.js';

export interface RateLimitInfo {
  limit?: number;
  remaining?: number;
  /** When the budget is full again (epoch ms). */
  resetAt?: number;
  /** From `Retry-After`. */
  retryAfterMs?: number;
}

export interface RetryAfterOptions {
  /**
   * How the API refills its budget. `window` (default): all at once at the reset, so wait for it.
   * `even`: one request at a time until the reset (Hetzner: 3600 an hour, one a second), so the next
   * request is allowed after (reset - now) / (limit - remaining), not at the full reset an hour away.
   */
  refill?: 'window' | 'even';
}

const header = (bag: Record<string, string>, name: string): string | undefined => bag[name] ?? bag[`x-${name}`];

function number(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** `Retry-After` in ms: delta seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Everything the headers say about the budget. A reset above 10^9 is a UNIX time in seconds (Hetzner,
 * DigitalOcean, GitHub); below, seconds from now (the IETF RateLimit fields).
 */
export function rateLimitInfo(headers: unknown, now: number): RateLimitInfo {
  const bag = headerBag(headers);
  const info: RateLimitInfo = {};
  const limit = number(header(bag, 'ratelimit-limit'));
  const remaining = number(header(bag, 'ratelimit-remaining'));
  const reset = number(header(bag, 'ratelimit-reset'));
  const retryAfter = parseRetryAfter(bag['retry-after'], now);
  if (limit !== undefined && limit >= 0) info.limit = limit;
  if (remaining !== undefined && remaining >= 0) info.remaining = remaining;
  if (reset !== undefined && reset >= 0) info.resetAt = reset > 1e9 ? reset * 1000 : now + reset * 1000;
  if (retryAfter !== undefined) info.retryAfterMs = retryAfter;
  return info;
}

/** How long to wait before the next request, from a 429's headers; undefined when they do not say. */
export function retryAfterMs(headers: unknown, now: number, options: RetryAfterOptions = {}): number | undefined {
  const info = rateLimitInfo(headers, now);
  if (info.retryAfterMs !== undefined) return info.retryAfterMs;
  if (info.resetAt === undefined) return undefined;
  const untilReset = Math.max(0, info.resetAt - now);
  const { limit, remaining } = info;
  if (options.refill === 'even' && limit !== undefined && remaining !== undefined && limit > remaining) {
    return Math.ceil(untilReset / (limit - remaining));
  }
  return untilReset;
}
