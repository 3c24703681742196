import { describe, expect, it } from 'vitest';
import { Catalog, DEFAULT_SIZE_TABLE } from '../src/catalog.js';
import { thrownBy } from './helpers.js';

const both = new Catalog({ architectures: ['amd64', 'arm64'] });

describe('Catalog', () => {
  it('maps abstract sizes per architecture', () => {
    expect(both.resolveType('small', 'amd64')).toEqual({ type: 'm1.small', architecture: 'amd64' });
    expect(both.resolveType('large', 'arm64')).toEqual({ type: 'a1.large', architecture: 'arm64' });
  });

  it('applies config.sizes overrides, which become launchable types', () => {
    const catalog = new Catalog({ architectures: ['amd64', 'arm64'], sizes: { small: { arm64: 'a2.tiny' } } });
    expect(catalog.resolveType('small', 'arm64').type).toBe('a2.tiny');
    expect(catalog.resolveType('small', 'amd64').type).toBe(DEFAULT_SIZE_TABLE.small.amd64);
    expect(catalog.resolveType({ type: 'a2.tiny' }, 'amd64')).toEqual({ type: 'a2.tiny', architecture: 'arm64' });
  });

  it('lets a native type decide the architecture, and refuses a contradiction', () => {
    expect(both.resolveType({ type: 'a1.medium' }, 'amd64')).toEqual({ type: 'a1.medium', architecture: 'arm64' });
    const error = thrownBy(() => both.resolveType({ type: 'a1.medium' }, 'amd64', 'amd64'), 'INVALID_INPUT', 'architecture');
    expect(error.message).toContain('a1.medium');
  });

  it('refuses an unknown type naming the alternatives', () => {
    const error = thrownBy(() => both.resolveType({ type: 'x9.huge' }, 'amd64'), 'INVALID_INPUT', 'size');
    for (const type of ['m1.small', 'm1.medium', 'm1.large', 'a1.small']) expect(error.message).toContain(type);
  });

  it('has no types of an architecture the cloud does not offer', () => {
    const amd64Only = new Catalog({ architectures: ['amd64'] });
    const error = thrownBy(() => amd64Only.resolveType({ type: 'a1.small' }, 'amd64'), 'INVALID_INPUT', 'size');
    expect(error.message.split('available types:')[1]).toBe(' m1.small, m1.medium, m1.large');
  });

  it('refuses an unknown region naming the known ones', () => {
    expect(() => both.checkRegion('mock-2')).not.toThrow();
    const error = thrownBy(() => both.checkRegion('eu-central-9'), 'INVALID_INPUT', 'region');
    expect(error.message).toContain('mock-1, mock-2');
  });

  it('resolves distribution images and refuses unknown versions naming the known ones', () => {
    expect(both.resolveImage({ ubuntu: '24.04' }, 'arm64')).toBe('ubuntu-24.04-arm64');
    expect(both.resolveImage({ id: 'custom-image-7' }, 'amd64')).toBe('custom-image-7');
    const error = thrownBy(() => both.resolveImage({ debian: '7' }, 'amd64'), 'INVALID_INPUT', 'image');
    expect(error.message).toContain('12, 13');
  });
});
