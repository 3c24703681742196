/**
 * DigitalOcean's rate limit as the fake applies it: request budgets over sliding windows (the API
 * reference: 250 a minute and 5000 an hour), each request expiring a window after it was made.
 * Every answer carries `ratelimit-limit`, `ratelimit-remaining` and `ratelimit-reset` (UNIX seconds
 * when the oldest counted request expires) of the longest window, or of a spent one; a request past
 * any budget is answered 429 `too_many_requests`.
 */
import type { Clock } from '@stagely/provider-core/testing';

/** DigitalOcean's two budgets, or any one window (`{ requests, windowMs }`, the suite's RequestBudget). */
export type RateLimitBudget = { perMinute?: number; perHour?: number } | { requests: number; windowMs: number };

interface Window {
  requests: number;
  windowMs: number;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
export const DIGITALOCEAN_RATE_LIMIT = { perMinute: 250, perHour: 5000 } as const;

export class RateLimitWindow {
  readonly #clock: Clock;
  /** Longest window last. */
  #windows: Window[];
  /** When each counted request was made, oldest first. */
  #made: number[] = [];

  constructor(budget: RateLimitBudget, clock: Clock) {
    this.#clock = clock;
    this.#windows = windowsOf(budget);
  }

  /** A new budget; requests already made still count. */
  set(budget: RateLimitBudget): void {
    this.#windows = windowsOf(budget);
  }

  /** Counts one request if every budget allows it; false when it must be answered 429. */
  take(): boolean {
    const now = this.#expire();
    if (this.#windows.some((w) => this.#within(w, now).length >= w.requests)) return false;
    this.#made.push(now);
    return true;
  }

  /** The headers for an answer sent now: a spent window's, else the longest window's. */
  headers(): Record<string, string> {
    const now = this.#expire();
    const spent = this.#windows.find((w) => this.#within(w, now).length >= w.requests);
    const shown = spent ?? this.#windows.at(-1)!;
    const counted = this.#within(shown, now);
    return rateLimitHeaders(shown.requests, shown.requests - counted.length, counted.length === 0 ? now : counted[0]! + shown.windowMs);
  }

  #expire(): number {
    const now = this.#clock.now();
    const longest = this.#windows.at(-1)!.windowMs;
    while (this.#made.length > 0 && this.#made[0]! <= now - longest) this.#made.shift();
    return now;
  }

  #within(window: Window, now: number): number[] {
    return this.#made.filter((at) => at > now - window.windowMs);
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

function windowsOf(budget: RateLimitBudget): Window[] {
  const windows =
    'requests' in budget
      ? [{ requests: budget.requests, windowMs: budget.windowMs }]
      : [
          { requests: budget.perMinute ?? DIGITALOCEAN_RATE_LIMIT.perMinute, windowMs: MINUTE },
          { requests: budget.perHour ?? DIGITALOCEAN_RATE_LIMIT.perHour, windowMs: HOUR },
        ];
  for (const w of windows) {
    if (!(w.requests >= 1) || !(w.windowMs >= 1)) throw new RangeError('rateLimit: requests and windows must be >= 1');
  }
  return windows.sort((a, b) => a.windowMs - b.windowMs);
}
