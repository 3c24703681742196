import { createRedactor, isStagelyError, type StagelyError } from '@stagely/provider-core/provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SIZES, DigitalOceanCatalog } from '../src/catalog.js';
import { DigitalOceanApi, type NumberedPage } from '../src/sdk/adapter.js';
import { startFakeDigitalOcean, type FakeDigitalOcean } from '../src/testing/index.js';

const TOKEN = 'catalog-test-token-0a1b2c';
let fake: FakeDigitalOcean;
let api: DigitalOceanApi;

beforeAll(async () => {
  fake = await startFakeDigitalOcean({ token: TOKEN, rateLimit: false, maxPerPage: 3 });
  api = new DigitalOceanApi({ token: TOKEN, endpoint: fake.endpoint, timeoutMs: 2000, provider: 'digitalocean', redact: createRedactor([TOKEN]) });
});
afterAll(() => fake.close());

async function all<T>(fetchPage: (page: number) => Promise<NumberedPage<T>>): Promise<T[]> {
  const items: T[] = [];
  for (let page: number | null = 1; page !== null; ) {
    const result: NumberedPage<T> = await fetchPage(page);
    items.push(...result.items);
    page = result.next ?? null;
  }
  return items;
}

function catalog(sizes?: Record<string, Record<string, string>>) {
  return new DigitalOceanCatalog(
    {
      sizes: () => all((p) => api.listSizes(p)),
      regions: () => all((p) => api.listRegions(p)),
      distributionImages: () => all((p) => api.listDistributionImages(p)),
      image: (id, signal) => api.getImage(id, signal),
    },
    { provider: 'digitalocean', ...(sizes ? { sizes } : {}) },
  );
}

async function invalid(promise: Promise<unknown>, field: string): Promise<StagelyError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(isStagelyError(error, 'INVALID_INPUT'), String(error)).toBe(true);
  expect((error as StagelyError).details.field).toBe(field);
  return error as StagelyError;
}

describe('the DigitalOcean catalogue', () => {
  it('maps the size table (DESIGN: s-2vcpu-4gb, c-4, c-8; amd64 only) and honours overrides', () => {
    expect(DEFAULT_SIZES.small.amd64).toBe('s-2vcpu-4gb');
    expect(catalog().typeFor('medium')).toEqual({ slug: 'c-4', fromSizeTable: true });
    expect(catalog({ large: { amd64: 's-4vcpu-8gb' } }).typeFor('large').slug).toBe('s-4vcpu-8gb');
    expect(catalog().typeFor({ type: 'm-2vcpu-16gb' })).toEqual({ slug: 'm-2vcpu-16gb', fromSizeTable: false });
  });

  it('checks regions: unknown and closed ones are refused, naming the open ones', async () => {
    const c = catalog();
    expect((await c.checkRegion('fra1')).slug).toBe('fra1');
    const unknown = await invalid(c.checkRegion('nowhere-9'), 'region');
    expect(unknown.details.alternatives).toEqual(['nyc1', 'nyc3', 'ams3', 'fra1', 'sgp1']);
    expect((await invalid(c.checkRegion('nyc2'), 'region')).message).toMatch(/does not take new Droplets/);
  });

  it('checks sizes across pages: unknown, retired and not-in-region sizes name the alternatives', async () => {
    const c = catalog();
    const ams3 = await c.checkRegion('ams3');
    expect((await c.checkSize({ slug: 'c-8', fromSizeTable: true }, ams3)).slug).toBe('c-8');
    const missing = await invalid(c.checkSize({ slug: 'x-99', fromSizeTable: false }, ams3), 'size');
    expect(missing.message).toMatch(/does not exist/);
    expect(missing.details.alternatives).toEqual(['s-1vcpu-1gb', 's-1vcpu-2gb', 's-2vcpu-4gb', 'c-4', 's-4vcpu-8gb', 'c-8']);
    expect((await invalid(c.checkSize({ slug: 's-1vcpu-512mb', fromSizeTable: false }, ams3), 'size')).message).toMatch(/no longer be ordered/);
    const elsewhere = await invalid(c.checkSize({ slug: 'm-2vcpu-16gb', fromSizeTable: false }, ams3), 'size');
    expect(elsewhere.message).toMatch(/not offered in ams3 \(it is offered in nyc3, fra1\)/);
  });

  it('resolves images: Ubuntu and Debian slugs, snapshots in the region, ids passed through', async () => {
    const c = catalog();
    expect(await c.resolveImage({ ubuntu: '24.04' }, 'nyc3')).toBe('ubuntu-24-04-x64');
    expect(await c.resolveImage({ debian: '12' }, 'nyc3')).toBe('debian-12-x64');
    expect(await c.resolveImage({ id: '12345' }, 'nyc3')).toBe(12345);
    expect(await c.resolveImage({ id: 'my-slug' }, 'nyc3')).toBe('my-slug');
    const old = await invalid(c.resolveImage({ ubuntu: '16.04' }, 'nyc3'), 'image');
    expect(old.details.alternatives).toEqual(['ubuntu-22-04-x64', 'ubuntu-24-04-x64']);
    await invalid(c.resolveImage({ snapshot: 'abc' }, 'nyc3'), 'image.snapshot');
    await invalid(c.resolveImage({ snapshot: '999999' }, 'nyc3'), 'image.snapshot');
    // A distribution image's id is no snapshot of this account.
    await invalid(c.resolveImage({ snapshot: '170000001' }, 'nyc3'), 'image.snapshot');
  });

  it('reads each list once for concurrent callers, and again after a failed read', async () => {
    const c = catalog();
    fake.http.clearLog();
    await Promise.all([c.checkRegion('nyc3'), c.checkRegion('fra1'), c.checkRegion('ams3')]);
    expect(fake.http.count('regions_list')).toBe(2); // 6 regions, 3 a page
    fake.injectFault('server-error', 1, { operation: 'sizes_list' });
    const nyc3 = await c.checkRegion('nyc3');
    await expect(c.checkSize({ slug: 'c-4', fromSizeTable: true }, nyc3)).rejects.toMatchObject({ code: 'API' });
    expect((await c.checkSize({ slug: 'c-4', fromSizeTable: true }, nyc3)).slug).toBe('c-4');
  });
});
