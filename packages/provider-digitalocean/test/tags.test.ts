import { isStagelyError } from '@stagely/provider-core';
import { describe, expect, it } from 'vitest';
import { createTags, decodeTags, filterMatcher, MANAGED_TAG, requestMarker, tagProblem } from '../src/tags.js';

const TAG_NAME = /^[a-zA-Z0-9_\-:]+$/;

function expectInvalid(fn: () => unknown, field: string) {
  try {
    fn();
  } catch (error) {
    expect(isStagelyError(error, 'INVALID_INPUT'), String(error)).toBe(true);
    expect((error as { details: { field: string } }).details.field).toBe(field);
    return;
  }
  throw new Error(`expected an InvalidInputError for ${field}`);
}

describe('tags as DigitalOcean tag names', () => {
  it('encode key=value as key:value, add managed-by and the marker, and decode back', () => {
    const tags = { env: 'prod', 'stagely-run': 'conformance-ab12', empty: '', url: 'a:b:c', team_1: 'Infra-1' };
    const marker = requestMarker();
    const names = createTags(tags, marker, 'digitalocean');
    expect(names[0]).toBe(MANAGED_TAG);
    expect(MANAGED_TAG).toBe('managed-by:stagely');
    expect(names).toContain('env:prod');
    expect(names).toContain('empty:');
    expect(names).toContain('url:a:b:c');
    for (const name of names) {
      expect(name).toMatch(TAG_NAME);
      expect(name.length).toBeLessThanOrEqual(255);
    }
    expect(decodeTags(names), 'the marker is not shown').toEqual({ ...tags, 'managed-by': 'stagely' });
  });

  it('decodes tags set outside Stagely: a plain tag is a key with an empty value', () => {
    expect(decodeTags(['web', 'env:prod'])).toEqual({ web: '', env: 'prod' });
  });

  it('refuses what cannot be a DigitalOcean tag, naming the tag, instead of rewriting it', () => {
    expectInvalid(() => createTags({ 'a.b': 'x' }, requestMarker(), 'digitalocean'), 'tags.a.b');
    expectInvalid(() => createTags({ 'a:b': 'x' }, requestMarker(), 'digitalocean'), 'tags.a:b');
    expectInvalid(() => createTags({ env: 'has space' }, requestMarker(), 'digitalocean'), 'tags.env');
    expectInvalid(() => createTags({ env: 'v1.2' }, requestMarker(), 'digitalocean'), 'tags.env');
    expectInvalid(() => createTags({ long: 'x'.repeat(251) }, requestMarker(), 'digitalocean'), 'tags.long');
    expect(tagProblem('long', 'x'.repeat(250))).toBeUndefined();
    expectInvalid(() => createTags({ 'managed-by': 'me' }, requestMarker(), 'digitalocean'), 'tags.managed-by');
    expectInvalid(() => createTags({ 'stagely-request': 'x' }, requestMarker(), 'digitalocean'), 'tags.stagely-request');
    expectInvalid(() => filterMatcher({ 'bad key': 'x' }, 'digitalocean'), 'filter.tags.bad key');
  });

  it('filters on decoded tags', () => {
    const matches = filterMatcher({ env: 'prod' }, 'digitalocean');
    expect(matches({ env: 'prod', team: 'a' })).toBe(true);
    expect(matches({ env: 'dev' })).toBe(false);
    expect(filterMatcher({}, 'digitalocean')({})).toBe(true);
  });
});
