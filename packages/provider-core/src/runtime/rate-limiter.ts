/**
 * The client-side rate limiter every request of one provider instance goes through
 * (docs/architecture.md, "Provider mechanics"). One provider serves many concurrent callers (apply, a
 * web app): each retrying on its own after a 429 multiplies the storm, so the budget is kept here.
 *
 * A token bucket: `budget.requests` to spend, refilled evenly over `budget.windowMs` (Hetzner 3600 an
 * hour, DigitalOcean 250 a minute). Calls are spaced once it is empty instead of hitting 429s; the
 * answers' `RateLimit-Remaining` / `-Limit` / `-Reset` headers correct it (never upwards past what
 * the server says is left); a 429 holds ALL callers until its Retry-After, and each then resumes with
 * a little jitter so that they do not come back at one instant. The state sits behind a small store
 * interface so that a shared store (several processes on one account) can back it later.
 */
import { InvalidInputError } from '../contract/errors.js';
import { throwIfAborted } from './abort.js';
import { systemScheduler, type Scheduler } from './clock.js';
import { rateLimitInfo } from './rate-limit-headers.js';

export interface RateLimitBudget {
  /** Requests the budget holds. */
  requests: number;
  /** Time in which a spent budget is regained in full. */
  windowMs: number;
}

export interface RateLimiterState {
  /** Requests that may be sent now (fractions accumulate as the budget refills). */
  tokens: number;
  /** When `tokens` was last brought up to date (epoch ms). */
  updatedAt: number;
  /** The most the bucket holds (the budget, or the API's `RateLimit-Limit`). */
  capacity: number;
  /** Requests regained per ms. */
  refillPerMs: number;
  /** No request before this (epoch ms): set by a 429. */
  holdUntil: number;
}

/** Where a limiter keeps its state: in memory by default; a shared store can be plugged in. */
export interface RateLimiterStore {
  get(key: string): RateLimiterState | undefined;
  set(key: string, state: RateLimiterState): void;
}

export function memoryRateLimiterStore(): RateLimiterStore {
  const states = new Map<string, RateLimiterState>();
  return { get: (key) => states.get(key), set: (key, state) => void states.set(key, { ...state }) };
}

export interface RateLimiterOptions {
  provider: string;
  /** The provider's default budget, or the config's `rateLimit` override. */
  budget: RateLimitBudget;
  store?: RateLimiterStore | undefined;
  /** The store key; default the provider name. */
  key?: string | undefined;
  scheduler?: Scheduler | undefined;
  /** For tests: a deterministic source of [0, 1). */
  random?: (() => number) | undefined;
  /** The most jitter added when callers resume after a 429's hold; default 250 ms. */
  maxJitterMs?: number | undefined;
}

export interface RateLimiter {
  /** Resolves when this request may be sent (spending one from the budget); AbortedError on abort. */
  acquire(signal?: AbortSignal): Promise<void>;
  /** Learns from an answer's `RateLimit-*` / `X-RateLimit-*` headers. */
  observe(headers: unknown): void;
  /** A 429 came: hold every caller for `retryAfterMs` (or until the budget regains one request). */
  onRateLimited(retryAfterMs?: number): void;
  /** The current state, for tests and diagnostics. */
  state(): RateLimiterState;
}

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { provider, budget } = options;
  for (const field of ['requests', 'windowMs'] as const) {
    if (!(budget[field] > 0) || !Number.isFinite(budget[field])) {
      throw new InvalidInputError(`rateLimit.${field}`, `rateLimit.${field} must be a number > 0, got ${String(budget[field])}`, { provider });
    }
  }
  const store = options.store ?? memoryRateLimiterStore();
  const key = options.key ?? provider;
  const clock = options.scheduler ?? systemScheduler;
  const random = options.random ?? Math.random;
  const maxJitterMs = options.maxJitterMs ?? 250;
  const configuredRate = budget.requests / budget.windowMs;

  const load = (now: number): RateLimiterState => {
    const s = store.get(key) ?? { tokens: budget.requests, updatedAt: now, capacity: budget.requests, refillPerMs: configuredRate, holdUntil: 0 };
    const from = Math.max(s.updatedAt, Math.min(now, s.holdUntil));
    if (now > from) s.tokens = Math.min(s.capacity, s.tokens + (now - from) * s.refillPerMs);
    s.updatedAt = Math.max(now, s.updatedAt);
    return s;
  };

  return {
    async acquire(signal) {
      for (;;) {
        throwIfAborted(signal, provider);
        const now = clock.now();
        const s = load(now);
        if (s.holdUntil > now) {
          store.set(key, s);
          const jitter = Math.floor(random() * Math.min(maxJitterMs, Math.max(1, (s.holdUntil - now) / 4)));
          await clock.sleep(s.holdUntil - now + jitter, signal, provider);
          continue;
        }
        if (s.tokens >= 1) {
          s.tokens -= 1;
          store.set(key, s);
          return;
        }
        store.set(key, s);
        await clock.sleep(Math.max(1, Math.ceil((1 - s.tokens) / s.refillPerMs)), signal, provider);
      }
    },

    observe(headers) {
      const now = clock.now();
      const info = rateLimitInfo(headers, now);
      if (info.remaining === undefined && info.limit === undefined) return;
      const s = load(now);
      if (info.limit !== undefined && info.limit >= 1) s.capacity = info.limit;
      // The server's count is the truth, but an answer may predate requests still in flight: only lower.
      if (info.remaining !== undefined) s.tokens = Math.min(s.tokens, info.remaining);
      s.tokens = Math.min(s.tokens, s.capacity);
      // The refill the headers imply, never faster than the budget this limiter was given.
      const { limit, remaining, resetAt } = info;
      s.refillPerMs =
        limit !== undefined && remaining !== undefined && resetAt !== undefined && limit > remaining && resetAt > now
          ? Math.min(configuredRate, (limit - remaining) / (resetAt - now))
          : configuredRate;
      store.set(key, s);
    },

    onRateLimited(retryAfterMs) {
      const now = clock.now();
      const s = load(now);
      const wait = retryAfterMs !== undefined && retryAfterMs >= 0 ? retryAfterMs : Math.ceil(1 / s.refillPerMs);
      s.holdUntil = Math.max(s.holdUntil, now + wait);
      // Whatever was left locally, the server says none is: after the hold (nothing refills during
      // it), one request is allowed and the rest come at the refill rate.
      s.tokens = 1;
      store.set(key, s);
    },

    state: () => ({ ...load(clock.now()) }),
  };
}
