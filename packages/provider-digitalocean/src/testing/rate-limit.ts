/**
 * DigitalOcean's rate limit as the fake applies it: at most `perHour` requests in any hour and
 * `perMinute` in any minute (the API reference: 5000 and 250), each request expiring a window
 * after it was made. Every answer carries `ratelimit-limit`, `ratelimit-remaining` and
 * `ratelimit-reset` (UNIX seconds when the oldest counted request expires); a request past either
 * budget is answered 429 `too_many_requests`.
 */
import type { Clock } from '@stagely/provider-core/testing';

export interface RateLimitBudget {
  /** Default 250. */
  perMinute?: number;
  /** Default 5000. */
  perHour?: number;
}

export const DIGITALOCEAN_RATE_LIMIT: Required<RateLimitBudget> = { perMinute: 250, perHour: 5000 };

const MINUTE = 60_000;
const HOUR = 3_600_000;

export class RateLimitWindow {
  readonly #clock: Clock;
  #budget: Required<RateLimitBudget>;
  /** When each counted request was made, oldest first. */
  #made: number[] = [];

  constructor(budget: RateLimitBudget, clock: Clock) {
    this.#clock = clock;
    this.#budget = checked(budget);
  }

  /** A new budget; requests already made still count. */
  set(budget: RateLimitBudget): void {
    this.#budget = checked(budget);
  }

  /** Counts one request if both budgets allow it; false when it must be answered 429. */
  take(): boolean {
    const now = this.#expire();
    if (this.#made.length >= this.#budget.perHour || this.#inLastMinute(now).length >= this.#budget.perMinute) return false;
    this.#made.push(now);
    return true;
  }

  /** The headers for an answer sent now: the hourly budget, or the minute's once that one is spent. */
  headers(): Record<string, string> {
    const now = this.#expire();
    const minute = this.#inLastMinute(now);
    if (minute.length >= this.#budget.perMinute) {
      return rateLimitHeaders(this.#budget.perMinute, 0, minute[0]! + MINUTE);
    }
    const oldest = this.#made[0];
    return rateLimitHeaders(this.#budget.perHour, this.#budget.perHour - this.#made.length, oldest === undefined ? now : oldest + HOUR);
  }

  #expire(): number {
    const now = this.#clock.now();
    while (this.#made.length > 0 && this.#made[0]! <= now - HOUR) this.#made.shift();
    return now;
  }

  #inLastMinute(now: number): number[] {
    return this.#made.filter((at) => at > now - MINUTE);
  }
}

/** The three headers, with the reset rounded up to whole UNIX seconds as DigitalOcean sends it. */
export function rateLimitHeaders(limit: number, remaining: number, resetAtMs: number): Record<string, string> {
  return {
    'ratelimit-limit': String(limit),
    'ratelimit-remaining': String(Math.max(0, remaining)),
    'ratelimit-reset': String(Math.ceil(resetAtMs / 1000)),
  };
}

function checked(budget: RateLimitBudget): Required<RateLimitBudget> {
  const full = { ...DIGITALOCEAN_RATE_LIMIT, ...budget };
  if (!(full.perMinute >= 1) || !(full.perHour >= 1)) throw new RangeError('rateLimit: perMinute and perHour must be >= 1');
  return full;
}
