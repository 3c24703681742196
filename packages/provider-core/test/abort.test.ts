import { describe, expect, it } from 'vitest';
import { AbortedError } from '../src/index.js';
import { abortedError, raceAbort, sleep, throwIfAborted } from '../src/provider.js';

describe('abortedError', () => {
  it('says why when the reason is a timeout or a string, keeps the reason as cause and out of toJSON', () => {
    const timeout = new AbortController();
    const reason = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    timeout.abort(reason);
    const error = abortedError(timeout.signal, 'acme');
    expect(error).toBeInstanceOf(AbortedError);
    expect(error.message).toBe('Aborted: The operation was aborted due to timeout');
    expect(error.provider).toBe('acme');
    expect(error.cause).toBe(reason);
    expect(JSON.stringify(error)).not.toContain('cause');

    const named = new AbortController();
    named.abort('user pressed ctrl-c');
    expect(abortedError(named.signal).message).toBe('Aborted: user pressed ctrl-c');
  });

  it('uses the plain message for a plain abort(), and reuses an AbortedError given as the reason', () => {
    const plain = new AbortController();
    plain.abort();
    expect(abortedError(plain.signal).message).toBe('The operation was aborted');
    const mine = new AbortedError('shutting down');
    const given = new AbortController();
    given.abort(mine);
    expect(abortedError(given.signal)).toBe(mine);
  });
});

describe('throwIfAborted', () => {
  it('throws AbortedError only once aborted', () => {
    const controller = new AbortController();
    expect(() => throwIfAborted(controller.signal)).not.toThrow();
    expect(() => throwIfAborted(undefined)).not.toThrow();
    controller.abort();
    expect(() => throwIfAborted(controller.signal, 'acme')).toThrow(AbortedError);
  });
});

describe('sleep', () => {
  it('resolves after the delay without a signal', async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
  });

  it('rejects at once when the signal aborts while sleeping, and when it already had', async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal, 'acme');
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED', provider: 'acme' });
    await expect(sleep(60_000, AbortSignal.abort())).rejects.toBeInstanceOf(AbortedError);
  });
});

describe('raceAbort', () => {
  it('settles with the promise when there is no abort', async () => {
    const controller = new AbortController();
    await expect(raceAbort(Promise.resolve(7), controller.signal)).resolves.toBe(7);
    await expect(raceAbort(Promise.reject(new Error('own failure')), controller.signal)).rejects.toThrow('own failure');
    await expect(raceAbort(Promise.resolve(8), undefined)).resolves.toBe(8);
  });

  it('rejects with AbortedError when the signal aborts first', async () => {
    const controller = new AbortController();
    const never = new Promise<number>(() => {});
    const raced = raceAbort(never, controller.signal, 'acme');
    controller.abort();
    await expect(raced).rejects.toMatchObject({ code: 'ABORTED', provider: 'acme' });
    await expect(raceAbort(Promise.resolve(1), AbortSignal.abort())).rejects.toBeInstanceOf(AbortedError);
  });
});
