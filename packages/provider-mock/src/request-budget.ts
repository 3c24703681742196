/**
 * The simulated API's rate limit (`mock.rateLimit(budget)`): at most `requests` requests per fixed
 * window of `windowMs`, as clouds count them; a request beyond it is refused with a 429 telling the
 * client when the window resets. Refused requests do not use up the budget. Every answer carries
 * `RateLimit-*` headers, from which the client's limiter learns the budget.
 */
import { InvalidInputError } from '@stagely/provider-core/provider';
import type { RequestBudget } from '@stagely/provider-core/conformance';

export type { RequestBudget };

export interface BudgetRefusal {
  /** Time until the window resets, at least 1 ms. */
  retryAfterMs: number;
  limit: number;
}

export class RequestWindow {
  readonly budget: RequestBudget;
  #windowStart: number | undefined;
  #used = 0;

  constructor(budget: RequestBudget) {
    for (const key of ['requests', 'windowMs'] as const) {
      if (!Number.isInteger(budget[key]) || budget[key] < 1) {
        throw new InvalidInputError(`budget.${key}`, `budget.${key} must be a positive integer`, { provider: 'mock' });
      }
    }
    this.budget = { requests: budget.requests, windowMs: budget.windowMs };
  }

  /** Counts a request at `now`; a refusal when the window's budget is used up. */
  admit(now: number): BudgetRefusal | null {
    if (this.#windowStart === undefined || now - this.#windowStart >= this.budget.windowMs) {
      this.#windowStart = now;
      this.#used = 0;
    }
    if (this.#used >= this.budget.requests) {
      return { retryAfterMs: Math.max(1, this.#windowStart + this.budget.windowMs - now), limit: this.budget.requests };
    }
    this.#used += 1;
    return null;
  }

  /** The `RateLimit-*` headers an answer carries at `now` (the reset in seconds from now, as the IETF draft has it). */
  headers(now: number): Record<string, string> {
    const start = this.#windowStart ?? now;
    const resetMs = Math.max(0, start + this.budget.windowMs - now);
    return {
      'ratelimit-limit': String(this.budget.requests),
      'ratelimit-remaining': String(Math.max(0, this.budget.requests - this.#used)),
      'ratelimit-reset': String(resetMs / 1000),
    };
  }
}
