/** Hetzner label syntax, enforced before any request, and the selectors built from tags. */
import { isStagelyError } from '@stagely/provider-core';
import { describe, expect, it } from 'vitest';
import { checkTags, labelKeyProblem, labelValueProblem, managedLabels, managedSelector } from '../src/labels.js';
import { parseLabelSelector } from '../src/testing/index.js';

describe('label keys and values', () => {
  it.each(['env', 'a', 'team.name', 'my_key-1', 'example.com/role', 'a.b-c.example/x', 'A1'])('accepts key %s', (key) => {
    expect(labelKeyProblem(key)).toBeUndefined();
  });
  it.each([
    ['', 'empty'],
    ['-env', 'starts with a dash'],
    ['env-', 'ends with a dash'],
    ['a b', 'space'],
    ['x'.repeat(64), 'too long'],
    ['/name', 'empty prefix'],
    ['Example.com/name', 'upper-case prefix'],
    ['hetzner.cloud/x', 'reserved prefix'],
    ['a,b', 'comma'],
    ['a=b', 'equals sign'],
  ])('refuses key %s (%s)', (key) => {
    expect(labelKeyProblem(key)).toBeTypeOf('string');
  });
  it.each(['', 'prod', 'v1.2_3-x', 'x'.repeat(63)])('accepts value %s', (value) => expect(labelValueProblem(value)).toBeUndefined());
  it.each(['-x', 'x-', 'a b', 'a,b', 'x'.repeat(64), 'ümlaut'])('refuses value %s', (value) => expect(labelValueProblem(value)).toBeTypeOf('string'));
});

describe('checkTags and managedLabels', () => {
  it('names the offending tag and never rewrites it', () => {
    const tags = { good: 'yes', 'bad key': 'x' };
    try {
      checkTags(tags, 'tags', 'hetzner');
      expect.fail('checkTags accepted a bad key');
    } catch (error) {
      expect(isStagelyError(error, 'INVALID_INPUT')).toBe(true);
      expect((error as { field: string }).field).toBe('tags.bad key');
    }
    expect(tags).toEqual({ good: 'yes', 'bad key': 'x' });
  });
  it('adds managed-by=stagely and refuses a caller who sets it', () => {
    expect(managedLabels({ env: 'dev' }, 'hetzner')).toEqual({ env: 'dev', 'managed-by': 'stagely' });
    expect(() => managedLabels({ 'managed-by': 'me' }, 'hetzner')).toThrow(/reserved/);
  });
});

describe('managedSelector', () => {
  it('selects managed resources with every tag, managed-by first', () => {
    expect(managedSelector()).toBe('managed-by==stagely');
    expect(managedSelector({ team: 'a', env: 'dev' })).toBe('managed-by==stagely,env==dev,team==a');
  });
  it('cannot be used to inject selector syntax', () => {
    expect(() => managedSelector({ 'env,managed-by!': 'x' })).toThrow(/filter\.tags|label key/);
    expect(() => managedSelector({ env: 'dev,owner!=me' })).toThrow();
  });
  it('agrees with the fake API selector', () => {
    const match = parseLabelSelector(managedSelector({ env: 'dev' }));
    expect(match({ 'managed-by': 'stagely', env: 'dev', other: 'x' })).toBe(true);
    expect(match({ 'managed-by': 'stagely', env: 'prod' })).toBe(false);
    expect(match({ env: 'dev' })).toBe(false);
  });
});

describe('the fake API label selector', () => {
  const labels = { env: 'prod', tier: 'web', solo: '' };
  it.each([
    ['env==prod', true],
    ['env=prod', true],
    ['env!=prod', false],
    ['env', true],
    ['!env', false],
    ['!missing', true],
    ['tier in (web,db)', true],
    ['tier notin (web,db)', false],
    ['env==prod,tier in (db, cache)', false],
    ['env==prod,tier in (db, web),!missing', true],
  ])('%s -> %s', (selector, expected) => expect(parseLabelSelector(selector)(labels)).toBe(expected));
  it.each(['env==', 'a b==c', 'env in (a', ',env', 'env===prod'])('refuses or handles %s', (selector) => {
    if (selector === 'env==') return expect(parseLabelSelector(selector)({ env: '' })).toBe(true);
    expect(() => parseLabelSelector(selector)).toThrow();
  });
});
