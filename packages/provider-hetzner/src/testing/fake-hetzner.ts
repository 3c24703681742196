/**
 * A stateful fake of the Hetzner Cloud API (the part Stagely uses), on core's testing kit. The real
 * hcloud-js talks to it over loopback HTTP. Shapes follow the API reference: servers with actions,
 * server types with architecture and per-location deprecation, locations, system images and
 * snapshots, SSH keys, label selectors, `meta.pagination` with a small page size, `RateLimit-*`
 * headers on every answer, Hetzner error bodies, a boot delay, and fault injection.
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
  type BackendInstance,
  type Clock,
  type FakeHandler,
  type FakeRequest,
  type FakeResponse,
  type FakeServer,
  type FaultHandle,
  type FaultSelector,
  type LostOperation,
  type PhaseWords,
  type RequestBudget,
} from '@stagely/provider-core/testing';
import { labelKeyProblem, labelValueProblem } from '../labels.js';
import { FAKE_LOCATIONS, FAKE_SERVER_TYPES, FAKE_SYSTEM_IMAGES, type FakeLocation, type FakeServerType, type FakeSystemImage } from './fixtures.js';
import { faultAnswer, hetznerError, HTML_BAD_GATEWAY, invalidInput, notFound, type HetznerFaultKind } from './hetzner-errors.js';
import { LabelSelectorError, parseLabelSelector } from './label-selector.js';
import { HETZNER_RATE_LIMIT, RateLimitBucket, type RateLimitOptions } from './rate-limit.js';

export interface FakeHetznerOptions {
  /** The token the fake accepts; anything else is 401. Default `fake-hetzner-token`. */
  token?: string;
  /** From create to `running`; default 50 ms. */
  bootDelayMs?: number;
  /** Hetzner assigns the IPv4 at create (default true); false: it appears `ipDelayMs` after boot. */
  publicIpAtCreate?: boolean;
  ipDelayMs?: number;
  /** How long delete and snapshot actions run; default 20 ms. */
  actionDelayMs?: number;
  /** Largest page the fake answers, whatever the client asks (Hetzner: 50). Default 50. */
  maxPerPage?: number;
  /** Hetzner's default is 3600 requests, one regained per second. `false`: unlimited. */
  rateLimit?: RateLimitOptions | false;
  /** The project's server limit (resource_limit_exceeded beyond it); default 200. */
  serverLimit?: number;
  /** SSH keys in the project; default one named `stagely-test`. */
  sshKeys?: Array<{ name: string; publicKey?: string }>;
  clock?: Clock;
  /** Seed for rate-based faults. */
  seed?: number;
}

/** A server as the fake holds it. */
export interface FakeServerRecord {
  id: number;
  name: string;
  status: string;
  labels: Record<string, string>;
  serverType: string;
  location: string;
  image: string | number;
  sshKeys: number[];
  userData: string | null;
}

export interface FakeSnapshotRecord {
  id: number;
  description: string;
  status: 'creating' | 'available';
  labels: Record<string, string>;
  createdFrom: number;
}

export interface FakeHetzner {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The API base URL to configure a provider with (`<url>/v1`). */
  readonly endpoint: string;
  readonly token: string;
  /** The kit's server: its `faults` plan, request `log` and `count()`. */
  readonly http: FakeServer;
  /**
   * Makes the next `times` calls (default 1) picked by `selector` fail with `kind`. `quota`,
   * `capacity` and `placement` pick `servers.create` unless a selector is given.
   */
  injectFault(kind: HetznerFaultKind, times?: number, selector?: FaultSelector): FaultHandle;
  /**
   * The next `times` calls of `operation` are carried out, but the client does not get the answer:
   * it gets `respond` instead (default an HTML 502; `'reset'`: the connection is reset), after
   * `delayMs` (default 0). A lost answer to a create is what makes retrying it dangerous. A rule on
   * `http.faults` with `phase: 'after'`, which this adds.
   */
  loseResponse(operation: string, options?: { times?: number; respond?: FakeResponse | 'reset'; delayMs?: number }): FaultHandle;
  clearFaults(): void;
  /**
   * The create action of the next `times` servers created (default 1) fails once `atShare` of the
   * boot has passed (default 0.5) with `error` (default `{ code: 'resource_unavailable', ... }`): the
   * action is `error` with its progress frozen, and the server stays `off`.
   */
  failCreateActions(options?: { times?: number; atShare?: number; error?: { code: string; message: string } }): void;
  /** What the fake holds for server `id`, in the conformance suite's words; null when it holds none. */
  inspect(id: string): BackendInstance | null;
  /**
   * From now on each server created through the API answers 404 to `GET /servers/{id}` for `ms` after
   * its create (eventual consistency); 0 ends it for servers created later.
   */
  notFoundFor(ms: number): void;
  /** Puts the API under `budget` (Hetzner's 429 and RateLimit-* headers beyond it); `undefined`: back to the configured limit. */
  setRateLimit(budget: RequestBudget | undefined): void;
  /** A server that Stagely does not manage (no managed-by label), straight into the state. */
  seedServer(options?: { name?: string; labels?: Record<string, string>; serverType?: string; location?: string }): { id: string; name: string };
  addSshKey(name: string, publicKey?: string): { id: string; fingerprint: string };
  /** Servers that exist (deleting ones included), in id order. */
  servers(): FakeServerRecord[];
  snapshots(): FakeSnapshotRecord[];
  close(): Promise<void>;
}

const WORDS: PhaseWords = {
  pending: 'initializing',
  running: 'running',
  stopping: 'stopping',
  stopped: 'off',
  terminating: 'deleting',
  terminated: 'deleted',
};
const MAX_USER_DATA = 32 * 1024;
const HOSTNAME = /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
const INCLUDED_TRAFFIC = 21_990_232_555_520;

interface ServerState {
  id: number;
  name: string;
  created: string;
  lifecycle: InstanceLifecycle;
  type: FakeServerType;
  location: FakeLocation;
  image: FakeSystemImage | SnapshotState;
  labels: Record<string, string>;
  ipv4: string;
  ipv6: string;
  sshKeys: number[];
  userData: string | null;
  /** Until then, `GET /servers/{id}` answers 404 (eventual consistency). */
  hiddenUntil: number;
  /** When its create action failed (then it stays `off`). */
  failedAt?: number | undefined;
}

/** The API operation whose answer `loseResponse` loses, for each of the conformance suite's operations. */
export const LOST_OPERATIONS: Readonly<Record<LostOperation, string>> = Object.freeze({
  create: 'servers.create',
  terminate: 'servers.delete',
  snapshot: 'servers.create_image',
});

interface ActionState {
  id: number;
  command: string;
  resources: Array<{ id: number; type: string }>;
  startedAt: number;
  finishesAt: number;
  /** It fails at `failure.at` instead of succeeding. */
  failure?: { at: number; error: { code: string; message: string } } | undefined;
}

/** A server is `starting` for the last fifth of its boot (Hetzner: the disk is written, the VM boots). */
const STARTING_SHARE = 0.2;
const DEFAULT_ACTION_ERROR = { code: 'resource_unavailable', message: 'the server could not be started in this location' };

interface SnapshotState {
  id: number;
  description: string;
  labels: Record<string, string>;
  created: string;
  createdFrom: { id: number; name: string };
  architecture: 'x86' | 'arm';
  diskSize: number;
  availableAt: number;
}

interface SshKeyState {
  id: number;
  name: string;
  fingerprint: string;
  publicKey: string;
  created: string;
  labels: Record<string, string>;
}

export async function startFakeHetzner(options: FakeHetznerOptions = {}): Promise<FakeHetzner> {
  const token = options.token ?? 'fake-hetzner-token';
  const clock = options.clock ?? systemClock;
  const bootDelayMs = options.bootDelayMs ?? 50;
  const actionDelayMs = options.actionDelayMs ?? 20;
  const publicIpAtCreate = options.publicIpAtCreate ?? true;
  const maxPerPage = Math.min(50, options.maxPerPage ?? 50);
  const serverLimit = options.serverLimit ?? 200;
  const configuredLimit = options.rateLimit === false ? undefined : (options.rateLimit ?? HETZNER_RATE_LIMIT);
  let rateLimit = configuredLimit;
  let bucket = rateLimit ? new RateLimitBucket(rateLimit, clock) : undefined;
  let hideNewServersMs = 0;
  const failingCreates: Array<{ atShare: number; error: { code: string; message: string } }> = [];

  const http = await startFakeServer({
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    notFound: () => notFound('route'),
    decorate: withRateLimitHeaders,
  });

  const servers = new Map<number, ServerState>();
  const actions = new Map<number, ActionState>();
  const snapshots = new Map<number, SnapshotState>();
  const sshKeys = new Map<number, SshKeyState>();
  let nextServerId = 60_000_001;
  let nextActionId = 9_000_001;
  let nextImageId = 300_000_001;
  let nextKeyId = 4_000_001;
  let nextAddress = 1;

  const iso = (ms = clock.now()) => new Date(ms).toISOString();

  // ---- state helpers ---------------------------------------------------------------------------

  /** A server is gone once its delete action has run. */
  function liveServer(id: number): ServerState | undefined {
    const server = servers.get(id);
    if (server && server.lifecycle.phase === 'terminated') {
      servers.delete(id);
      return undefined;
    }
    return server;
  }

  function allServers(): ServerState[] {
    return [...servers.keys()].sort((a, b) => a - b).flatMap((id) => liveServer(id) ?? []);
  }

  function status(server: ServerState): string {
    const phase = server.lifecycle.phase;
    if (server.failedAt !== undefined && clock.now() >= server.failedAt && (phase === 'pending' || phase === 'running')) return 'off';
    if (phase === 'pending') return clock.now() - server.lifecycle.createdAt < bootDelayMs * (1 - STARTING_SHARE) ? 'initializing' : 'starting';
    return server.lifecycle.word(WORDS);
  }

  function addAction(command: string, resources: ActionState['resources'], runsMs: number): ActionState {
    const now = clock.now();
    const action: ActionState = { id: nextActionId++, command, resources, startedAt: now, finishesAt: now + runsMs };
    actions.set(action.id, action);
    return action;
  }

  /** Progress grows linearly with the clock from start to finish; a failed action stops where it failed. */
  function actionJson(action: ActionState) {
    const now = clock.now();
    const failed = action.failure !== undefined && now >= action.failure.at;
    const done = failed || now >= action.finishesAt;
    const until = failed ? action.failure!.at : now;
    const progress = Math.min(99, Math.floor(((until - action.startedAt) / Math.max(1, action.finishesAt - action.startedAt)) * 100));
    return {
      id: action.id,
      command: action.command,
      status: failed ? 'error' : done ? 'success' : 'running',
      progress: failed ? progress : done ? 100 : progress,
      started: iso(action.startedAt),
      finished: done ? iso(failed ? action.failure!.at : action.finishesAt) : null,
      resources: action.resources,
      error: failed ? { ...action.failure!.error } : null,
    };
  }

  function locationJson(location: FakeLocation) {
    return { ...location };
  }

  function systemImageJson(image: FakeSystemImage) {
    return {
      id: image.id,
      type: 'system',
      status: 'available',
      name: image.name,
      description: image.description,
      image_size: null,
      disk_size: 5,
      created: '2024-04-25T00:00:00Z',
      created_from: null,
      bound_to: null,
      os_flavor: image.os_flavor,
      os_version: image.os_version,
      rapid_deploy: true,
      protection: { delete: false },
      deprecated: image.deprecated,
      deleted: null,
      labels: {},
      architecture: image.architecture,
    };
  }

  function snapshotJson(snapshot: SnapshotState) {
    const available = clock.now() >= snapshot.availableAt;
    return {
      id: snapshot.id,
      type: 'snapshot',
      status: available ? 'available' : 'creating',
      name: null,
      description: snapshot.description,
      image_size: available ? 0.42 : null,
      disk_size: snapshot.diskSize,
      created: snapshot.created,
      created_from: snapshot.createdFrom,
      bound_to: null,
      os_flavor: 'ubuntu',
      os_version: null,
      rapid_deploy: false,
      protection: { delete: false },
      deprecated: null,
      deleted: null,
      labels: { ...snapshot.labels },
      architecture: snapshot.architecture,
    };
  }

  function imageJson(image: FakeSystemImage | SnapshotState) {
    return 'os_flavor' in image ? systemImageJson(image) : snapshotJson(image);
  }

  function serverJson(server: ServerState) {
    const showIp = publicIpAtCreate || server.lifecycle.hasPublicIp;
    return {
      id: server.id,
      name: server.name,
      status: status(server),
      created: server.created,
      public_net: {
        ipv4: showIp ? { id: server.id + 1_000_000, ip: server.ipv4, blocked: false, dns_ptr: `static.${server.ipv4.split('.').reverse().join('.')}.clients.your-server.de` } : null,
        ipv6: { id: server.id + 2_000_000, ip: server.ipv6, blocked: false, dns_ptr: [] },
        floating_ips: [],
        firewalls: [],
      },
      private_net: [],
      server_type: { ...server.type },
      datacenter: {
        id: server.location.id * 10,
        name: `${server.location.name}-dc${server.location.id + 1}`,
        description: `${server.location.city} DC ${server.location.id + 1}`,
        location: locationJson(server.location),
        server_types: { supported: [], available: [], available_for_migration: [] },
      },
      location: locationJson(server.location),
      image: imageJson(server.image),
      iso: null,
      rescue_enabled: false,
      locked: false,
      backup_window: null,
      outgoing_traffic: 0,
      ingoing_traffic: 0,
      included_traffic: INCLUDED_TRAFFIC,
      protection: { delete: false, rebuild: false },
      labels: { ...server.labels },
      volumes: [],
      load_balancers: [],
      primary_disk_size: server.type.disk,
      placement_group: null,
    };
  }

  function sshKeyJson(key: SshKeyState) {
    return { id: key.id, name: key.name, fingerprint: key.fingerprint, public_key: key.publicKey, labels: { ...key.labels }, created: key.created };
  }

  function addKey(name: string, publicKey?: string): SshKeyState {
    const material = publicKey ?? `ssh-ed25519 ${randomBytes(32).toString('base64')} ${name}`;
    const digest = createHash('md5').update(material).digest('hex');
    const key: SshKeyState = {
      id: nextKeyId++,
      name,
      publicKey: material,
      fingerprint: digest.match(/../g)!.join(':'),
      created: iso(),
      labels: {},
    };
    sshKeys.set(key.id, key);
    return key;
  }

  function allocateAddresses(): { ipv4: string; ipv6: string } {
    const n = nextAddress++;
    return { ipv4: `198.${18 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`, ipv6: `2a01:4f8:c0c:${n.toString(16)}::/64` };
  }

  function newServer(input: { name: string; type: FakeServerType; location: FakeLocation; image: ServerState['image']; labels: Record<string, string>; sshKeys: number[]; userData: string | null }): ServerState {
    const lifecycle = new InstanceLifecycle({
      bootDelayMs,
      ipDelayMs: options.ipDelayMs ?? 0,
      terminateDelayMs: actionDelayMs,
      clock,
    });
    const server: ServerState = { id: nextServerId++, created: iso(), lifecycle, hiddenUntil: 0, ...input, ...allocateAddresses() };
    servers.set(server.id, server);
    return server;
  }

  for (const key of options.sshKeys ?? [{ name: 'stagely-test' }]) addKey(key.name, key.publicKey);

  // ---- request plumbing ------------------------------------------------------------------------

  function page<T>(request: FakeRequest, items: readonly T[]): { items: T[]; meta: object } {
    const p = paginateNumbered(items, { page: request.query.page, perPage: request.query.per_page, defaultPerPage: 25, maxPerPage });
    return {
      items: p.items,
      meta: {
        pagination: {
          page: p.page,
          per_page: p.perPage,
          previous_page: p.previousPage,
          next_page: p.nextPage,
          last_page: p.lastPage,
          total_entries: p.totalEntries,
        },
      },
    };
  }

  function selectorOf(request: FakeRequest): (labels: Record<string, string>) => boolean {
    const selector = request.query.label_selector;
    return selector === undefined || selector === '' ? () => true : parseLabelSelector(selector);
  }

  function idParam(request: FakeRequest, name = 'id'): number {
    const raw = request.params[name] ?? '';
    if (!/^\d+$/.test(raw)) throw new FakeHttpError(invalidInput(name, 'must be an integer'));
    return Number(raw);
  }

  /** Auth, rate limit and Hetzner error mapping; the RateLimit-* headers come from `decorate`. */
  function api(handler: FakeHandler): FakeHandler {
    return async (request) => {
      if (request.headers.authorization !== `Bearer ${token}`) return hetznerError(401, 'unauthorized', 'unable to authenticate');
      if (bucket && !bucket.take()) return hetznerError(429, 'rate_limit_exceeded', `limit of ${rateLimit!.limit} requests per hour reached`);
      // A FakeHttpError is answered by core's server; these two are the kit's and this fake's own.
      try {
        return await handler(request);
      } catch (error) {
        if (error instanceof PaginationError) return invalidInput(error.field, error.message);
        if (error instanceof LabelSelectorError) return invalidInput('label_selector', error.message);
        throw error;
      }
    };
  }

  /**
   * Hetzner's RateLimit-* headers on every answer the fake sends, injected faults included; an
   * answer that brings its own (an injected 429's spent budget) keeps them.
   */
  function withRateLimitHeaders(response: FakeResponse): FakeResponse {
    if (!bucket) return response;
    const own = new Set(Object.keys(response.headers ?? {}).map((name) => name.toLowerCase()));
    const added = Object.entries(bucket.headers()).filter(([name]) => !own.has(name.toLowerCase()));
    return { ...response, headers: { ...response.headers, ...Object.fromEntries(added) } };
  }

  function body(request: FakeRequest): Record<string, unknown> {
    if (typeof request.body !== 'object' || request.body === null || Array.isArray(request.body)) {
      throw new FakeHttpError(hetznerError(400, 'json_error', 'invalid JSON in request body'));
    }
    return request.body as Record<string, unknown>;
  }

  function checkLabels(labels: unknown): Record<string, string> {
    if (labels === undefined) return {};
    if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) throw new FakeHttpError(invalidInput('labels', 'must be an object'));
    for (const [key, value] of Object.entries(labels)) {
      const problem = labelKeyProblem(key) ?? (typeof value === 'string' ? labelValueProblem(value) : 'value must be a string');
      if (problem) throw new FakeHttpError(invalidInput('labels', `label ${key}: ${problem}`));
    }
    return { ...(labels as Record<string, string>) };
  }

  // ---- routes ----------------------------------------------------------------------------------

  const route = (method: 'get' | 'post' | 'delete', path: string, operation: string, handler: FakeHandler) =>
    http[method](`/v1${path}`, api(handler), operation);

  route('get', '/locations', 'locations.list', (request) => {
    const items = FAKE_LOCATIONS.filter((l) => request.query.name === undefined || l.name === request.query.name);
    const { items: locations, meta } = page(request, items);
    return json(200, { locations: locations.map(locationJson), meta });
  });
  route('get', '/locations/:id', 'locations.get', (request) => {
    const location = FAKE_LOCATIONS.find((l) => l.id === idParam(request));
    return location ? json(200, { location: locationJson(location) }) : notFound('location');
  });

  route('get', '/server_types', 'server_types.list', (request) => {
    const items = FAKE_SERVER_TYPES.filter((t) => request.query.name === undefined || t.name === request.query.name);
    const { items: serverTypes, meta } = page(request, items);
    return json(200, { server_types: serverTypes, meta });
  });
  route('get', '/server_types/:id', 'server_types.get', (request) => {
    const type = FAKE_SERVER_TYPES.find((t) => t.id === idParam(request));
    return type ? json(200, { server_type: type }) : notFound('server type');
  });

  route('get', '/images', 'images.list', (request) => {
    const types = request.url.searchParams.getAll('type');
    const statuses = request.url.searchParams.getAll('status');
    const { name, architecture } = request.query;
    const includeDeprecated = request.query.include_deprecated === 'true';
    const matches = selectorOf(request);
    const all = [...FAKE_SYSTEM_IMAGES.map(systemImageJson), ...[...snapshots.values()].map(snapshotJson)].filter(
      (image) =>
        (types.length === 0 || types.includes(image.type)) &&
        (statuses.length === 0 || statuses.includes(image.status)) &&
        (name === undefined || image.name === name) &&
        (architecture === undefined || image.architecture === architecture) &&
        (includeDeprecated || image.deprecated === null) &&
        matches(image.labels),
    );
    const { items: images, meta } = page(request, all.sort((a, b) => a.id - b.id));
    return json(200, { images, meta });
  });
  route('get', '/images/:id', 'images.get', (request) => {
    const id = idParam(request);
    const system = FAKE_SYSTEM_IMAGES.find((i) => i.id === id);
    if (system) return json(200, { image: systemImageJson(system) });
    const snapshot = snapshots.get(id);
    return snapshot ? json(200, { image: snapshotJson(snapshot) }) : notFound('image');
  });
  route('delete', '/images/:id', 'images.delete', (request) => {
    const id = idParam(request);
    if (FAKE_SYSTEM_IMAGES.some((i) => i.id === id)) return hetznerError(403, 'forbidden', 'system images cannot be deleted');
    if (!snapshots.delete(id)) return notFound('image');
    return noContent();
  });

  route('get', '/ssh_keys', 'ssh_keys.list', (request) => {
    const matches = selectorOf(request);
    const { name, fingerprint } = request.query;
    const items = [...sshKeys.values()].filter(
      (k) => (name === undefined || k.name === name) && (fingerprint === undefined || k.fingerprint === fingerprint) && matches(k.labels),
    );
    const { items: keys, meta } = page(request, items);
    return json(200, { ssh_keys: keys.map(sshKeyJson), meta });
  });

  route('get', '/servers', 'servers.list', (request) => {
    const matches = selectorOf(request);
    const wanted = request.url.searchParams.getAll('status');
    const { name } = request.query;
    const items = allServers()
      .filter((s) => (name === undefined || s.name === name) && matches(s.labels) && (wanted.length === 0 || wanted.includes(status(s))))
      .map(serverJson);
    const { items: list, meta } = page(request, items);
    return json(200, { servers: list, meta });
  });

  route('get', '/servers/:id', 'servers.get', (request) => {
    const server = liveServer(idParam(request));
    return server && clock.now() >= server.hiddenUntil ? json(200, { server: serverJson(server) }) : notFound('server');
  });

  route('post', '/servers', 'servers.create', (request) => {
    const input = body(request);
    const name = input.name;
    if (typeof name !== 'string' || !HOSTNAME.test(name)) throw new FakeHttpError(invalidInput('name', 'must be a valid hostname (RFC 1123)'));
    const type = FAKE_SERVER_TYPES.find((t) => t.name === input.server_type || t.id === input.server_type);
    if (!type) throw new FakeHttpError(invalidInput('server_type', 'server type not found'));
    const locationName = input.location ?? (typeof input.datacenter === 'string' ? input.datacenter.split('-')[0] : 'fsn1');
    const location = FAKE_LOCATIONS.find((l) => l.name === locationName);
    if (!location) throw new FakeHttpError(invalidInput('location', 'location not found'));
    const offered = type.locations.find((l) => l.name === location.name);
    if (!offered) throw new FakeHttpError(invalidInput('server_type', `server type ${type.name} is not available in ${location.name}`));
    if (offered.deprecation && Date.parse(offered.deprecation.unavailable_after) <= clock.now()) {
      throw new FakeHttpError(invalidInput('server_type', `server type ${type.name} is deprecated and no longer available in ${location.name}`));
    }
    const image = findImage(input.image, type.architecture);
    const keys = Array.isArray(input.ssh_keys) ? input.ssh_keys : [];
    const keyIds = keys.map((ref) => {
      const key = [...sshKeys.values()].find((k) => k.id === ref || k.name === ref || String(k.id) === ref);
      if (!key) throw new FakeHttpError(invalidInput('ssh_keys', `ssh key ${String(ref)} not found`));
      return key.id;
    });
    const labels = checkLabels(input.labels);
    const userData = typeof input.user_data === 'string' ? input.user_data : null;
    if (userData !== null && Buffer.byteLength(userData) > MAX_USER_DATA) throw new FakeHttpError(invalidInput('user_data', 'is too long'));
    if (allServers().some((s) => s.name === name)) {
      return hetznerError(409, 'uniqueness_error', 'server name is already used', { fields: [{ name: 'name' }] });
    }
    if (allServers().length >= serverLimit) return hetznerError(403, 'resource_limit_exceeded', 'server limit exceeded');

    const server = newServer({ name, type, location, image, labels, sshKeys: keyIds, userData });
    server.hiddenUntil = clock.now() + hideNewServersMs;
    const action = addAction('create_server', [{ id: server.id, type: 'server' }], bootDelayMs);
    const failing = failingCreates.shift();
    if (failing) {
      server.failedAt = action.startedAt + bootDelayMs * failing.atShare;
      action.failure = { at: server.failedAt, error: failing.error };
    }
    return json(201, {
      server: serverJson(server),
      action: actionJson(action),
      next_actions: [],
      root_password: keyIds.length > 0 ? null : randomBytes(12).toString('base64url'),
    });
  });

  route('delete', '/servers/:id', 'servers.delete', (request) => {
    const server = liveServer(idParam(request));
    if (!server) return notFound('server');
    server.lifecycle.terminate();
    const action = addAction('delete_server', [{ id: server.id, type: 'server' }], actionDelayMs);
    return json(200, { action: actionJson(action) });
  });

  route('post', '/servers/:id/actions/create_image', 'servers.create_image', (request) => {
    const server = liveServer(idParam(request));
    if (!server || server.lifecycle.phase === 'terminating') return notFound('server');
    const input = request.body === undefined ? {} : body(request);
    if (input.type !== undefined && input.type !== 'snapshot') throw new FakeHttpError(invalidInput('type', 'this fake makes snapshots only'));
    const labels = checkLabels(input.labels);
    const now = clock.now();
    const snapshot: SnapshotState = {
      id: nextImageId++,
      description: typeof input.description === 'string' ? input.description : `${server.name}-${iso(now)}`,
      labels,
      created: iso(now),
      createdFrom: { id: server.id, name: server.name },
      architecture: server.type.architecture,
      diskSize: server.type.disk,
      availableAt: now + actionDelayMs,
    };
    snapshots.set(snapshot.id, snapshot);
    const action = addAction('create_image', [{ id: server.id, type: 'server' }, { id: snapshot.id, type: 'image' }], actionDelayMs);
    return json(201, { image: snapshotJson(snapshot), action: actionJson(action) });
  });

  // Several actions by id (`?id=1&id=2`); the API no longer lists a project's actions without ids.
  route('get', '/actions', 'actions.list', (request) => {
    const ids = request.url.searchParams.getAll('id');
    if (ids.length === 0) throw new FakeHttpError(invalidInput('id', 'at least one id is required'));
    if (!ids.every((id) => /^\d+$/.test(id))) throw new FakeHttpError(invalidInput('id', 'must be integers'));
    const found = [...new Set(ids.map(Number))].sort((a, b) => a - b).flatMap((id) => actions.get(id) ?? []);
    return json(200, { actions: found.map(actionJson) });
  });
  route('get', '/actions/:id', 'actions.get', (request) => {
    const action = actions.get(idParam(request));
    return action ? json(200, { action: actionJson(action) }) : notFound('action');
  });
  route('get', '/servers/:id/actions/:action_id', 'servers.actions.get', (request) => {
    const action = actions.get(idParam(request, 'action_id'));
    const serverId = idParam(request);
    return action && action.resources.some((r) => r.type === 'server' && r.id === serverId) ? json(200, { action: actionJson(action) }) : notFound('action');
  });

  function findImage(ref: unknown, architecture: 'x86' | 'arm'): FakeSystemImage | SnapshotState {
    const byId = typeof ref === 'number' || (typeof ref === 'string' && /^\d+$/.test(ref)) ? Number(ref) : undefined;
    const image =
      byId !== undefined
        ? (FAKE_SYSTEM_IMAGES.find((i) => i.id === byId) ?? snapshots.get(byId))
        : FAKE_SYSTEM_IMAGES.find((i) => i.name === ref && i.architecture === architecture);
    if (!image) throw new FakeHttpError(invalidInput('image', 'image not found'));
    if (image.architecture !== architecture) throw new FakeHttpError(invalidInput('image', 'image architecture does not match the server type'));
    if ('availableAt' in image && image.availableAt > clock.now()) throw new FakeHttpError(invalidInput('image', 'image is not available yet'));
    return image;
  }

  // ---- controls --------------------------------------------------------------------------------

  const onCreate: FaultSelector = { operation: 'servers.create' };
  return {
    url: http.url,
    endpoint: `${http.url}/v1`,
    token,
    http,
    injectFault(kind, times = 1, selector) {
      const answer = faultAnswer(kind, rateLimit ?? HETZNER_RATE_LIMIT, clock.now());
      const pick = selector ?? (kind === 'quota' || kind === 'capacity' || kind === 'placement' ? onCreate : {});
      return http.faults.add({ ...pick, times, ...(answer === 'reset' ? { reset: true } : { respond: answer }) });
    },
    loseResponse(operation, { times = 1, respond = HTML_BAD_GATEWAY, delayMs = 0 } = {}) {
      return http.faults.add({ operation, times, phase: 'after', latencyMs: delayMs, ...(respond === 'reset' ? { reset: true } : { respond }) });
    },
    clearFaults() {
      http.faults.clear();
    },
    failCreateActions({ times = 1, atShare = 0.5, error = DEFAULT_ACTION_ERROR } = {}) {
      if (!(atShare >= 0 && atShare < 1)) throw new RangeError(`failCreateActions: atShare must be in [0, 1), got ${atShare}`);
      for (let i = 0; i < times; i++) failingCreates.push({ atShare, error: { ...error } });
    },
    inspect(id) {
      const server = /^\d+$/.test(id) ? liveServer(Number(id)) : undefined;
      if (!server) return null;
      const keyNames = server.sshKeys.map((keyId) => sshKeys.get(keyId)?.name ?? String(keyId));
      const failed = status(server) === 'off';
      return {
        id,
        state: failed ? 'stopped' : server.lifecycle.phase,
        tags: { ...server.labels },
        sshKeys: keyNames,
        userData: server.userData,
        type: server.type.name,
        region: server.location.name,
        image: 'os_flavor' in server.image ? server.image.name : String(server.image.id),
        architecture: server.type.architecture === 'arm' ? 'arm64' : 'amd64',
        spot: false,
      };
    },
    notFoundFor(ms) {
      if (!(ms >= 0)) throw new RangeError(`notFoundFor(ms): ms must be >= 0, got ${ms}`);
      hideNewServersMs = ms;
    },
    setRateLimit(budget) {
      rateLimit = budget ? { limit: budget.requests, refillPerSecond: (budget.requests * 1000) / budget.windowMs } : configuredLimit;
      bucket = rateLimit ? new RateLimitBucket(rateLimit, clock) : undefined;
    },
    seedServer(seed = {}) {
      const type = FAKE_SERVER_TYPES.find((t) => t.name === (seed.serverType ?? 'cx23'));
      const location = FAKE_LOCATIONS.find((l) => l.name === (seed.location ?? 'fsn1'));
      if (!type || !location) throw new RangeError('seedServer: unknown server type or location');
      const image = FAKE_SYSTEM_IMAGES.find((i) => i.name === 'ubuntu-24.04' && i.architecture === type.architecture)!;
      const server = newServer({
        name: seed.name ?? `unmanaged-${randomBytes(3).toString('hex')}`,
        type,
        location,
        image,
        labels: seed.labels ?? { owner: 'someone-else' },
        sshKeys: [],
        userData: null,
      });
      return { id: String(server.id), name: server.name };
    },
    addSshKey(name, publicKey) {
      const key = addKey(name, publicKey);
      return { id: String(key.id), fingerprint: key.fingerprint };
    },
    servers: () =>
      allServers().map((s) => ({
        id: s.id,
        name: s.name,
        status: status(s),
        labels: { ...s.labels },
        serverType: s.type.name,
        location: s.location.name,
        image: 'os_flavor' in s.image ? s.image.name : s.image.id,
        sshKeys: [...s.sshKeys],
        userData: s.userData,
      })),
    snapshots: () =>
      [...snapshots.values()].map((s) => ({
        id: s.id,
        description: s.description,
        status: clock.now() >= s.availableAt ? 'available' : 'creating',
        labels: { ...s.labels },
        createdFrom: s.createdFrom.id,
      })),
    close: () => http.close(),
  };
}
