import { describe, expect, it, vi } from 'vitest';
import { ApiError, NetworkError } from '../src/index.js';
import { collectPages } from '../src/provider.js';

describe('collectPages', () => {
  it('reads numbered pages until there is no next one, retrying a failed page alone', async () => {
    let failures = 1;
    const fetchPage = vi.fn(async (page: number | undefined) => {
      const n = page ?? 1;
      if (n === 2 && failures-- > 0) throw new NetworkError('reset');
      return { items: [n * 10, n * 10 + 1], next: n < 3 ? n + 1 : null };
    });
    const items = await collectPages(fetchPage, { provider: 'acme', operation: 'things.list', retry: { baseDelayMs: 0 } });
    expect(items).toEqual([10, 11, 20, 21, 30, 31]);
    expect(fetchPage.mock.calls.map((c) => c[0])).toEqual([undefined, 2, 2, 3]);
  });

  it('reads token cursors', async () => {
    const pages: Record<string, { items: string[]; next?: string }> = { start: { items: ['a'], next: 't1' }, t1: { items: ['b'], next: 't2' }, t2: { items: ['c'] } };
    const items = await collectPages<string, string>(async (token) => pages[token ?? 'start']!, { provider: 'acme', operation: 'things.list' });
    expect(items).toEqual(['a', 'b', 'c']);
  });

  it('refuses a listing that points back to a page it read, rather than reading forever or cutting it short', async () => {
    await expect(collectPages(async (page) => ({ items: [1], next: page === undefined ? 2 : 1 }), { provider: 'acme', operation: 'things.list' })).rejects.toSatisfy(
      (e) => ApiError.isInstance(e) && /things\.list/.test((e as Error).message),
    );
    await expect(
      collectPages<number, string>(async (token) => ({ items: [1], next: token === undefined ? 'a' : token === 'a' ? 'b' : 'a' }), { provider: 'acme', operation: 'x' }),
    ).rejects.toSatisfy((e) => ApiError.isInstance(e));
  });

  it('stops at maxPages', async () => {
    await expect(collectPages(async (page) => ({ items: [], next: (page ?? 1) + 1 }), { provider: 'acme', operation: 'x', maxPages: 5 })).rejects.toThrow(/5 pages/);
  });

  it('honours the signal', async () => {
    await expect(collectPages(async () => ({ items: [] }), { provider: 'acme', operation: 'x', signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
