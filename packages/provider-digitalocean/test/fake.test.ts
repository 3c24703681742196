/**
 * The fake DigitalOcean API answers as the API reference says: the required fields and enums of
 * the droplet, action, image, size, region, ssh key and error schemas (hand-checked against the
 * reference), `links.pages` + `meta.total` paging, ratelimit-* headers and the 429 budget, and
 * the test controls the conformance hooks use.
 */
import { manualClock } from '@stagely/provider-core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDigitalOcean, type FakeDigitalOcean, type FakeDigitalOceanOptions } from '../src/testing/index.js';

const TOKEN = 'fake-test-token-1b2c3d';
let fake: FakeDigitalOcean | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(options: FakeDigitalOceanOptions = {}) {
  fake = await startFakeDigitalOcean({ token: TOKEN, ...options });
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${fake!.endpoint}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === '' || !text.startsWith('{') ? undefined : (JSON.parse(text) as Record<string, any>) };
  };
  return { fake, call };
}

// The reference's `required` lists and enums (components.schemas).
const DROPLET_REQUIRED = ['id', 'name', 'memory', 'vcpus', 'disk', 'locked', 'status', 'created_at', 'features', 'backup_ids', 'next_backup_window', 'snapshot_ids', 'image', 'volume_ids', 'size', 'size_slug', 'networks', 'region', 'tags'];
const DROPLET_STATUS = ['new', 'active', 'off', 'archive'];
const SIZE_REQUIRED = ['available', 'disk', 'memory', 'price_hourly', 'price_monthly', 'regions', 'slug', 'transfer', 'vcpus', 'description'];
const REGION_REQUIRED = ['available', 'features', 'name', 'sizes', 'slug'];
const IMAGE_TYPES = ['base', 'snapshot', 'backup', 'custom', 'admin'];
const IMAGE_STATUS = ['NEW', 'available', 'pending', 'deleted', 'retired'];
const ACTION_STATUS = ['in-progress', 'completed', 'errored'];
const SSH_KEY_REQUIRED = ['public_key', 'name'];

function expectFields(value: Record<string, unknown>, fields: string[], what: string) {
  for (const field of fields) expect(Object.hasOwn(value, field), `${what}.${field}`).toBe(true);
}

const createBody = (extra: Record<string, unknown> = {}) => ({ name: 'web-1', region: 'nyc3', size: 's-2vcpu-4gb', image: 'ubuntu-24-04-x64', tags: ['managed-by:stagely'], ...extra });

describe('fake DigitalOcean API shapes', () => {
  it('droplet create (202, droplet + links.actions), get and list follow the droplet schema', async () => {
    const { call } = await start();
    const created = await call('POST', '/droplets', createBody({ user_data: '#cloud-config\n' }));
    expect(created.status).toBe(202);
    expectFields(created.body!.droplet, DROPLET_REQUIRED, 'droplet');
    expect(DROPLET_STATUS).toContain(created.body!.droplet.status);
    expect(created.body!.droplet.status).toBe('new');
    expect(created.body!.links.actions[0]).toMatchObject({ rel: 'create' });
    const got = await call('GET', `/droplets/${created.body!.droplet.id}`);
    expectFields(got.body!.droplet, DROPLET_REQUIRED, 'droplet');
    expectFields(got.body!.droplet.size, SIZE_REQUIRED, 'droplet.size');
    expectFields(got.body!.droplet.region, REGION_REQUIRED, 'droplet.region');
    expect(IMAGE_TYPES).toContain(got.body!.droplet.image.type);
    const list = await call('GET', '/droplets?tag_name=managed-by:stagely');
    expect(list.body!.droplets.map((d: { id: number }) => d.id)).toEqual([created.body!.droplet.id]);
    expect(list.body!.meta).toEqual({ total: 1 });
    expect(list.body!.links).toEqual({ pages: {} });
  });

  it('boots new -> active, with a public IPv4 in networks.v4 after the IP delay', async () => {
    const clock = manualClock(Date.parse('2026-01-01T00:00:00Z'));
    const { call } = await start({ clock, bootDelayMs: 100, ipDelayMs: 50 });
    const id = (await call('POST', '/droplets', createBody())).body!.droplet.id;
    const v4 = async () => (await call('GET', `/droplets/${id}`)).body!.droplet.networks.v4 as Array<{ type: string }>;
    expect((await v4()).map((n) => n.type)).toEqual(['private']);
    clock.advance(100);
    expect((await call('GET', `/droplets/${id}`)).body!.droplet.status).toBe('active');
    expect((await v4()).map((n) => n.type)).toEqual(['private']);
    clock.advance(50);
    expect((await v4()).map((n) => n.type)).toEqual(['public', 'private']);
  });

  it('the create action: in-progress until the boot ends, then completed; /v2/actions lists the account newest first, paged', async () => {
    const clock = manualClock(Date.parse('2026-01-01T00:00:00Z'));
    const { call } = await start({ clock, bootDelayMs: 100, ipDelayMs: 50 });
    const first = (await call('POST', '/droplets', createBody())).body!;
    const second = (await call('POST', '/droplets', createBody({ name: 'web-2' }))).body!;
    const actionId = first.links.actions[0].id as number;
    expect(first.links.actions[0]).toEqual({ id: actionId, rel: 'create', href: `${fake!.endpoint}/actions/${actionId}` });
    const action = async () => (await call('GET', `/actions/${actionId}`)).body!.action;
    expect(await action()).toMatchObject({ id: actionId, status: 'in-progress', type: 'create', resource_id: first.droplet.id, resource_type: 'droplet', completed_at: null, region_slug: 'nyc3' });
    clock.advance(100);
    expect(await action()).toMatchObject({ status: 'completed', completed_at: '2026-01-01T00:00:00Z' });
    const listed = await call('GET', '/actions?per_page=1');
    expect(listed.body!.actions.map((a: { id: number }) => a.id)).toEqual([second.links.actions[0].id]);
    expect(listed.body!.meta).toEqual({ total: 2 });
    expect(listed.body!.links.pages.next).toContain('page=2');
    for (const a of listed.body!.actions) expect(ACTION_STATUS).toContain(a.status);
  });

  it('failCreate: accepted, the create action errors after a while, the droplet stays new', async () => {
    const clock = manualClock(Date.parse('2026-01-01T00:00:00Z'));
    const { fake, call } = await start({ clock, bootDelayMs: 100 });
    fake.failCreate(1, { afterMs: 30 });
    const failed = (await call('POST', '/droplets', createBody())).body!;
    const fine = (await call('POST', '/droplets', createBody({ name: 'web-2' }))).body!;
    const status = async (body: Record<string, any>) => (await call('GET', `/actions/${body.links.actions[0].id}`)).body!.action.status as string;
    expect(await status(failed)).toBe('in-progress');
    clock.advance(30);
    expect(await status(failed)).toBe('errored');
    clock.advance(10_000);
    expect(await status(fine)).toBe('completed');
    expect((await call('GET', `/droplets/${failed.droplet.id}`)).body!.droplet.status).toBe('new');
    expect((await call('DELETE', `/droplets/${failed.droplet.id}`)).status).toBe(204);
  });

  it('delete answers 204, the droplet still answers for a while, then 404', async () => {
    const clock = manualClock(0);
    const { call, fake } = await start({ clock, deleteDelayMs: 30 });
    const id = (await call('POST', '/droplets', createBody())).body!.droplet.id;
    expect((await call('DELETE', `/droplets/${id}`)).status).toBe(204);
    expect((await call('GET', `/droplets/${id}`)).status).toBe(200);
    expect(fake.record(id)?.deleted).toBe(true);
    clock.advance(30);
    const gone = await call('GET', `/droplets/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ id: 'not_found' });
    expect(typeof gone.body!.request_id).toBe('string');
    expect((await call('DELETE', `/droplets/${id}`)).status).toBe(404);
  });

  it('pages with links.pages (absolute first/prev/next/last) and meta.total', async () => {
    const { call } = await start({ maxPerPage: 2 });
    for (let i = 0; i < 5; i++) await call('POST', '/droplets', createBody({ name: `web-${i}` }));
    const first = await call('GET', '/droplets?per_page=50&tag_name=managed-by:stagely');
    expect(first.body!.droplets).toHaveLength(2);
    expect(first.body!.meta.total).toBe(5);
    expect(Object.keys(first.body!.links.pages).sort()).toEqual(['last', 'next']);
    const next = new URL(first.body!.links.pages.next);
    expect(next.searchParams.get('page')).toBe('2');
    expect(next.searchParams.get('tag_name')).toBe('managed-by:stagely');
    const last = await call('GET', '/droplets?per_page=50&page=3');
    expect(last.body!.droplets).toHaveLength(1);
    expect(Object.keys(last.body!.links.pages).sort()).toEqual(['first', 'prev']);
  });

  it('sizes, regions, images and ssh keys follow their schemas', async () => {
    const { call } = await start();
    const sizes = (await call('GET', '/sizes?per_page=200')).body!;
    for (const size of sizes.sizes) expectFields(size, SIZE_REQUIRED, `size ${size.slug}`);
    expect(sizes.sizes.some((s: { available: boolean }) => !s.available), 'a retired size').toBe(true);
    const regions = (await call('GET', '/regions')).body!;
    for (const region of regions.regions) expectFields(region, REGION_REQUIRED, `region ${region.slug}`);
    const images = (await call('GET', '/images?type=distribution')).body!;
    expect(images.images.map((i: { slug: string }) => i.slug)).toEqual(expect.arrayContaining(['ubuntu-24-04-x64', 'debian-12-x64']));
    for (const image of images.images) {
      expect(IMAGE_TYPES).toContain(image.type);
      expect(IMAGE_STATUS).toContain(image.status);
    }
    expect((await call('GET', '/images/ubuntu-24-04-x64')).body!.image.slug).toBe('ubuntu-24-04-x64');
    const keys = (await call('GET', '/account/keys')).body!;
    for (const key of keys.ssh_keys) expectFields(key, SSH_KEY_REQUIRED, 'ssh key');
    expect(keys.meta.total).toBe(1);
    const account = (await call('GET', '/account')).body!.account;
    expectFields(account, ['droplet_limit', 'floating_ip_limit', 'email', 'uuid', 'email_verified', 'status', 'status_message'], 'account');
  });

  it('the snapshot action: 201 with an action, completed later; the snapshot is a private image of type snapshot', async () => {
    const clock = manualClock(0);
    const { call } = await start({ clock, bootDelayMs: 10, ipDelayMs: 0, actionDelayMs: 40 });
    const id = (await call('POST', '/droplets', createBody())).body!.droplet.id;
    clock.advance(10);
    const started = await call('POST', `/droplets/${id}/actions`, { type: 'snapshot', name: 'snap-1' });
    expect(started.status).toBe(201);
    expect(started.body!.action).toMatchObject({ type: 'snapshot', status: 'in-progress', resource_id: id, resource_type: 'droplet' });
    expect(ACTION_STATUS).toContain(started.body!.action.status);
    expect((await call('GET', '/images?private=true')).body!.images).toEqual([]);
    clock.advance(40);
    expect((await call('GET', `/actions/${started.body!.action.id}`)).body!.action.status).toBe('completed');
    const images = (await call('GET', '/images?private=true')).body!.images;
    expect(images).toHaveLength(1);
    expect(images[0]).toMatchObject({ name: 'snap-1', type: 'snapshot', public: false });
    expect((await call('DELETE', `/images/${images[0].id}`)).status).toBe(204);
    expect((await call('DELETE', `/images/${images[0].id}`)).status).toBe(404);
  });

  it('refuses what DigitalOcean refuses with 422 unprocessable_entity', async () => {
    const { call } = await start();
    const cases: Array<Record<string, unknown>> = [
      { name: 'bad name!' },
      { size: 'no-such-size' },
      { region: 'nyc2' },
      { size: 'm-2vcpu-16gb', region: 'ams3' },
      { image: 'ubuntu-99-04-x64' },
      { tags: ['env=prod'] },
      { user_data: 'x'.repeat(64 * 1024 + 1) },
      { ssh_keys: [12] },
    ];
    for (const extra of cases) {
      const answer = await call('POST', '/droplets', createBody(extra));
      expect(answer.status, JSON.stringify(extra)).toBe(422);
      expect(answer.body).toMatchObject({ id: 'unprocessable_entity' });
    }
    expect((await call('GET', '/droplets')).body!.droplets).toEqual([]);
  });
});

describe('fake DigitalOcean API controls', () => {
  it('ratelimit-* headers on every answer, and 429 too_many_requests past the budget', async () => {
    const { call, fake } = await start({ rateLimit: { perMinute: 3, perHour: 100 } });
    const first = await call('GET', '/account');
    expect(first.headers.get('ratelimit-limit')).toBe('100');
    expect(first.headers.get('ratelimit-remaining')).toBe('99');
    expect(Number(first.headers.get('ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    await call('GET', '/account');
    await call('GET', '/account');
    const refused = await call('GET', '/account');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ id: 'too_many_requests' });
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    fake.rateLimit({ requests: 1, windowMs: 60_000 });
    expect((await call('GET', '/account')).status, 'the requests already made still count').toBe(429);
    fake.rateLimit(undefined);
    expect((await call('GET', '/account')).status).toBe(200);
    const unauthorized = await fetch(`${fake.endpoint}/account`, { headers: { authorization: 'Bearer wrong' } });
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toMatchObject({ id: 'unauthorized' });
    expect(unauthorized.headers.get('ratelimit-limit')).not.toBeNull();
  });

  it('notFoundFor: a new droplet answers 404 (and is not listed) for a while after create', async () => {
    const clock = manualClock(0);
    const { call, fake } = await start({ clock });
    fake.notFoundFor(100);
    const id = (await call('POST', '/droplets', createBody())).body!.droplet.id;
    expect((await call('GET', `/droplets/${id}`)).status).toBe(404);
    expect((await call('GET', '/droplets')).body!.droplets).toEqual([]);
    expect(fake.record(id)?.name, 'the backend holds it').toBe('web-1');
    clock.advance(100);
    expect((await call('GET', `/droplets/${id}`)).status).toBe(200);
  });

  it('failPlacement: accepted, then 404 for good', async () => {
    const clock = manualClock(0);
    const { call, fake } = await start({ clock });
    fake.failPlacement();
    const created = await call('POST', '/droplets', createBody());
    expect(created.status).toBe(202);
    clock.advance(60_000);
    expect((await call('GET', `/droplets/${created.body!.droplet.id}`)).status).toBe(404);
    expect(fake.droplets()).toEqual([]);
  });

  it('loseResponse: the create is carried out, the client gets a 502', async () => {
    const { call, fake } = await start();
    fake.loseResponse('droplets_create');
    const lost = await call('POST', '/droplets', { ...createBody(), ssh_keys: [], user_data: 'hello' });
    expect(lost.status).toBe(502);
    const [held] = fake.droplets();
    expect(held).toMatchObject({ name: 'web-1', tags: ['managed-by:stagely'], size: 's-2vcpu-4gb', region: 'nyc3', image: 'ubuntu-24-04-x64', userData: 'hello' });
    expect(fake.http.log.at(-1)).toMatchObject({ operation: 'droplets_create', status: 502, handledStatus: 202 });
  });

  it('record and inspect report what the fake holds; seedDroplet makes an unmanaged droplet', async () => {
    const { call, fake } = await start({ clock: manualClock(0) });
    const key = fake.addSshKey('deploy');
    const id = (await call('POST', '/droplets', createBody({ ssh_keys: [Number(key.id)], user_data: 'hi', tags: ['managed-by:stagely', 'env:prod', 'stagely-request:ab12'] }))).body!.droplet.id;
    expect(fake.record(id)).toMatchObject({ sshKeyIds: [Number(key.id)], sshKeyNames: ['deploy'] });
    expect(fake.inspect(id)).toEqual({
      id: String(id),
      state: 'pending',
      tags: { 'managed-by': 'stagely', env: 'prod' },
      sshKeys: ['deploy'],
      userData: 'hi',
      type: 's-2vcpu-4gb',
      region: 'nyc3',
      image: 'ubuntu-24-04-x64',
      architecture: 'amd64',
      spot: false,
    });
    await call('DELETE', `/droplets/${id}`);
    expect(fake.inspect(id)?.state).toBe('terminating');
    expect(fake.inspect('12345')).toBeNull();
    const seeded = fake.seedDroplet();
    expect(fake.record(seeded.id)?.tags).toEqual(['owner:someone-else']);
    expect((await call('GET', '/droplets?tag_name=managed-by:stagely')).body!.droplets.map((d: { id: number }) => d.id)).toEqual([id]);
  });

  it('injected faults answer with DigitalOcean error bodies; quota is the droplet-limit 422 on create', async () => {
    const { call, fake } = await start();
    fake.injectFault('server-error');
    expect(await call('GET', '/account')).toMatchObject({ status: 500, body: { id: 'server_error' } });
    fake.injectFault('quota');
    expect((await call('GET', '/account')).status, 'quota picks creates only').toBe(200);
    const refused = await call('POST', '/droplets', createBody());
    expect(refused).toMatchObject({ status: 422, body: { id: 'unprocessable_entity' } });
    expect(refused.body!.message).toMatch(/droplet limit/);
  });
});
