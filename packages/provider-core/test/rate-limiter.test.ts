/** The client-side rate limiter, driven by a manual scheduler (no real time). */
import { describe, expect, it } from 'vitest';
import { createRateLimiter, memoryRateLimiterStore, type RateLimiterState, type RateLimiterStore } from '../src/provider.js';
import { flush, manualScheduler } from './helpers/manual-scheduler.js';

function setup(budget = { requests: 3, windowMs: 3000 }, random = () => 0) {
  const scheduler = manualScheduler(0);
  const limiter = createRateLimiter({ provider: 'acme', budget, scheduler, random, maxJitterMs: 100 });
  const sent: number[] = [];
  const request = async (signal?: AbortSignal) => {
    await limiter.acquire(signal);
    sent.push(scheduler.now());
  };
  return { scheduler, limiter, sent, request };
}

describe('createRateLimiter', () => {
  it('spends the budget at once, then spaces calls at the refill rate instead of letting them fail', async () => {
    const { scheduler, sent, request } = setup();
    const all = Promise.all(Array.from({ length: 6 }, () => request()));
    await scheduler.drive(all);
    expect(sent.slice(0, 3)).toEqual([0, 0, 0]);
    expect(sent.slice(3)).toEqual([1000, 2000, 3000]);
  });

  it('never sends more than the bucket allows: its size at once, then the refill rate', async () => {
    const { scheduler, sent, request } = setup({ requests: 5, windowMs: 1000 });
    await scheduler.drive(Promise.all(Array.from({ length: 40 }, () => request())));
    // In any interval of d ms: at most 5 + 5 * d / 1000 requests.
    for (const start of sent) {
      for (const d of [1, 500, 1000, 3000]) expect(sent.filter((t) => t >= start && t < start + d).length).toBeLessThanOrEqual(5 + Math.ceil((5 * d) / 1000));
    }
    expect(sent.at(-1)).toBe(7000);
  });

  it('takes what is left from RateLimit-Remaining, less the requests still on their way', async () => {
    const { scheduler, limiter, sent, request } = setup({ requests: 100, windowMs: 100_000 });
    await limiter.acquire();
    await limiter.acquire();
    // The first answer: one left by the server's count; the second request is not counted in it yet.
    limiter.observe({ 'ratelimit-limit': '100', 'ratelimit-remaining': '2' });
    expect(limiter.state()).toMatchObject({ tokens: 1, inFlight: 1, capacity: 100 });
    limiter.observe({ 'ratelimit-remaining': '1' });
    expect(limiter.state()).toMatchObject({ tokens: 1, inFlight: 0 });
    await scheduler.drive(Promise.all([request(), request()]));
    expect(sent).toEqual([0, 1000]);
  });

  it('with ceiling, the headers may lower the budget but never raise it', () => {
    const scheduler = manualScheduler(0);
    const limiter = createRateLimiter({ provider: 'acme', budget: { requests: 5, windowMs: 1000 }, ceiling: true, scheduler });
    limiter.observe({ 'ratelimit-limit': '100', 'ratelimit-remaining': '90', 'ratelimit-reset': '100' });
    expect(limiter.state()).toMatchObject({ capacity: 5, tokens: 5 });
    expect(limiter.state().refillPerMs).toBeCloseTo(5 / 1000);
    limiter.observe({ 'ratelimit-limit': '3', 'ratelimit-remaining': '1' });
    expect(limiter.state()).toMatchObject({ capacity: 3, tokens: 1 });
  });

  it('takes a request unanswered for two minutes as counted (a caller that does not observe every answer)', async () => {
    const { scheduler, limiter } = setup({ requests: 10, windowMs: 1000 });
    await limiter.acquire();
    expect(limiter.state().inFlight).toBe(1);
    await scheduler.advance(120_001);
    expect(limiter.state().inFlight).toBe(0);
  });

  it('wakes callers waiting for the refill as soon as an answer says there is budget again', async () => {
    const { scheduler, limiter, sent, request } = setup({ requests: 1, windowMs: 60_000 });
    await limiter.acquire();
    const waiting = request();
    await flush();
    expect(sent).toEqual([]);
    limiter.observe({ 'ratelimit-limit': '10', 'ratelimit-remaining': '9' });
    await flush();
    expect(sent).toEqual([0]);
    await waiting;
    expect(scheduler.now()).toBe(0);
  });

  it('learns the refill rate from a distant RateLimit-Reset, and the size from RateLimit-Limit', () => {
    const { limiter } = setup({ requests: 10, windowMs: 1000 });
    limiter.observe({ 'ratelimit-limit': '3600', 'ratelimit-remaining': '0', 'ratelimit-reset': '3600' });
    expect(limiter.state()).toMatchObject({ capacity: 3600, tokens: 0 });
    expect(limiter.state().refillPerMs).toBeCloseTo(1 / 1000);
    // A reset a second away (whole seconds) says too little to learn a rate from.
    limiter.observe({ 'ratelimit-limit': '3600', 'ratelimit-remaining': '3599', 'ratelimit-reset': '1' });
    expect(limiter.state().refillPerMs).toBeCloseTo(1 / 1000);
  });

  it('a 429 holds every caller until the Retry-After, then they resume one by one with jitter', async () => {
    let r = 0;
    const { scheduler, limiter, sent, request } = setup({ requests: 10, windowMs: 10_000 }, () => (r = (r + 0.37) % 1));
    limiter.onRateLimited(5000);
    const all = Promise.all(Array.from({ length: 4 }, () => request()));
    await flush();
    expect(sent).toEqual([]);
    await scheduler.advance(4999);
    expect(sent).toEqual([]);
    await scheduler.drive(all);
    expect(sent[0]).toBeGreaterThanOrEqual(5000);
    expect(sent[0]).toBeLessThan(5100);
    // One request after the hold, the rest at the refill rate (one a second).
    expect(sent[3]! - sent[0]!).toBeGreaterThanOrEqual(3000 - 100);
  });

  it('is abortable while it waits', async () => {
    const { limiter } = setup({ requests: 1, windowMs: 1000 });
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    await flush();
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ABORTED', provider: 'acme' });
  });

  it('keeps its state in the store it is given', async () => {
    const saved: RateLimiterState[] = [];
    const memory = memoryRateLimiterStore();
    const store: RateLimiterStore = { get: (key) => memory.get(key), set: (key, state) => (saved.push(state), memory.set(key, state)) };
    const scheduler = manualScheduler(0);
    const limiter = createRateLimiter({ provider: 'acme', budget: { requests: 2, windowMs: 1000 }, store, key: 'acme:project-1', scheduler });
    await limiter.acquire();
    expect(saved.at(-1)).toMatchObject({ tokens: 1, capacity: 2 });
    expect(memory.get('acme:project-1')).toMatchObject({ tokens: 1 });
  });

  it('refuses a budget that makes no sense, naming the field', () => {
    expect(() => createRateLimiter({ provider: 'acme', budget: { requests: 0, windowMs: 1000 } })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', field: 'rateLimit.requests' }));
    expect(() => createRateLimiter({ provider: 'acme', budget: { requests: 1, windowMs: 1000 }, windows: [{ requests: 5, windowMs: -1 }] })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', field: 'windows.0.windowMs' }),
    );
  });

  it('with sliding windows, never sends more in any window than it allows, where the bucket alone would', async () => {
    // DigitalOcean's shape, scaled down: a bucket of 5 a second, and at most 5 in any second and 8 in any 10 s.
    const scheduler = manualScheduler(0);
    const windows = [
      { requests: 5, windowMs: 1000 },
      { requests: 8, windowMs: 10_000 },
    ];
    const limiter = createRateLimiter({ provider: 'acme', budget: { requests: 5, windowMs: 1000 }, windows, scheduler });
    const sent: number[] = [];
    await scheduler.drive(
      Promise.all(
        Array.from({ length: 20 }, async () => {
          await limiter.acquire();
          sent.push(scheduler.now());
        }),
      ),
    );
    for (const { requests, windowMs } of windows) {
      for (const start of sent) expect(sent.filter((t) => t >= start && t < start + windowMs).length).toBeLessThanOrEqual(requests);
    }
    // 8 at once, the next 8 once the first have left the 10 s window (and its second of slack for
    // the trip), the last 4 a window later.
    expect(sent.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(sent[8]).toBe(11_000);
    expect(sent.at(-1)).toBe(22_000);
    // The bucket alone: 5 at once, then 5 a second (20 requests by 3 s), which the 10 s window refuses.
    const bucketOnly = setup({ requests: 5, windowMs: 1000 });
    await bucketOnly.scheduler.drive(Promise.all(Array.from({ length: 20 }, () => bucketOnly.request())));
    expect(bucketOnly.sent.filter((t) => t < 10_000).length).toBeGreaterThan(8);
  });

  it("with learn: 'remaining', takes what is left from the headers but not their size or reset", () => {
    const now = 0;
    const scheduler = { now: () => now, sleep: () => Promise.resolve() };
    const limiter = createRateLimiter({ provider: 'acme', budget: { requests: 250, windowMs: 60_000 }, scheduler, learn: 'remaining' });
    // DigitalOcean's headers describe its hour (5000), not the minute the budget is.
    limiter.observe({ 'ratelimit-limit': '5000', 'ratelimit-remaining': '4000', 'ratelimit-reset': String(3500) });
    expect(limiter.state()).toMatchObject({ capacity: 250, tokens: 250 });
    expect(limiter.state().refillPerMs).toBeCloseTo(250 / 60_000, 10);
    limiter.observe({ 'ratelimit-limit': '5000', 'ratelimit-remaining': '3', 'ratelimit-reset': String(3500) });
    expect(limiter.state().tokens).toBe(3);
  });
});
