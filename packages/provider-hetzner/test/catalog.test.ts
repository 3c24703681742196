/**
 * Catalogue checks against the fake API: a deprecated or unknown server type, location, image,
 * tag or SSH key is refused before any create call, naming the alternatives.
 */
import { isStagelyError, type InstanceSpec, type StagelyError } from '@stagely/provider-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SIZES } from '../src/index.js';
import { startHarness, type Harness } from './setup.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.fake.http.clearLog());

async function refusal(spec: InstanceSpec): Promise<StagelyError> {
  const error = await h.provider.createInstance(spec).then(
    () => expect.fail('createInstance accepted the spec'),
    (e: unknown) => e,
  );
  if (!isStagelyError(error, 'INVALID_INPUT')) throw error;
  expect(h.calls('servers.create'), 'no create call was made').toBe(0);
  return error;
}

describe('server types', () => {
  it('maps sizes per DESIGN', () => {
    expect(DEFAULT_SIZES).toEqual({
      small: { amd64: 'cx23', arm64: 'cax11' },
      medium: { amd64: 'cx33', arm64: 'cax21' },
      large: { amd64: 'cx43', arm64: 'cax31' },
    });
  });

  it('provisions the table type for each size and architecture', async () => {
    for (const size of ['small', 'medium', 'large'] as const) {
      for (const architecture of ['amd64', 'arm64'] as const) {
        const instance = await h.provider.createInstance({ size, architecture, tags: { test: 'sizes' } });
        expect([instance.type, instance.architecture]).toEqual([DEFAULT_SIZES[size][architecture], architecture]);
      }
    }
  });

  it('refuses a type deprecated in every location, naming the alternatives', async () => {
    const error = await refusal({ size: { type: 'cx22' } });
    expect(error.details.field).toBe('size');
    expect(error.message).toMatch(/cx22.*deprecated/);
    expect(error.details.alternatives).toEqual(expect.arrayContaining(['cx23', 'cx33', 'cpx12']));
    expect(error.message).toContain('cx23');
  });

  it('refuses a type deprecated in this location only (locations[].deprecation), and takes it elsewhere', async () => {
    const error = await refusal({ size: { type: 'cx32' }, region: 'fsn1' });
    expect(error.message).toMatch(/deprecated in fsn1 \(unavailable after/);
    const elsewhere = await h.provider.createInstance({ size: { type: 'cx32' }, region: 'nbg1' });
    expect([elsewhere.type, elsewhere.region]).toEqual(['cx32', 'nbg1']);
  });

  it('refuses a type built for the other architecture', async () => {
    const error = await refusal({ size: { type: 'cax11' }, architecture: 'amd64' });
    expect(error.message).toMatch(/built for arm64, not amd64/);
    expect(error.details.alternatives).not.toContain('cax11');
  });

  it('refuses a type not offered in the location, naming where it is and what is here', async () => {
    const error = await refusal({ size: 'small', region: 'ash' });
    expect(error.message).toMatch(/cx23.*not offered in ash \(it is offered in fsn1, nbg1, hel1\)/);
    expect(error.message).toMatch(/size table/);
    expect(error.details.alternatives).toEqual(['cpx12', 'cpx22', 'ccx13', 'cpx32']);
  });

  it('refuses arm64 where Hetzner has no arm servers', async () => {
    const error = await refusal({ size: 'small', architecture: 'arm64', region: 'sin' });
    expect(error.message).toContain('Usable arm64 types in sin: none');
  });

  it('refuses an unknown type', async () => {
    const error = await refusal({ size: { type: 'cx9000' } });
    expect(error.message).toMatch(/cx9000.*does not exist/);
  });

  it('honours size-table overrides from the config, and checks them too', async () => {
    const custom = h.make({ sizes: { small: { amd64: 'cpx22' } } });
    const instance = await custom.createInstance({ size: 'small', region: 'sin' });
    expect(instance.type).toBe('cpx22');
    h.fake.http.clearLog();
    const broken = h.make({ sizes: { small: { amd64: 'cx22' } } });
    const error = (await broken.createInstance({ size: 'small' }).then(
      () => expect.fail('a deprecated type from the size table was accepted'),
      (e: unknown) => e,
    )) as StagelyError;
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/cx22.*from the size table.*deprecated/);
    expect(h.calls('servers.create')).toBe(0);
  });
});

describe('locations, images, tags and ssh keys', () => {
  it('refuses an unknown location, naming the known ones', async () => {
    const error = await refusal({ size: 'small', region: 'mars1' });
    expect(error.details.field).toBe('region');
    expect(error.message).toContain('fsn1 (Falkenstein DC Park 1)');
    expect(error.details.alternatives).toEqual(['fsn1', 'nbg1', 'hel1', 'ash', 'hil', 'sin']);
  });

  it('refuses an unknown or deprecated OS image, naming the available ones for the architecture', async () => {
    const unknown = await refusal({ size: 'small', image: { ubuntu: '18.04' } });
    expect(unknown.details.field).toBe('image');
    expect(unknown.message).toContain('ubuntu-22.04, ubuntu-24.04');
    const deprecated = await refusal({ size: 'small', image: { ubuntu: '20.04' } });
    expect(deprecated.message).toMatch(/ubuntu-20.04.*is deprecated/);
    const debian = await h.provider.createInstance({ size: 'small', architecture: 'arm64', image: { debian: '12' } });
    expect(h.fake.servers().find((s) => String(s.id) === debian.id)?.image).toBe('debian-12');
  });

  it('refuses a tag Hetzner would refuse, naming it', async () => {
    const error = await refusal({ size: 'small', tags: { 'owner email': 'x' } });
    expect(error.details.field).toBe('tags.owner email');
    const value = await refusal({ size: 'small', tags: { owner: 'me@example.com' } });
    expect(value.details.field).toBe('tags.owner');
  });

  it('resolves SSH keys by name, and refuses an unknown one naming the keys', async () => {
    h.fake.addSshKey('laptop');
    const instance = await h.provider.createInstance({ size: 'small', sshKeys: ['laptop', 'stagely-test'] });
    expect(h.fake.servers().find((s) => String(s.id) === instance.id)?.sshKeys).toHaveLength(2);
    h.fake.http.clearLog();
    const error = await refusal({ size: 'small', sshKeys: ['laptop', 'desktop'] });
    expect(error.details.field).toBe('sshKeys[1]');
    expect(error.message).toContain('Keys: laptop, stagely-test');
  });
});

describe('the catalogue cache', () => {
  it('reads server types and locations once per provider, also under concurrency', async () => {
    const fresh = h.make();
    h.fake.http.clearLog();
    await Promise.all(Array.from({ length: 4 }, () => fresh.createInstance({ size: 'small' })));
    await fresh.createInstance({ size: 'medium' });
    expect(h.calls('server_types.list')).toBe(1);
    expect(h.calls('locations.list')).toBe(1);
    expect(h.calls('images.list')).toBe(1);
  });

  it('does not keep a failed read', async () => {
    const fresh = h.make({ retry: { maxAttempts: 1 } });
    h.fake.injectFault('server-error', 1, { operation: 'server_types.list' });
    await expect(fresh.createInstance({ size: 'small' })).rejects.toMatchObject({ code: 'API' });
    await expect(fresh.createInstance({ size: 'small' })).resolves.toMatchObject({ type: 'cx23' });
  });
});
