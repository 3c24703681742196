import { describe, expect, it } from 'vitest';
import { NetworkError, NotFoundError } from '../src/index.js';
import { falseWhenNotFound, nullWhenNotFound } from '../src/provider.js';

describe('nullWhenNotFound / falseWhenNotFound', () => {
  it('turn NOT_FOUND into null / false and rethrow anything else', async () => {
    await expect(nullWhenNotFound(Promise.resolve(7))).resolves.toBe(7);
    await expect(nullWhenNotFound(Promise.reject(new NotFoundError('gone')))).resolves.toBeNull();
    await expect(falseWhenNotFound(Promise.resolve(undefined))).resolves.toBe(true);
    await expect(falseWhenNotFound(Promise.reject(new NotFoundError('gone')))).resolves.toBe(false);
    await expect(nullWhenNotFound(Promise.reject(new NetworkError('reset')))).rejects.toMatchObject({ code: 'NETWORK' });
  });
});
