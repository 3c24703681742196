import { describe, expect, it, vi } from 'vitest';
import { NetworkError } from '../src/index.js';
import { cachedOnce, cachedOnceByKey } from '../src/provider.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('cachedOnce', () => {
  it('shares one read among concurrent callers and keeps it', async () => {
    const read = deferred<string[]>();
    const load = vi.fn(() => read.promise);
    const catalogue = cachedOnce(load);
    const all = Promise.all([catalogue.get(), catalogue.get(), catalogue.get()]);
    read.resolve(['cx23']);
    expect(await all).toEqual([['cx23'], ['cx23'], ['cx23']]);
    expect(await catalogue.get()).toEqual(['cx23']);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('forgets a failed read, so the next caller reads again', async () => {
    const load = vi.fn<() => Promise<string>>().mockRejectedValueOnce(new NetworkError('reset')).mockResolvedValueOnce('ok');
    const value = cachedOnce(load);
    await expect(value.get()).rejects.toMatchObject({ code: 'NETWORK' });
    await expect(value.get()).resolves.toBe('ok');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('lets one caller give up without cancelling the shared read for the others', async () => {
    const read = deferred<string>();
    const value = cachedOnce(() => read.promise);
    const controller = new AbortController();
    const impatient = value.get(controller.signal, 'acme');
    const patient = value.get();
    controller.abort();
    await expect(impatient).rejects.toMatchObject({ code: 'ABORTED', provider: 'acme' });
    read.resolve('done');
    await expect(patient).resolves.toBe('done');
  });

  it('forget() drops a kept value', async () => {
    let n = 0;
    const value = cachedOnce(async () => ++n);
    expect(await value.get()).toBe(1);
    value.forget();
    expect(await value.get()).toBe(2);
  });

  it('keeps one read per key', async () => {
    const load = vi.fn(async (arch: string) => `${arch}-images`);
    const images = cachedOnceByKey(load);
    expect(await Promise.all([images.get('x86'), images.get('arm'), images.get('x86')])).toEqual(['x86-images', 'arm-images', 'x86-images']);
    expect(load).toHaveBeenCalledTimes(2);
  });
});
