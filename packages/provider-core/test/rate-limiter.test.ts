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

  it('learns from RateLimit-Remaining (only ever lowering what it thinks is left)', async () => {
    const { scheduler, limiter, sent, request } = setup({ requests: 100, windowMs: 100_000 });
    limiter.observe({ 'ratelimit-limit': '100', 'ratelimit-remaining': '1' });
    expect(limiter.state().tokens).toBe(1);
    limiter.observe({ 'ratelimit-remaining': '50' });
    expect(limiter.state().tokens).toBe(1);
    await scheduler.drive(Promise.all([request(), request()]));
    expect(sent).toEqual([0, 1000]);
  });

  it('learns a slower refill from RateLimit-Reset, never a faster one than its budget', () => {
    const { limiter } = setup({ requests: 10, windowMs: 1000 });
    limiter.observe({ 'ratelimit-limit': '10', 'ratelimit-remaining': '0', 'ratelimit-reset': '100' });
    expect(limiter.state().refillPerMs).toBeCloseTo(10 / 100_000);
    limiter.observe({ 'ratelimit-limit': '10', 'ratelimit-remaining': '9', 'ratelimit-reset': '0.001' });
    expect(limiter.state().refillPerMs).toBeCloseTo(10 / 1000);
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
  });
});
