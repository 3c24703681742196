/**
 * The client-side rate limiter every request of one provider instance goes through
 * (docs/architecture.md, "Provider mechanics"). One provider serves many concurrent callers (apply, a
 * web app): each retrying on its own after a 429 multiplies the storm, so the budget is kept here.
 *
 * A token bucket: `budget.requests` to spend, refilled evenly over `budget.windowMs` (Hetzner 3600 an
 * hour, DigitalOcean 250 a minute). Calls are spaced once it is empty instead of hitting 429s; the
 * answers' `RateLimit-Remaining` / `-Limit` / `-Reset` headers correct it (what is left only ever
 * downwards, since an answer may predate requests in flight; size and refill rate as they say); a 429 holds ALL callers until its Retry-After, and each then resumes with
 * a little jitter so that they do not come back at one instant. The state sits behind a small store
 * interface so that a shared store (several processes on one account) can back it later.
 *
 * A cloud that counts requests in sliding windows (DigitalOcean: 250 in any minute, 5000 in any
 * hour) gives them as `windows`: a bucket alone lets its burst and then its refill through within one
 * window, which such a cloud refuses. The windows' send times are kept in this process only.
 */
import { InvalidInputError } from '../contract/errors.js';
import { throwIfAborted } from './abort.js';
import { setMaxListeners } from 'node:events';
import { systemScheduler, type Scheduler } from './clock.js';
import { rateLimitInfo, type RateLimitInfo } from './rate-limit-headers.js';

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
  /**
   * Sliding windows the cloud counts requests in: at most `requests` sent in any `windowMs` (each
   * counted a second longer, for the trip). A request waits until the bucket and every window have room.
   */
  windows?: readonly RateLimitBudget[] | undefined;
  /**
   * What answers' headers may teach: `all` (default) the size, refill rate and what is left;
   * `remaining` only what is left (a cloud whose `RateLimit-Limit` / `-Reset` describe another
   * window than the budget's, such as DigitalOcean's hour against its minute).
   */
  learn?: 'all' | 'remaining' | undefined;
  /**
   * The budget is a ceiling (the user configured it, e.g. to share an account with other tools): the
   * headers may lower it but never raise it. Default false: it is a guess the headers correct either way.
   */
  ceiling?: boolean | undefined;
}

export interface RateLimiter {
  /** Resolves when this request may be sent (spending one from the budget); AbortedError on abort. */
  acquire(signal?: AbortSignal): Promise<void>;
  /**
   * A request that `acquire` let through has been answered (or failed): learns from its
   * `RateLimit-*` / `X-RateLimit-*` headers, if any. Call it once per acquired request.
   */
  observe(headers?: unknown): void;
  /** A 429 came: hold every caller for `retryAfterMs` (or until the budget regains one request). */
  onRateLimited(retryAfterMs?: number): void;
  /** The current state, for tests and diagnostics. */
  state(): RateLimiterState & { inFlight: number };
}

/** How long a request counts as in flight at most (longer than any request timeout). */
const IN_FLIGHT_MAX_MS = 120_000;

/**
 * A window counts a request from when it is sent, the cloud from when it arrives, and frees it a
 * window later: this much longer keeps a request sent as the window frees from arriving before the
 * cloud's has (the fleet bench saw one 429 a burst without it).
 */
const WINDOW_SLACK_MS = 1000;

/** A refill rate is learned from `RateLimit-Reset` only when the reset is this far off: whole-second resets make nearer ones noise. */
const MIN_RESET_TO_LEARN_MS = 10_000;

export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { provider, budget } = options;
  checkBudget(budget, 'rateLimit', provider);
  const windows = (options.windows ?? []).map((window, i) => {
    checkBudget(window, `windows.${i}`, provider);
    return { ...window, sent: [] as number[] };
  });
  const learnAll = (options.learn ?? 'all') === 'all';
  const store = options.store ?? memoryRateLimiterStore();
  const key = options.key ?? provider;
  const clock = options.scheduler ?? systemScheduler;
  const random = options.random ?? Math.random;
  const maxJitterMs = options.maxJitterMs ?? 250;
  const configuredRate = budget.requests / budget.windowMs;
  const ceiling = options.ceiling === true;
  // When each request let through and not yet answered was let through: the server's `remaining`
  // does not count them yet. One older than IN_FLIGHT_MAX_MS is taken as counted, so that a caller
  // that does not observe every answer does not shrink the budget for good.
  const inFlight: number[] = [];
  const inFlightNow = (now: number): number => {
    while (inFlight.length > 0 && inFlight[0]! < now - IN_FLIGHT_MAX_MS) inFlight.shift();
    return inFlight.length;
  };
  // Waiters sleep until the next refill, or until an answer or a 429 changes the picture. All of them
  // listen to this one signal: no limit on its listeners (a fleet's calls wait here together).
  const wakeController = () => {
    const controller = new AbortController();
    setMaxListeners(0, controller.signal);
    return controller;
  };
  let changed = wakeController();
  const wake = () => {
    changed.abort();
    changed = wakeController();
  };

  /** How long until every window has room for one more request (0: now). */
  const windowWaitMs = (now: number): number => {
    let wait = 0;
    for (const window of windows) {
      const span = window.windowMs + WINDOW_SLACK_MS;
      while (window.sent.length > 0 && window.sent[0]! <= now - span) window.sent.shift();
      if (window.sent.length >= window.requests) wait = Math.max(wait, window.sent[0]! + span - now);
    }
    return wait;
  };

  const load = (now: number): RateLimiterState => {
    const s = store.get(key) ?? { tokens: budget.requests, updatedAt: now, capacity: budget.requests, refillPerMs: configuredRate, holdUntil: 0 };
    // Nothing refills during a hold; after it, from its end.
    const from = Math.max(s.updatedAt, Math.min(now, s.holdUntil));
    if (now > from) s.tokens = Math.min(s.capacity, s.tokens + (now - from) * s.refillPerMs);
    s.updatedAt = Math.max(now, s.updatedAt);
    return s;
  };

  /** Sleeps `ms` or until woken; only the caller's abort rejects. */
  const nap = async (ms: number, signal: AbortSignal | undefined) => {
    const wakeSignal = changed.signal;
    const both = signal ? AbortSignal.any([signal, wakeSignal]) : wakeSignal;
    try {
      await clock.sleep(ms, both, provider);
    } catch (error) {
      if (signal?.aborted || !wakeSignal.aborted) throw error;
    }
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
          await nap(s.holdUntil - now + jitter, signal);
          continue;
        }
        const windowWait = windowWaitMs(now);
        if (windowWait > 0) {
          store.set(key, s);
          await nap(windowWait, signal);
          continue;
        }
        if (s.tokens >= 1) {
          s.tokens -= 1;
          store.set(key, s);
          // Pruned here too: a provider whose cloud sends no rate-limit headers may never observe.
          inFlightNow(now);
          inFlight.push(now);
          for (const window of windows) window.sent.push(now);
          return;
        }
        store.set(key, s);
        await nap(Math.max(1, Math.ceil((1 - s.tokens) / s.refillPerMs)), signal);
      }
    },

    observe(headers) {
      const now = clock.now();
      inFlight.shift();
      const told = rateLimitInfo(headers, now);
      const info: RateLimitInfo = learnAll ? told : told.remaining === undefined ? {} : { remaining: told.remaining };
      if (info.remaining === undefined && info.limit === undefined) return;
      const s = load(now);
      if (info.limit !== undefined && info.limit >= 1) s.capacity = ceiling ? Math.min(budget.requests, info.limit) : info.limit;
      // The server's count is the truth, less what is still on its way to it.
      if (info.remaining !== undefined) s.tokens = Math.max(0, info.remaining - inFlightNow(now));
      s.tokens = Math.min(s.tokens, s.capacity);
      const { limit, remaining, resetAt } = info;
      if (limit !== undefined && remaining !== undefined && resetAt !== undefined && limit > remaining && resetAt - now >= MIN_RESET_TO_LEARN_MS) {
        const learned = (limit - remaining) / (resetAt - now);
        s.refillPerMs = ceiling ? Math.min(configuredRate, learned) : learned;
      }
      store.set(key, s);
      if (s.tokens >= 1) wake();
    },

    onRateLimited(retryAfterMs) {
      const now = clock.now();
      const s = load(now);
      const wait = retryAfterMs !== undefined && retryAfterMs >= 0 ? retryAfterMs : Math.ceil(1 / s.refillPerMs);
      s.holdUntil = Math.max(s.holdUntil, now + wait);
      // Whatever was left locally, the server says none is: after the hold (nothing refills during
      // it), one request is allowed and the rest come as answers and the refill allow.
      s.tokens = 1;
      store.set(key, s);
      wake();
    },

    state: () => {
      const now = clock.now();
      return { ...load(now), inFlight: inFlightNow(now) };
    },
  };
}

function checkBudget(budget: RateLimitBudget, field: string, provider: string): void {
  for (const part of ['requests', 'windowMs'] as const) {
    if (!(budget[part] > 0) || !Number.isFinite(budget[part])) {
      throw new InvalidInputError(`${field}.${part}`, `${field}.${part} must be a number > 0, got ${String(budget[part])}`, { provider });
    }
  }
}
