/**
 * EC2 throttles each account by token bucket: a burst of `limit` requests, refilled at
 * `refillPerSecond`; a request finding the bucket empty is answered `RequestLimitExceeded`.
 * EC2 sends no rate-limit headers, so a client only learns of the budget by hitting it.
 */
import type { Clock } from '@stagely/provider-core/testing';

export interface TokenBucketOptions {
  limit: number;
  refillPerSecond: number;
}

export class TokenBucket {
  readonly #limit: number;
  readonly #refillPerMs: number;
  readonly #clock: Clock;
  #level: number;
  #at: number;

  constructor({ limit, refillPerSecond }: TokenBucketOptions, clock: Clock) {
    if (!(limit >= 1) || !(refillPerSecond >= 0)) throw new RangeError('token bucket: limit must be >= 1 and refillPerSecond >= 0');
    this.#limit = limit;
    this.#refillPerMs = refillPerSecond / 1000;
    this.#clock = clock;
    this.#level = limit;
    this.#at = clock.now();
  }

  /** Takes `count` tokens (default one); false, taking none, when fewer are left. */
  take(count = 1): boolean {
    if (!this.canTake(count)) return false;
    this.#level -= count;
    return true;
  }

  /** Whether `count` tokens are there now. */
  canTake(count = 1): boolean {
    const now = this.#clock.now();
    this.#level = Math.min(this.#limit, this.#level + (now - this.#at) * this.#refillPerMs);
    this.#at = now;
    return this.#level >= count;
  }
}
