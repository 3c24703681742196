/** Hetzner servers and images in the contract's words. */
import { describe, expect, it } from 'vitest';
import { toInstance, toInstanceState, toSnapshot } from '../src/instance.js';
import * as v from 'valibot';
import { serverSchema, imageSchema } from '../src/sdk/schemas.js';

const server = v.parse(serverSchema, {
  id: 42,
  name: 'web-1',
  status: 'running',
  created: '2026-01-30T23:55:00Z',
  labels: { 'managed-by': 'stagely', env: 'dev' },
  public_net: { ipv4: { ip: '203.0.113.7', blocked: false, dns_ptr: 'x' }, ipv6: { ip: '2001:db8::/64' }, floating_ips: [] },
  private_net: [{ network: 1, ip: '10.0.0.2', alias_ips: [] }],
  server_type: { name: 'cax11', architecture: 'arm' },
  location: { name: 'hel1' },
  datacenter: { location: { name: 'hel1' } },
});

describe('toInstanceState', () => {
  it.each([
    ['initializing', 'pending'],
    ['starting', 'pending'],
    ['rebuilding', 'pending'],
    ['migrating', 'pending'],
    ['running', 'running'],
    ['stopping', 'stopping'],
    ['off', 'stopped'],
    ['deleting', 'terminating'],
    ['unknown', 'unknown'],
    ['a-word-hetzner-adds-later', 'unknown'],
  ])('%s -> %s', (status, state) => expect(toInstanceState(status)).toBe(state));
});

describe('toInstance', () => {
  it('maps every field', () => {
    expect(toInstance(server, 'hetzner', ['w'])).toEqual({
      id: '42',
      provider: 'hetzner',
      name: 'web-1',
      state: 'running',
      providerState: 'running',
      publicIp: '203.0.113.7',
      privateIp: '10.0.0.2',
      region: 'hel1',
      type: 'cax11',
      architecture: 'arm64',
      spot: false,
      tags: { 'managed-by': 'stagely', env: 'dev' },
      createdAt: new Date('2026-01-30T23:55:00Z'),
      warnings: ['w'],
    });
  });

  it('has no public IP without IPv4, and falls back on datacenter.location once location is absent', () => {
    const bare = v.parse(serverSchema, { ...server, public_net: { ipv4: null, ipv6: null }, private_net: [], location: undefined });
    expect(toInstance(bare, 'hetzner')).toMatchObject({ publicIp: null, privateIp: null, region: 'hel1' });
  });
});

describe('toSnapshot', () => {
  it('takes the description as the name and created_from as the instance', () => {
    const image = v.parse(imageSchema, {
      id: 7,
      type: 'snapshot',
      status: 'available',
      name: null,
      description: 'before upgrade',
      architecture: 'x86',
      labels: { 'managed-by': 'stagely' },
      created: '2026-02-01T00:00:00Z',
      created_from: { id: 42, name: 'web-1' },
      image_size: 1.5,
    });
    expect(toSnapshot(image, 'hetzner')).toEqual({
      id: '7',
      provider: 'hetzner',
      name: 'before upgrade',
      instanceId: '42',
      region: null,
      sizeGb: 1.5,
      createdAt: new Date('2026-02-01T00:00:00Z'),
    });
  });
});
