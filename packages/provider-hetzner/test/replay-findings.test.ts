/**
 * What a replay against recorded answers of the real API found (issue 7, item 7), each on a small
 * loopback server that answers the way the recorded API did, or on the fake with one answer changed.
 */
import { isStagelyError } from '@stagely/provider-core';
import { json, startFakeServer, type FakeServer } from '@stagely/provider-core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createHetznerProvider } from '../src/index.js';
import { hetznerError } from '../src/testing/index.js';
import { startHarness, TOKEN, type Harness } from './setup.js';

const META = { pagination: { page: 1, per_page: 50, previous_page: null, next_page: null, last_page: 1, total_entries: 2 } };
const LOCATIONS = [
  { id: 1, name: 'fsn1', description: 'Falkenstein DC Park 1', country: 'DE', city: 'Falkenstein', network_zone: 'eu-central' },
  { id: 2, name: 'nbg1', description: 'Nuremberg DC Park 1', country: 'DE', city: 'Nuremberg', network_zone: 'eu-central' },
];

function server(id: number, overrides: Record<string, unknown> = {}) {
  return {
    id,
    name: `web-${id}`,
    status: 'running',
    created: '2026-12-01T10:00:00+00:00',
    public_net: { ipv4: { id: 9, ip: '203.0.113.10', blocked: false }, ipv6: { id: 10, ip: '2001:db8::/64', blocked: false }, floating_ips: [], firewalls: [] },
    private_net: [],
    server_type: { id: 1, name: 'cx23', architecture: 'x86', cores: 2, memory: 4, disk: 40 },
    location: LOCATIONS[0],
    labels: { 'managed-by': 'stagely', env: 'dev' },
    ...overrides,
  };
}

let api: FakeServer | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function recorded(routes: (server: FakeServer) => void) {
  api = await startFakeServer();
  routes(api);
  return createHetznerProvider({ token: TOKEN, endpoint: `${api.url}/v1`, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 }, operationPollMs: 1, rateLimit: false });
}

describe('replayed answers', () => {
  it('one odd list item does not fail the listing: the fields read are parsed, the rest may be anything', async () => {
    const odd = server(2, { server_type: { id: 99, name: 'ccx99', architecture: 'riscv' }, public_net: null, created: 'yesterday-ish', labels: { 'managed-by': 'stagely', n: 7 } });
    const provider = await recorded((s) => s.get('/v1/servers', () => json(200, { servers: [server(1), odd], meta: META }), 'servers.list'));
    const listed = await provider.listInstances();
    expect(listed.map((i) => i.id)).toEqual(['1', '2']);
    expect(listed[1]).toMatchObject({ id: '2', name: 'web-2', type: 'ccx99', publicIp: null, state: 'running', tags: { 'managed-by': 'stagely' } });
  });

  it('an item without an id is skipped, not fatal', async () => {
    const provider = await recorded((s) => s.get('/v1/servers', () => json(200, { servers: [server(1), { name: 'broken' }], meta: META }), 'servers.list'));
    expect((await provider.listInstances()).map((i) => i.id)).toEqual(['1']);
  });

  it('a list answer without meta says what was wrong with it', async () => {
    const provider = await recorded((s) => s.get('/v1/servers', () => json(200, { servers: [server(1)] }), 'servers.list'));
    const error = await provider.listInstances().catch((e: unknown) => e);
    expect(isStagelyError(error, 'API')).toBe(true);
    expect((error as Error).message).toMatch(/servers\.list.*meta\.pagination/);
    expect((error as Error).message).not.toMatch(/TypeError/);
  });

  it('a snapshot answer is read for the image and action ids only: odd fields elsewhere do not fail a made snapshot', async () => {
    let deleted = 0;
    const image = { id: 55, type: 'snapshot', status: 'available', name: null, description: 'before upgrade', created: '2026-12-01T10:00:00+00:00', created_from: { id: 1, name: 'web-1' }, image_size: 1.2, labels: {} };
    const provider = await recorded((s) => {
      s.post('/v1/servers/:id/actions/create_image', () => json(201, { image: { ...image, status: 'creating', architecture: 'riscv', labels: null, os_flavor: 42 }, action: { id: 9, command: 'create_image', status: 'running', progress: 'soon' } }), 'servers.create_image');
      s.get('/v1/actions/:id', () => json(200, { action: { id: 9, command: 'create_image', status: 'success', progress: 100, resources: [], error: null } }), 'actions.get');
      s.get('/v1/images/:id', () => json(200, { image: { ...image, architecture: 'x86' } }), 'images.get');
      s.delete('/v1/images/:id', () => (deleted++, json(204, {})), 'images.delete');
    });
    await expect(provider.createSnapshot('1', 'before upgrade')).resolves.toMatchObject({ id: '55', name: 'before upgrade', instanceId: '1' });
    expect(deleted).toBe(0);
  });

  it('a server type sold out in the chosen location is refused before the create, naming where it is offered', async () => {
    const type = { id: 1, name: 'cx23', description: 'CX23', cores: 2, memory: 4, disk: 40, architecture: 'x86', deprecated: false, prices: [], locations: [
      { id: 1, name: 'fsn1', deprecation: null, available: false },
      { id: 2, name: 'nbg1', deprecation: null, available: true },
    ] };
    const provider = await recorded((s) => {
      s.get('/v1/locations', () => json(200, { locations: LOCATIONS, meta: META }), 'locations.list');
      s.get('/v1/server_types', () => json(200, { server_types: [type], meta: META }), 'server_types.list');
    });
    const error = await provider.validateSpec({ size: 'small', region: 'fsn1' }).catch((e: unknown) => e);
    expect(isStagelyError(error, 'INVALID_INPUT')).toBe(true);
    expect(error).toMatchObject({ field: 'size' });
    expect((error as Error).message).toMatch(/sold out in fsn1.*offered in nbg1/);
    expect(api!.count('servers.create')).toBe(0);
  });
});

describe('a retryable create failure counts as ambiguous (on the fake)', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('service_error (a retryable 422) after the server was made: looked up and adopted, never made twice', async () => {
    h = await startHarness();
    h.fake.http.faults.add({ operation: 'servers.create', phase: 'after', respond: hetznerError(422, 'service_error', 'service error') });
    const instance = await h.provider.createInstance({ name: 'service-error-1', size: 'small' });
    expect(h.fake.servers().filter((s) => s.name === 'service-error-1')).toHaveLength(1);
    expect(instance.name).toBe('service-error-1');
    expect(h.calls('servers.create')).toBe(1);
  });
});
