import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AbortedError,
  ApiError,
  InvalidInputError,
  NetworkError,
  RateLimitError,
  isStagelyError,
  type StagelyEvent,
} from '../src/index.js';
import { backoffDelay, withRetry } from '../src/provider.js';

/** A random source that replays `values` in turn. */
const replay = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};

/** A function failing with `errors` in turn, then returning 'ok'; counts its calls. */
function failing(...errors: unknown[]) {
  const fn = vi.fn(async (attempt: number) => {
    if (attempt <= errors.length) throw errors[attempt - 1];
    return 'ok';
  });
  return fn;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('backoffDelay', () => {
  it('is full jitter: from 0 up to (not including) a ceiling that doubles per attempt and stops at maxDelayMs', () => {
    const policy = { baseDelayMs: 100, maxDelayMs: 1000 };
    const almostOne = 1 - Number.EPSILON;
    expect(backoffDelay(1, new NetworkError('x'), { ...policy, random: () => 0 })).toBe(0);
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, new NetworkError('x'), { ...policy, random: () => almostOne }))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(backoffDelay(3, new NetworkError('x'), { ...policy, random: () => 0.5 })).toBe(200);
  });

  it('waits retryAfterMs plus the jitter, even past maxDelayMs', () => {
    const error = new RateLimitError('slow down', { retryAfterMs: 5000 });
    expect(backoffDelay(1, error, { baseDelayMs: 100, maxDelayMs: 1000, random: () => 0 })).toBe(5000);
    expect(backoffDelay(1, error, { baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.9 })).toBe(5090);
    const small = new RateLimitError('slow down', { retryAfterMs: 10 });
    expect(backoffDelay(4, small, { baseDelayMs: 100, random: () => 0.5 })).toBe(410);
  });

  it('spreads callers told the same Retry-After instead of bringing them back at one instant', () => {
    const error = new RateLimitError('slow down', { retryAfterMs: 1000 });
    const delays = [0.05, 0.3, 0.55, 0.8].map((r) => backoffDelay(1, error, { random: () => r }));
    expect(new Set(delays).size).toBe(4);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(1000);
  });
});

describe('withRetry', () => {
  it('retries retryable errors with jittered delays and returns the first success', async () => {
    const fn = failing(new NetworkError('reset'), new ApiError('bad gateway', 502));
    const delays: number[] = [];
    const result = await withRetry(fn, {
      baseDelayMs: 8,
      random: replay(0.5, 0.25),
      onRetry: ({ delayMs }) => delays.push(delayMs),
    });
    expect(result).toBe('ok');
    expect(fn.mock.calls.map(([attempt]) => attempt)).toEqual([1, 2, 3]);
    expect(delays).toEqual([4, 4]);
  });

  it('does not retry a non-retryable error, nor an error that is not a StagelyError', async () => {
    for (const error of [new InvalidInputError('size', 'bad'), new ApiError('bad request', 400), new TypeError('bug')]) {
      const fn = failing(error);
      await expect(withRetry(fn, { baseDelayMs: 0 })).rejects.toBe(error);
      expect(fn).toHaveBeenCalledTimes(1);
    }
  });

  it('lets a custom isRetryable decide, including for errors that are not StagelyErrors', async () => {
    const bug = new TypeError('flaky');
    const fn = failing(bug);
    const seen: unknown[] = [];
    await expect(
      withRetry(fn, { baseDelayMs: 0, isRetryable: (e) => e instanceof TypeError, onRetry: ({ error }) => seen.push(error) }),
    ).resolves.toBe('ok');
    expect(seen).toEqual([bug]);
    const refused = failing(new NetworkError('reset'));
    await expect(withRetry(refused, { isRetryable: () => false })).rejects.toThrow('reset');
    expect(refused).toHaveBeenCalledTimes(1);
  });

  it('stops after maxAttempts and rethrows the last error', async () => {
    const errors = [1, 2, 3, 4].map((n) => new NetworkError(`reset ${n}`));
    const fn = failing(...errors);
    await expect(withRetry(fn, { maxAttempts: 3, baseDelayMs: 0 })).rejects.toBe(errors[2]);
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('gives up at once rather than sleep past maxElapsedMs (e.g. a long Retry-After)', async () => {
    const error = new RateLimitError('slow down', { retryAfterMs: 120_000 });
    const fn = failing(error);
    await expect(withRetry(fn, { maxElapsedMs: 60_000 })).rejects.toBe(error);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('bounds the total time: backoff that would cross maxElapsedMs is not slept', async () => {
    vi.useFakeTimers();
    const fn = vi.fn(async () => {
      throw new NetworkError('reset');
    });
    const delays: number[] = [];
    const outcome = withRetry(fn, {
      maxAttempts: 10,
      baseDelayMs: 1000,
      maxDelayMs: 1000,
      maxElapsedMs: 2500,
      random: () => 0.999,
      onRetry: ({ delayMs }) => delays.push(delayMs),
    }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(isStagelyError(await outcome, 'NETWORK')).toBe(true);
    // 999 + 999 fits in 2500; a third 999 would not.
    expect(delays).toEqual([999, 999]);
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('honours retryAfterMs: the retry waits for it', async () => {
    vi.useFakeTimers();
    const fn = failing(new RateLimitError('slow down', { retryAfterMs: 3000 }));
    const outcome = withRetry(fn, { baseDelayMs: 10, random: () => 0 });
    await vi.advanceTimersByTimeAsync(2999);
    expect(fn).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fn).toHaveBeenCalledTimes(2);
    await expect(outcome).resolves.toBe('ok');
  });

  it('rejects with AbortedError when the signal aborts during backoff, without another attempt', async () => {
    const controller = new AbortController();
    const fn = failing(new NetworkError('reset'), new NetworkError('reset'));
    const outcome = withRetry(fn, {
      baseDelayMs: 60_000,
      maxDelayMs: 60_000,
      random: () => 0.5,
      signal: controller.signal,
      provider: 'acme',
      onRetry: () => queueMicrotask(() => controller.abort()),
    });
    const error = await outcome.catch((e: unknown) => e);
    expect(AbortedError.isInstance(error)).toBe(true);
    expect((error as AbortedError).provider).toBe('acme');
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('does not start when the signal is already aborted', async () => {
    const fn = failing();
    await expect(withRetry(fn, { signal: AbortSignal.abort() })).rejects.toSatisfy((e) => AbortedError.isInstance(e));
    expect(fn).not.toHaveBeenCalled();
  });

  it('emits rate-limit and retry events (and survives a throwing sink)', async () => {
    const events: StagelyEvent[] = [];
    const fn = failing(new RateLimitError('slow down', { retryAfterMs: 5, provider: 'acme' }), new NetworkError('reset'));
    await withRetry(fn, {
      baseDelayMs: 4,
      random: () => 0.5,
      operation: 'servers.list',
      events: (event) => {
        events.push(event);
        throw new Error('listener bug');
      },
    });
    expect(events).toEqual([
      { type: 'rate-limit', provider: 'acme', operation: 'servers.list', retryAfterMs: 5 },
      { type: 'retry', provider: 'acme', operation: 'servers.list', attempt: 1, delayMs: 7, code: 'RATE_LIMITED' },
      { type: 'retry', provider: 'unknown', operation: 'servers.list', attempt: 2, delayMs: 4, code: 'NETWORK' },
    ]);
  });

  it('refuses a policy that makes no sense, naming the field', async () => {
    const fn = failing();
    await expect(withRetry(fn, { maxAttempts: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'retry.maxAttempts' });
    await expect(withRetry(fn, { baseDelayMs: Number.NaN })).rejects.toMatchObject({ field: 'retry.baseDelayMs' });
    expect(fn).not.toHaveBeenCalled();
  });
});
