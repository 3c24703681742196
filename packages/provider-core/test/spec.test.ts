import { describe, expect, it } from 'vitest';
import { InvalidInputError, type InstanceSpec } from '../src/index.js';
import { fieldPath, resolveInstanceSpec } from '../src/provider.js';

const defaults = { region: 'eu-1', provider: 'acme' };

/** The InvalidInputError `spec` is refused with. */
function refusal(spec: unknown): InvalidInputError {
  try {
    resolveInstanceSpec(spec as InstanceSpec, defaults);
  } catch (error) {
    expect(InvalidInputError.isInstance(error)).toBe(true);
    return error as InvalidInputError;
  }
  throw new Error(`accepted: ${JSON.stringify(spec)}`);
}

describe('resolveInstanceSpec', () => {
  it('fills in the defaults', () => {
    const resolved = resolveInstanceSpec({ size: 'small' }, defaults);
    expect(resolved).toMatchObject({
      size: 'small',
      architecture: 'amd64',
      region: 'eu-1',
      image: { ubuntu: '24.04' },
      tags: {},
      spot: false,
      sshKeys: [],
    });
    expect(resolved.name).toMatch(/^stagely-[0-9a-f]{8}$/);
  });

  it('keeps what was given, and copies tags rather than sharing them', () => {
    const tags = { env: 'dev' };
    const spec: InstanceSpec = {
      name: 'web-1',
      size: { type: 'cx23' },
      architecture: 'arm64',
      region: 'eu-2',
      image: { snapshot: 'snap-1' },
      tags,
      spot: true,
      sshKeys: ['me'],
      userData: '#cloud-config\n',
    };
    const resolved = resolveInstanceSpec(spec, defaults);
    expect(resolved).toEqual(spec);
    expect(resolved.tags).not.toBe(tags);
  });

  it.each([
    [{ size: 'tiny' }, 'size'],
    [{}, 'size'],
    [{ size: { type: '' } }, 'size.type'],
    [{ size: 'small', architecture: 'x86' }, 'architecture'],
    [{ size: 'small', region: '  ' }, 'region'],
    [{ size: 'small', tags: { env: 5 } }, 'tags.env'],
    [{ size: 'small', tags: 'env=dev' }, 'tags'],
    [{ size: 'small', image: { windows: '11' } }, 'image'],
    [{ size: 'small', image: { ubuntu: '' } }, 'image.ubuntu'],
    [{ size: 'small', sshKeys: [''] }, 'sshKeys[0]'],
    [{ size: 'small', sshKeys: ['me', 3] }, 'sshKeys[1]'],
    [{ size: 'small', name: '-web' }, 'name'],
    [{ size: 'small', spot: 'yes' }, 'spot'],
    [{ size: 'small', sizes: 'large' }, 'sizes'],
    [null, 'spec'],
  ])('refuses %j naming the field %s', (spec, field) => {
    const error = refusal(spec);
    expect(error.field).toBe(field);
    expect(error.details.field).toBe(field);
    expect(error.provider).toBe('acme');
    expect(error.message).toContain(field);
  });
});

describe('fieldPath', () => {
  it('writes object keys with dots and array indexes in brackets', () => {
    expect(fieldPath(['tags', 'env'])).toBe('tags.env');
    expect(fieldPath(['sshKeys', 0])).toBe('sshKeys[0]');
    expect(fieldPath(['hosts', 2, 'tags', 'role'])).toBe('hosts[2].tags.role');
    expect(fieldPath([])).toBe('');
  });
});

describe('resolveInstanceSpec trims what it checks', () => {
  it('passes on the trimmed region, type and key names, and leaves user data as it is', () => {
    const resolved = resolveInstanceSpec(
      { size: { type: ' m1.small ' }, region: ' mock-1 ', sshKeys: [' default '], userData: '  #cloud-config\n' },
      { region: 'mock-2', provider: 'test' },
    );
    expect(resolved.region).toBe('mock-1');
    expect(resolved.size).toEqual({ type: 'm1.small' });
    expect(resolved.sshKeys).toEqual(['default']);
    expect(resolved.userData).toBe('  #cloud-config\n');
  });
});
