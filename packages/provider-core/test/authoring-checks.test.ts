import { describe, expect, it } from 'vitest';
import { filterTags, keysByName, type ListFilter } from '../src/provider.js';

describe('filterTags', () => {
  it('gives the tags to match, {} for no filter', () => {
    expect(filterTags(undefined, 'p')).toEqual({});
    expect(filterTags({}, 'p')).toEqual({});
    expect(filterTags({ tags: { env: 'dev' } }, 'p')).toEqual({ env: 'dev' });
  });

  it('names what is wrong with a bad filter', () => {
    const field = (filter: unknown) => {
      try {
        filterTags(filter as ListFilter, 'p');
      } catch (error) {
        return (error as { code: string; details: { field: string } }).code + ' ' + (error as { details: { field: string } }).details.field;
      }
      return 'accepted';
    };
    expect(field('env=dev')).toBe('INVALID_INPUT filter');
    expect(field({ tags: ['env'] })).toBe('INVALID_INPUT filter.tags');
    expect(field({ tags: { env: 1 } })).toBe('INVALID_INPUT filter.tags.env');
  });
});

describe('keysByName', () => {
  const keys = [
    { id: 1, name: 'ci' },
    { id: 2, name: 'alice' },
  ];

  it('finds each named key, in the order asked', () => {
    expect(keysByName(['alice', 'ci'], keys, { provider: 'p', where: 'this account' }).map((k) => k.id)).toEqual([2, 1]);
  });

  it('refuses an unknown name, naming the entry and the keys that exist', () => {
    expect(() => keysByName(['ci', 'bob'], keys, { provider: 'p', where: 'this account' })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', field: 'sshKeys[1]', message: expect.stringContaining('Keys: alice, ci') }),
    );
  });
});
