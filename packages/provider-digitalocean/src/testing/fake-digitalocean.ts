/**
 * A stateful fake of the DigitalOcean API v2 (the part Stagely uses), on core's testing kit. The
 * real dots-wrapper talks to it over loopback HTTP. Shapes follow the API reference: Droplets
 * (`new` -> `active`, a public IPv4 in `networks.v4` once booted, 204 on delete, then still
 * answering for a while; the create action in the 202's `links.actions`, in-progress until the
 * boot ends, or `errored` for a create told to fail), Droplet actions, `/v2/actions` (newest first)
 * and `/v2/actions/:id`, images (distribution slugs;
 * snapshots as private images of type `snapshot`), sizes, regions, account, SSH keys and tags;
 * `links.pages` + `meta.total` pagination with a small page size; `{ id, message, request_id }`
 * errors; `ratelimit-*` headers on every answer and a 429 budget; faults before and after the handler.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  FakeHttpError,
  InstanceLifecycle,
  json,
  noContent,
  paginateNumbered,
  PaginationError,
  startFakeServer,
  systemClock,
  type Clock,
  type FakeHandler,
  type FakeRequest,
  type FakeResponse,
  type FakeServer,
  type FaultHandle,
  type FaultSelector,
} from '@stagely/provider-core/testing';
import type { BackendInstance, LostOperation } from '@stagely/provider-core/conformance';
import { decodeTags } from '../tags.js';
import { doError, DROPLET_LIMIT_MESSAGE, faultAnswer, HTML_BAD_GATEWAY, notFound, unprocessable, type DigitalOceanFaultKind } from './do-errors.js';
import { FAKE_DISTRIBUTION_IMAGES, FAKE_REGIONS, FAKE_SIZES, type FakeDistributionImage, type FakeRegion, type FakeSize } from './fixtures.js';
import { DIGITALOCEAN_RATE_LIMIT, RateLimitWindow, type RateLimitBudget } from './rate-limit.js';

export interface FakeDigitalOceanOptions {
  /** The token the fake accepts; anything else is 401. Default `fake-digitalocean-token`. */
  token?: string;
  /** From create to `active`; default 50 ms. */
  bootDelayMs?: number;
  /** From `active` to a public IPv4 in `networks.v4`; default 10 ms. */
  ipDelayMs?: number;
  /** How long a deleted Droplet still answers (status `off`); default 20 ms. */
  deleteDelayMs?: number;
  /** How long a snapshot action runs; default 20 ms. */
  actionDelayMs?: number;
  /** Largest page the fake answers, whatever the client asks (DigitalOcean: 200). Default 200. */
  maxPerPage?: number;
  /** Default DigitalOcean's: 250 a minute, 5000 an hour. `false`: unlimited. */
  rateLimit?: RateLimitBudget | false;
  /** The account's Droplet limit (422 beyond it); default 25. */
  dropletLimit?: number;
  /** SSH keys in the account; default one named `stagely-test`. */
  sshKeys?: Array<{ name: string; publicKey?: string }>;
  clock?: Clock;
  /** Seed for rate-based faults. */
  seed?: number;
}

/** What the fake holds for a Droplet: what a create really sent. */
export interface FakeDropletRecord {
  id: number;
  name: string;
  status: string;
  tags: string[];
  size: string;
  region: string;
  /** The image's slug, or its id for a snapshot. */
  image: string | number;
  sshKeyIds: number[];
  sshKeyNames: string[];
  userData: string | null;
  /** True once a DELETE was accepted. */
  deleted: boolean;
}

export interface FakeSnapshotRecord {
  id: number;
  name: string;
  dropletId: number;
  available: boolean;
}

export interface FakeDigitalOcean {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The API base URL to configure a provider with (`<url>/v2`). */
  readonly endpoint: string;
  readonly token: string;
  /** The kit's server: its `faults` plan, request `log` and `count()`. */
  readonly http: FakeServer;
  /**
   * Makes the next `times` calls (default 1) picked by `selector` fail with `kind`. `quota` and
   * `try-again` pick `droplets_create` unless a selector is given.
   */
  injectFault(kind: DigitalOceanFaultKind, times?: number, selector?: FaultSelector): FaultHandle;
  /**
   * The next `times` calls of `operation` (an operationId such as `droplets_create`) are carried
   * out, but the client does not get the answer: it gets `respond` instead (default an HTML 502;
   * `'reset'`: the connection is reset), after `delayMs`. A rule with `phase: 'after'`.
   */
  loseResponse(operation: string, options?: { times?: number; respond?: FakeResponse | 'reset'; delayMs?: number }): FaultHandle;
  /** Droplets created from now on answer 404 (by id and in lists) for `ms` after their create. */
  notFoundFor(ms: number): void;
  /**
   * The next `times` creates are accepted (202) but placement then fails: the Droplet answers 404
   * from then on, as DigitalOcean does when it cannot place one, and its create action errors.
   */
  failPlacement(times?: number): void;
  /**
   * The next `times` creates are accepted (202) but their create action errors `afterMs` after the
   * create (default half the boot): the Droplet stays `new` for good, as one DigitalOcean could not build.
   */
  failCreate(times?: number, options?: { afterMs?: number }): void;
  /**
   * Replaces the request budget (requests already made still count): DigitalOcean's two windows
   * (`{ perMinute, perHour }`) or one (`{ requests, windowMs }`); `false` or `undefined`: unlimited.
   */
  rateLimit(budget: RateLimitBudget | false | undefined): void;
  clearFaults(): void;
  /** What the fake holds for a Droplet (deleted ones included until they are gone), or undefined. */
  record(id: string | number): FakeDropletRecord | undefined;
  /** The same, in the contract's words, for the conformance suite's `inspect` hook; null: nothing. */
  inspect(id: string | number): BackendInstance | null;
  /** A Droplet that Stagely does not manage (no managed-by tag), straight into the state. */
  seedDroplet(options?: { name?: string; tags?: string[]; size?: string; region?: string }): { id: string; name: string };
  addSshKey(name: string, publicKey?: string): { id: string; fingerprint: string };
  /** Droplets that exist (deleted but still answering ones included), in id order. */
  droplets(): FakeDropletRecord[];
  snapshots(): FakeSnapshotRecord[];
  close(): Promise<void>;
}

/** The reference's operationIds whose answer the suite's `loseResponse` hook loses. */
export const LOST_OPERATIONS: Readonly<Record<LostOperation, string>> = Object.freeze({
  create: 'droplets_create',
  terminate: 'droplets_destroy',
  snapshot: 'dropletActions_post',
});

/** Droplet status -> the contract's state, as the backend sees it. */
const BACKEND_STATES: Record<string, BackendInstance['state']> = { new: 'pending', active: 'running', off: 'stopped', archive: 'terminated' };

const WORDS = { pending: 'new', running: 'active', stopping: 'active', stopped: 'off', terminating: 'off', terminated: 'off' } as const;
const MAX_USER_DATA = 64 * 1024;
/** droplet_single_create.name in the reference. */
const DROPLET_NAME = /^[a-zA-Z0-9]?[a-z0-9A-Z.-]*[a-z0-9A-Z]$/;
/** tags.name in the reference. */
const TAG_NAME = /^[a-zA-Z0-9_\-:]+$/;
const MAX_TAG = 255;

interface DropletState {
  id: number;
  name: string;
  createdAt: string;
  lifecycle: InstanceLifecycle;
  size: FakeSize;
  region: FakeRegion;
  image: FakeDistributionImage | SnapshotState;
  tags: string[];
  sshKeys: number[];
  userData: string | null;
  ipv4: string;
  privateIpv4: string;
  /** Answers 404 until then (eventual consistency). */
  hiddenUntil: number;
  /** Placement failed: answers 404 for good. */
  lost: boolean;
  deleted: boolean;
  snapshotIds: number[];
}

interface ActionState {
  id: number;
  type: string;
  resourceId: number;
  region: FakeRegion;
  startedAt: number;
  completesAt: number;
  /** When it errors instead of completing; undefined: it completes. */
  errorsAt: number | undefined;
}

interface SnapshotState {
  id: number;
  name: string;
  createdAt: string;
  dropletId: number;
  region: FakeRegion;
  minDiskSize: number;
  distribution: string;
  availableAt: number;
}

interface SshKeyState {
  id: number;
  name: string;
  fingerprint: string;
  publicKey: string;
}

export async function startFakeDigitalOcean(options: FakeDigitalOceanOptions = {}): Promise<FakeDigitalOcean> {
  const token = options.token ?? 'fake-digitalocean-token';
  const clock = options.clock ?? systemClock;
  const bootDelayMs = options.bootDelayMs ?? 50;
  const ipDelayMs = options.ipDelayMs ?? 10;
  const deleteDelayMs = options.deleteDelayMs ?? 20;
  const actionDelayMs = options.actionDelayMs ?? 20;
  const maxPerPage = Math.min(200, options.maxPerPage ?? 200);
  const dropletLimit = options.dropletLimit ?? 25;
  let window = options.rateLimit === false ? undefined : new RateLimitWindow(options.rateLimit ?? DIGITALOCEAN_RATE_LIMIT, clock);
  let hideNewForMs = 0;
  let placementFailures = 0;
  const createFailures: number[] = [];

  const http = await startFakeServer({
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    notFound: () => notFound(),
    decorate: withRateLimitHeaders,
  });

  const droplets = new Map<number, DropletState>();
  const actions = new Map<number, ActionState>();
  const snapshots = new Map<number, SnapshotState>();
  const sshKeys = new Map<number, SshKeyState>();
  /** Tag names as first written (DigitalOcean keeps the first capitalisation). */
  const tags = new Map<string, string>();
  let nextDropletId = 400_000_001;
  let nextActionId = 2_000_000_001;
  let nextImageId = 180_000_001;
  let nextKeyId = 40_000_001;
  let nextAddress = 1;

  const iso = (ms = clock.now()) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

  // ---- state -------------------------------------------------------------------------------------

  /** A Droplet that still answers: not gone since its delete, not hidden, placed. */
  function visible(id: number): DropletState | undefined {
    const droplet = existing(id);
    if (!droplet || droplet.lost || clock.now() < droplet.hiddenUntil) return undefined;
    return droplet;
  }

  /** A Droplet the fake holds (gone ones are dropped here). */
  function existing(id: number): DropletState | undefined {
    const droplet = droplets.get(id);
    if (droplet && droplet.lifecycle.phase === 'terminated') {
      droplets.delete(id);
      return undefined;
    }
    return droplet;
  }

  function allVisible(): DropletState[] {
    return [...droplets.keys()].sort((a, b) => a - b).flatMap((id) => visible(id) ?? []);
  }

  function countsAgainstLimit(): number {
    return [...droplets.keys()].filter((id) => existing(id) && !existing(id)!.deleted && !existing(id)!.lost).length;
  }

  function status(droplet: DropletState): string {
    return droplet.lifecycle.word(WORDS);
  }

  function regionJson(region: FakeRegion) {
    return {
      name: region.name,
      slug: region.slug,
      features: [...region.features],
      available: region.available,
      sizes: region.available ? FAKE_SIZES.filter((s) => s.available && s.regions.includes(region.slug)).map((s) => s.slug) : [],
    };
  }

  function sizeJson(size: FakeSize) {
    return {
      slug: size.slug,
      memory: size.memory,
      vcpus: size.vcpus,
      disk: size.disk,
      transfer: size.transfer,
      price_monthly: size.price_monthly,
      price_hourly: size.price_hourly,
      regions: [...size.regions],
      available: size.available,
      description: size.description,
      disk_info: [{ type: 'local', size: { amount: size.disk, unit: 'gib' } }],
    };
  }

  /**
   * An image as the reference's `image` schema has it. DigitalOcean's own distribution images say
   * `type: snapshot` too; `public` tells them apart from an account's snapshots.
   */
  function imageBody(image: { id: number; name: string; distribution: string; slug: string | null; public: boolean; regions: string[]; created_at: string; min_disk_size: number; size_gigabytes: number; description: string }) {
    return { ...image, type: 'snapshot', tags: [] as string[], status: 'available', error_message: '' };
  }

  function distributionJson(image: FakeDistributionImage) {
    return imageBody({
      id: image.id,
      name: image.name,
      distribution: image.distribution,
      slug: image.slug,
      public: true,
      regions: FAKE_REGIONS.filter((r) => r.available).map((r) => r.slug),
      created_at: '2024-04-25T00:00:00Z',
      min_disk_size: image.min_disk_size,
      size_gigabytes: image.size_gigabytes,
      description: `${image.distribution} ${image.name}`,
    });
  }

  function snapshotJson(snapshot: SnapshotState) {
    return imageBody({
      id: snapshot.id,
      name: snapshot.name,
      distribution: snapshot.distribution,
      slug: null,
      public: false,
      regions: [snapshot.region.slug],
      created_at: snapshot.createdAt,
      min_disk_size: snapshot.minDiskSize,
      size_gigabytes: 0.42,
      description: '',
    });
  }

  function imageJson(image: FakeDistributionImage | SnapshotState) {
    return 'slug' in image ? distributionJson(image) : snapshotJson(image);
  }

  function dropletJson(droplet: DropletState) {
    const v4: Array<Record<string, string>> = [{ ip_address: droplet.privateIpv4, netmask: '255.255.240.0', gateway: '', type: 'private' }];
    if (droplet.lifecycle.hasPublicIp && !droplet.deleted) {
      v4.unshift({ ip_address: droplet.ipv4, netmask: '255.255.240.0', gateway: droplet.ipv4.replace(/\.\d+$/, '.1'), type: 'public' });
    }
    return {
      id: droplet.id,
      name: droplet.name,
      memory: droplet.size.memory,
      vcpus: droplet.size.vcpus,
      disk: droplet.size.disk,
      disk_info: [{ type: 'local', size: { amount: droplet.size.disk, unit: 'gib' } }],
      locked: droplet.lifecycle.phase === 'pending',
      status: status(droplet),
      kernel: null,
      created_at: droplet.createdAt,
      features: ['droplet_agent', 'private_networking'],
      backup_ids: [],
      next_backup_window: null,
      snapshot_ids: droplet.snapshotIds.filter((id) => snapshots.has(id)),
      image: imageJson(droplet.image),
      volume_ids: [],
      size: sizeJson(droplet.size),
      size_slug: droplet.size.slug,
      networks: { v4, v6: [] },
      region: regionJson(droplet.region),
      tags: [...droplet.tags],
      vpc_uuid: '760e09ef-dc84-11e8-981e-3cfdfeaae000',
    };
  }

  function actionJson(action: ActionState) {
    const endsAt = action.errorsAt ?? action.completesAt;
    const done = clock.now() >= endsAt;
    return {
      id: action.id,
      status: !done ? 'in-progress' : action.errorsAt === undefined ? 'completed' : 'errored',
      type: action.type,
      started_at: iso(action.startedAt),
      completed_at: done ? iso(endsAt) : null,
      resource_id: action.resourceId,
      resource_type: 'droplet',
      region: regionJson(action.region),
      region_slug: action.region.slug,
    };
  }

  function sshKeyJson(key: SshKeyState) {
    return { id: key.id, fingerprint: key.fingerprint, public_key: key.publicKey, name: key.name };
  }

  function addKey(name: string, publicKey?: string): SshKeyState {
    const material = publicKey ?? `ssh-ed25519 ${randomBytes(32).toString('base64')} ${name}`;
    const digest = createHash('md5').update(material).digest('hex');
    const key: SshKeyState = { id: nextKeyId++, name, publicKey: material, fingerprint: digest.match(/../g)!.join(':') };
    sshKeys.set(key.id, key);
    return key;
  }

  /** A tag as DigitalOcean stores it: the first capitalisation written wins. */
  function canonicalTag(name: string): string {
    const key = name.toLowerCase();
    if (!tags.has(key)) tags.set(key, name);
    return tags.get(key)!;
  }

  /** `bootMs`: from create to `active` (Infinity: never). */
  function newDroplet(input: Pick<DropletState, 'name' | 'size' | 'region' | 'image' | 'tags' | 'sshKeys' | 'userData'>, bootMs = bootDelayMs): DropletState {
    const n = nextAddress++;
    const now = clock.now();
    const droplet: DropletState = {
      ...input,
      id: nextDropletId++,
      createdAt: iso(now),
      lifecycle: new InstanceLifecycle({ bootDelayMs: bootMs, ipDelayMs, terminateDelayMs: deleteDelayMs, clock }),
      ipv4: `203.0.${(n >> 8) & 255}.${n & 255}`,
      privateIpv4: `10.110.${(n >> 8) & 255}.${n & 255}`,
      hiddenUntil: hideNewForMs > 0 ? now + hideNewForMs : 0,
      lost: false,
      deleted: false,
      snapshotIds: [],
    };
    droplets.set(droplet.id, droplet);
    return droplet;
  }

  for (const key of options.sshKeys ?? [{ name: 'stagely-test' }]) addKey(key.name, key.publicKey);

  // ---- request plumbing --------------------------------------------------------------------------

  /** `links.pages` with absolute URLs (first/prev, next/last) and `meta.total`, as DigitalOcean pages. */
  function page<T>(request: FakeRequest, items: readonly T[]): { items: T[]; links: object; meta: { total: number } } {
    const p = paginateNumbered(items, { page: request.query.page, perPage: request.query.per_page, defaultPerPage: 20, maxPerPage });
    const at = (n: number) => {
      const url = new URL(`${http.url}${request.path}`);
      for (const [name, value] of request.url.searchParams) if (name !== 'page') url.searchParams.set(name, value);
      url.searchParams.set('page', String(n));
      return url.toString();
    };
    const pages: Record<string, string> = {};
    if (p.previousPage !== null) Object.assign(pages, { first: at(1), prev: at(p.previousPage) });
    if (p.nextPage !== null) Object.assign(pages, { next: at(p.nextPage), last: at(p.lastPage) });
    return { items: p.items, links: { pages }, meta: { total: p.totalEntries } };
  }

  function idParam(request: FakeRequest, name: string): number {
    const raw = request.params[name] ?? '';
    if (!/^\d{1,15}$/.test(raw)) throw new FakeHttpError(notFound());
    return Number(raw);
  }

  function body(request: FakeRequest): Record<string, unknown> {
    if (typeof request.body !== 'object' || request.body === null || Array.isArray(request.body)) {
      throw new FakeHttpError(doError(400, 'bad_request', 'error parsing request body'));
    }
    return request.body as Record<string, unknown>;
  }

  /** Auth, the rate limit and the kit's pagination errors; the headers come from `decorate`. */
  function api(handler: FakeHandler): FakeHandler {
    return async (request) => {
      if (request.headers.authorization !== `Bearer ${token}`) return doError(401, 'unauthorized', 'Unable to authenticate you');
      if (window && !window.take()) return doError(429, 'too_many_requests', 'API Rate limit exceeded.');
      try {
        return await handler(request);
      } catch (error) {
        if (error instanceof PaginationError) return doError(400, 'bad_request', error.message);
        throw error;
      }
    };
  }

  /** The ratelimit-* headers on every answer, injected faults' included, unless it brings its own. */
  function withRateLimitHeaders(response: FakeResponse): FakeResponse {
    const budget = window?.headers() ?? { 'ratelimit-limit': '5000', 'ratelimit-remaining': '5000', 'ratelimit-reset': String(Math.ceil(clock.now() / 1000)) };
    const own = new Set(Object.keys(response.headers ?? {}).map((name) => name.toLowerCase()));
    const added = Object.entries(budget).filter(([name]) => !own.has(name));
    return { ...response, headers: { ...response.headers, ...Object.fromEntries(added) } };
  }

  const route = (method: 'get' | 'post' | 'delete', path: string, operation: string, handler: FakeHandler) => http[method](`/v2${path}`, api(handler), operation);

  // ---- account, catalogue ------------------------------------------------------------------------

  route('get', '/account', 'account_get', () =>
    json(200, {
      account: {
        droplet_limit: dropletLimit,
        floating_ip_limit: 3,
        email: 'sammy@example.com',
        name: 'Sammy',
        uuid: 'b6fr89dbf6d9156cace5f3c78dc9851d957381ef',
        email_verified: true,
        status: 'active',
        status_message: '',
      },
    }),
  );

  route('get', '/account/keys', 'sshKeys_list', (request) => {
    const { items, links, meta } = page(request, [...sshKeys.values()].map(sshKeyJson));
    return json(200, { ssh_keys: items, links, meta });
  });

  route('get', '/regions', 'regions_list', (request) => {
    const { items, links, meta } = page(request, FAKE_REGIONS.map(regionJson));
    return json(200, { regions: items, links, meta });
  });

  route('get', '/sizes', 'sizes_list', (request) => {
    const { items, links, meta } = page(request, FAKE_SIZES.map(sizeJson));
    return json(200, { sizes: items, links, meta });
  });

  route('get', '/tags', 'tags_list', (request) => {
    const { items, links, meta } = page(request, [...tags.values()].sort().map(tagJson));
    return json(200, { tags: items, links, meta });
  });
  route('get', '/tags/:tag_id', 'tags_get', (request) => {
    const tag = tags.get((request.params.tag_id ?? '').toLowerCase());
    return tag ? json(200, { tag: tagJson(tag) }) : notFound();
  });

  function tagJson(name: string) {
    const tagged = allVisible().filter((d) => d.tags.includes(name));
    const last = tagged.at(-1);
    const uri = last ? `${http.url}/v2/droplets/${last.id}` : '';
    return {
      name,
      resources: {
        count: tagged.length,
        last_tagged_uri: uri,
        droplets: { count: tagged.length, last_tagged_uri: uri },
        images: { count: 0 },
        volumes: { count: 0 },
        volume_snapshots: { count: 0 },
        databases: { count: 0 },
      },
    };
  }

  // ---- images ------------------------------------------------------------------------------------

  function availableSnapshots(): SnapshotState[] {
    return [...snapshots.values()].filter((s) => clock.now() >= s.availableAt).sort((a, b) => a.id - b.id);
  }

  route('get', '/images', 'images_list', (request) => {
    const { type, private: own, tag_name: tag } = request.query;
    if (type !== undefined && type !== 'distribution' && type !== 'application') {
      return doError(400, 'bad_request', 'type must be one of application, distribution');
    }
    let all: Array<ReturnType<typeof imageJson>> = [];
    if (own === 'true') all = availableSnapshots().map(snapshotJson);
    else if (type === 'distribution') all = FAKE_DISTRIBUTION_IMAGES.map(distributionJson);
    else if (type === undefined) all = [...FAKE_DISTRIBUTION_IMAGES.map(distributionJson), ...availableSnapshots().map(snapshotJson)];
    if (tag !== undefined) all = all.filter((image) => (image.tags as string[]).includes(tag));
    const { items, links, meta } = page(request, all);
    return json(200, { images: items, links, meta });
  });

  /** By numeric id or by a public image's slug, as `/v2/images/{image_id}` accepts both. */
  function findImage(ref: string | number): FakeDistributionImage | SnapshotState | undefined {
    if (typeof ref === 'number' || /^\d+$/.test(ref)) {
      const id = Number(ref);
      const snapshot = snapshots.get(id);
      if (snapshot) return clock.now() >= snapshot.availableAt ? snapshot : undefined;
      return FAKE_DISTRIBUTION_IMAGES.find((i) => i.id === id);
    }
    return FAKE_DISTRIBUTION_IMAGES.find((i) => i.slug === ref);
  }

  route('get', '/images/:image_id', 'images_get', (request) => {
    const image = findImage(request.params.image_id ?? '');
    return image ? json(200, { image: imageJson(image) }) : notFound();
  });

  route('delete', '/images/:image_id', 'images_delete', (request) => {
    const id = idParam(request, 'image_id');
    if (FAKE_DISTRIBUTION_IMAGES.some((i) => i.id === id)) return doError(403, 'forbidden', 'You do not have permission to perform this action.');
    const snapshot = snapshots.get(id);
    if (!snapshot || clock.now() < snapshot.availableAt) return notFound();
    snapshots.delete(id);
    return noContent();
  });

  // ---- droplets ----------------------------------------------------------------------------------

  route('get', '/droplets', 'droplets_list', (request) => {
    const { tag_name: tag, name } = request.query;
    const items = allVisible()
      .filter((d) => (tag === undefined || d.tags.some((t) => t.toLowerCase() === tag.toLowerCase())) && (name === undefined || d.name === name))
      .map(dropletJson);
    const { items: list, links, meta } = page(request, items);
    return json(200, { droplets: list, links, meta });
  });

  route('get', '/droplets/:droplet_id', 'droplets_get', (request) => {
    const droplet = visible(idParam(request, 'droplet_id'));
    return droplet ? json(200, { droplet: dropletJson(droplet) }) : notFound();
  });

  route('post', '/droplets', 'droplets_create', (request) => {
    const input = body(request);
    if ('names' in input) return unprocessable('this fake creates one Droplet per request');
    const { name } = input;
    if (typeof name !== 'string' || name.length > 255 || !DROPLET_NAME.test(name)) {
      return unprocessable('Name Only valid hostname characters are allowed. (a-z, A-Z, 0-9, . and -)');
    }
    const size = FAKE_SIZES.find((s) => s.slug === input.size);
    if (!size) return unprocessable('You specified an invalid size for Droplet creation.');
    const region = FAKE_REGIONS.find((r) => r.slug === input.region);
    if (!region) return unprocessable('You specified an invalid region for Droplet creation.');
    if (!region.available || !size.available || !size.regions.includes(region.slug)) {
      return unprocessable('Size is not available in this region.');
    }
    const image = findImage(typeof input.image === 'number' || typeof input.image === 'string' ? input.image : '');
    if (!image) return unprocessable('You specified an invalid image for Droplet creation.');
    if (!('slug' in image) && image.region.slug !== region.slug) return unprocessable('Image is not available in this region.');
    const keyRefs = input.ssh_keys ?? [];
    if (!Array.isArray(keyRefs)) return unprocessable('ssh_keys must be an array');
    const keyIds: number[] = [];
    for (const ref of keyRefs) {
      const key = [...sshKeys.values()].find((k) => k.id === ref || String(k.id) === ref || k.fingerprint === ref);
      if (!key) return unprocessable('You specified an invalid SSH key for Droplet creation.');
      keyIds.push(key.id);
    }
    const tagList = input.tags ?? [];
    if (!Array.isArray(tagList) || tagList.some((t) => typeof t !== 'string' || t.length > MAX_TAG || !TAG_NAME.test(t))) {
      return unprocessable('tag names must be 1-255 letters, numbers, colons, dashes and underscores');
    }
    const userData = input.user_data;
    if (userData !== undefined && typeof userData !== 'string') return unprocessable('user_data must be a string');
    if (typeof userData === 'string' && Buffer.byteLength(userData) > MAX_USER_DATA) return unprocessable('user_data is limited to 64 KiB');
    if (countsAgainstLimit() >= dropletLimit) return unprocessable(DROPLET_LIMIT_MESSAGE);

    const failsAfterMs = createFailures.shift();
    const droplet = newDroplet(
      {
        name,
        size,
        region,
        image,
        tags: [...new Set((tagList as string[]).map(canonicalTag))],
        sshKeys: keyIds,
        userData: userData ?? null,
      },
      failsAfterMs === undefined ? bootDelayMs : Number.POSITIVE_INFINITY,
    );
    const action = addAction('create', droplet, bootDelayMs, failsAfterMs);
    if (placementFailures > 0) {
      placementFailures -= 1;
      droplet.lost = true;
      action.errorsAt ??= action.startedAt + bootDelayMs / 2;
    }
    return json(202, {
      droplet: dropletJson(droplet),
      links: { actions: [{ id: action.id, rel: 'create', href: `${http.url}/v2/actions/${action.id}` }] },
    });
  });

  route('delete', '/droplets/:droplet_id', 'droplets_destroy', (request) => {
    const droplet = visible(idParam(request, 'droplet_id'));
    if (!droplet || droplet.deleted) return notFound();
    droplet.deleted = true;
    droplet.lifecycle.terminate();
    return noContent({ 'content-type': 'application/json' });
  });

  /** `failsAfterMs`: the action errors then instead of completing. */
  function addAction(type: string, droplet: DropletState, runsMs: number, failsAfterMs?: number): ActionState {
    const now = clock.now();
    const action: ActionState = {
      id: nextActionId++,
      type,
      resourceId: droplet.id,
      region: droplet.region,
      startedAt: now,
      completesAt: now + runsMs,
      errorsAt: failsAfterMs === undefined ? undefined : now + failsAfterMs,
    };
    actions.set(action.id, action);
    return action;
  }

  route('post', '/droplets/:droplet_id/actions', 'dropletActions_post', (request) => {
    const droplet = visible(idParam(request, 'droplet_id'));
    if (!droplet || droplet.deleted) return notFound();
    const input = body(request);
    if (input.type !== 'snapshot') return unprocessable('this fake supports the snapshot action only');
    if (droplet.lifecycle.phase === 'pending') return unprocessable('Droplet is currently on an event, please try again later.');
    const now = clock.now();
    const snapshot: SnapshotState = {
      id: nextImageId++,
      name: typeof input.name === 'string' && input.name !== '' ? input.name : `${droplet.name}-${now}`,
      createdAt: iso(now),
      dropletId: droplet.id,
      region: droplet.region,
      minDiskSize: droplet.size.disk,
      distribution: droplet.image.distribution,
      availableAt: now + actionDelayMs,
    };
    snapshots.set(snapshot.id, snapshot);
    droplet.snapshotIds.push(snapshot.id);
    const action = addAction('snapshot', droplet, actionDelayMs);
    return json(201, { action: actionJson(action) });
  });

  route('get', '/droplets/:droplet_id/actions', 'dropletActions_list', (request) => {
    const id = idParam(request, 'droplet_id');
    if (!visible(id)) return notFound();
    const mine = [...actions.values()].filter((a) => a.resourceId === id).sort((a, b) => b.id - a.id).map(actionJson);
    const { items, links, meta } = page(request, mine);
    return json(200, { actions: items, links, meta });
  });

  route('get', '/droplets/:droplet_id/snapshots', 'droplets_list_snapshots', (request) => {
    const droplet = visible(idParam(request, 'droplet_id'));
    if (!droplet) return notFound();
    const mine = availableSnapshots()
      .filter((s) => s.dropletId === droplet.id)
      // The reference's droplet_snapshot: the image's id, name, dates, regions and sizes, and its type.
      .map((s) => {
        const { id, name, created_at, regions, min_disk_size, size_gigabytes, type } = snapshotJson(s);
        return { id, name, created_at, regions, min_disk_size, size_gigabytes, type };
      });
    const { items, links, meta } = page(request, mine);
    return json(200, { snapshots: items, links, meta });
  });

  // The whole account's actions, newest first.
  route('get', '/actions', 'actions_list', (request) => {
    const { items, links, meta } = page(request, [...actions.values()].sort((a, b) => b.id - a.id).map(actionJson));
    return json(200, { actions: items, links, meta });
  });

  route('get', '/actions/:action_id', 'actions_get', (request) => {
    const action = actions.get(idParam(request, 'action_id'));
    return action ? json(200, { action: actionJson(action) }) : notFound();
  });

  // ---- controls ----------------------------------------------------------------------------------

  function record(droplet: DropletState): FakeDropletRecord {
    return {
      id: droplet.id,
      name: droplet.name,
      status: status(droplet),
      tags: [...droplet.tags],
      size: droplet.size.slug,
      region: droplet.region.slug,
      image: 'slug' in droplet.image ? droplet.image.slug : droplet.image.id,
      sshKeyIds: [...droplet.sshKeys],
      sshKeyNames: droplet.sshKeys.map((id) => sshKeys.get(id)?.name ?? String(id)),
      userData: droplet.userData,
      deleted: droplet.deleted,
    };
  }

  const onCreate: FaultSelector = { operation: 'droplets_create' };
  return {
    url: http.url,
    endpoint: `${http.url}/v2`,
    token,
    http,
    injectFault(kind, times = 1, selector) {
      const answer = faultAnswer(kind, clock.now());
      const pick = selector ?? (kind === 'quota' || kind === 'try-again' ? onCreate : {});
      return http.faults.add({ ...pick, times, ...(answer === 'reset' ? { reset: true } : { respond: answer }) });
    },
    loseResponse(operation, { times = 1, respond = HTML_BAD_GATEWAY, delayMs = 0 } = {}) {
      return http.faults.add({ operation, times, phase: 'after', latencyMs: delayMs, ...(respond === 'reset' ? { reset: true } : { respond }) });
    },
    notFoundFor(ms) {
      if (!(ms >= 0)) throw new RangeError('notFoundFor(ms): ms must be >= 0');
      hideNewForMs = ms;
    },
    failPlacement(times = 1) {
      placementFailures += times;
    },
    failCreate(times = 1, { afterMs = bootDelayMs / 2 } = {}) {
      if (!(afterMs >= 0)) throw new RangeError('failCreate: afterMs must be >= 0');
      for (let i = 0; i < times; i++) createFailures.push(afterMs);
    },
    rateLimit(budget) {
      if (budget === false || budget === undefined) window = undefined;
      else if (window) window.set(budget);
      else window = new RateLimitWindow(budget, clock);
    },
    clearFaults() {
      http.faults.clear();
      hideNewForMs = 0;
      placementFailures = 0;
      createFailures.length = 0;
    },
    record(id) {
      const droplet = existing(Number(id));
      return droplet && !droplet.lost ? record(droplet) : undefined;
    },
    inspect(id) {
      const droplet = existing(Number(id));
      if (!droplet || droplet.lost) return null;
      const held = record(droplet);
      return {
        id: String(held.id),
        state: held.deleted ? 'terminating' : (BACKEND_STATES[held.status] ?? 'unknown'),
        tags: decodeTags(held.tags),
        sshKeys: held.sshKeyNames,
        userData: held.userData,
        type: held.size,
        region: held.region,
        image: String(held.image),
        architecture: 'amd64',
        spot: false,
      };
    },
    seedDroplet(seed = {}) {
      const size = FAKE_SIZES.find((s) => s.slug === (seed.size ?? 's-1vcpu-1gb'));
      const region = FAKE_REGIONS.find((r) => r.slug === (seed.region ?? 'nyc3'));
      if (!size || !region) throw new RangeError('seedDroplet: unknown size or region');
      const droplet = newDroplet({
        name: seed.name ?? `unmanaged-${randomBytes(3).toString('hex')}`,
        size,
        region,
        image: FAKE_DISTRIBUTION_IMAGES[0]!,
        tags: (seed.tags ?? ['owner:someone-else']).map(canonicalTag),
        sshKeys: [],
        userData: null,
      });
      droplet.hiddenUntil = 0;
      return { id: String(droplet.id), name: droplet.name };
    },
    addSshKey(name, publicKey) {
      const key = addKey(name, publicKey);
      return { id: String(key.id), fingerprint: key.fingerprint };
    },
    droplets: () => [...droplets.keys()].sort((a, b) => a - b).flatMap((id) => {
      const droplet = existing(id);
      return droplet && !droplet.lost ? [record(droplet)] : [];
    }),
    snapshots: () => [...snapshots.values()].map((s) => ({ id: s.id, name: s.name, dropletId: s.dropletId, available: clock.now() >= s.availableAt })),
    close: () => http.close(),
  };
}
