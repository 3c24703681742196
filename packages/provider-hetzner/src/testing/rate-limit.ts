/**
 * Hetzner's rate limit, as the fake API applies it: a budget of `limit` requests that refills
 * evenly (`refillPerSecond`), reported on every answer as `RateLimit-Limit`, `RateLimit-Remaining`
 * and `RateLimit-Reset` (UNIX seconds when the budget will be full again). A request with no budget
 * left is answered 429 `rate_limit_exceeded`.
 */
import type { Clock } from '@stagely/provider-core/testing';

export interface RateLimitOptions {
  /** Budget size; Hetzner's default is 3600. */
  limit: number;
  /** Requests regained per second; Hetzner's is 1. */
  refillPerSecond: number;
}

/** Hetzner's own budget: 3600 requests, one regained per second. */
export const HETZNER_RATE_LIMIT: RateLimitOptions = { limit: 3600, refillPerSecond: 1 };

export class RateLimitBucket {
  readonly #options: RateLimitOptions;
  readonly #clock: Clock;
  #tokens: number;
  #updatedAt: number;

  constructor(options: RateLimitOptions, clock: Clock) {
    if (!(options.limit >= 1) || !(options.refillPerSecond > 0)) {
      throw new RangeError('rateLimit: limit must be >= 1 and refillPerSecond > 0');
    }
    this.#options = options;
    this.#clock = clock;
    this.#tokens = options.limit;
    this.#updatedAt = clock.now();
  }

  /** Spends one request if any is left; false when the caller must be answered 429. */
  take(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  headers(): Record<string, string> {
    this.#refill();
    return rateLimitHeaders(this.#options.limit, Math.floor(this.#tokens), this.#clock.now() + ((this.#options.limit - this.#tokens) / this.#options.refillPerSecond) * 1000);
  }

  #refill(): void {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#options.limit, this.#tokens + ((now - this.#updatedAt) / 1000) * this.#options.refillPerSecond);
    this.#updatedAt = now;
  }
}

/** The three headers, with the reset time rounded up to whole UNIX seconds as Hetzner sends it. */
export function rateLimitHeaders(limit: number, remaining: number, fullAtMs: number): Record<string, string> {
  return {
    'RateLimit-Limit': String(limit),
    'RateLimit-Remaining': String(Math.max(0, remaining)),
    'RateLimit-Reset': String(Math.ceil(fullAtMs / 1000)),
  };
}
