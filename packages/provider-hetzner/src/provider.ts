/**
 * HetznerProvider: the CloudProvider for Hetzner Cloud (docs/architecture.md), on hcloud-js through
 * `sdk/adapter.ts`. Every call validates locally first (no request for bad input), then makes its
 * API requests through core's withRetry, the only retry loop.
 */
import {
  abortedError,
  ApiError,
  bestEffort,
  collectPages,
  CONTRACT_VERSION,
  ConflictError,
  createOnce,
  createRateLimiter,
  createReadinessWaiter,
  readinessWaiterOptions,
  createRedactor,
  emit,
  InvalidInputError,
  isStagelyError,
  NotSupportedError,
  pollOperation,
  resolveInstanceSpec,
  systemScheduler,
  throwIfAborted,
  withRetry,
  type Capabilities,
  type CloudProvider,
  type EventSink,
  type Instance,
  type InstanceSpec,
  type ListFilter,
  type Op,
  type ProviderContext,
  type ReadinessWaiter,
  type Redactor,
  type ResolvedSpec,
  type Scheduler,
  type Snapshot,
  type SshKey,
  type WaitOptions,
  filterTags,
  keysByName,
} from '@stagely/provider-core/provider';
import { randomBytes } from 'node:crypto';
import { HetznerCatalog } from './catalog.js';
import { actionFailure } from './errors.js';
import { HETZNER_RATE_LIMIT, parseHetznerConfig, type HetznerConfig, type ResolvedHetznerConfig } from './config.js';
import { toInstance, toSnapshot } from './instance.js';
import { managedLabels, managedSelector } from './labels.js';
import { HetznerReadiness } from './readiness.js';
import { HetznerApi, type CreatedServer, type CreateServerRequest, type HetznerPage } from './sdk/adapter.js';
import type { ImageData, ServerData } from './sdk/schemas.js';

export const PROVIDER_NAME = 'hetzner';

export const HETZNER_CAPABILITIES: Capabilities = Object.freeze({
  architectures: Object.freeze(['amd64', 'arm64'] as const),
  spot: false,
  snapshots: true,
  sshKeys: true,
});

/** Hetzner ids are positive integers below 2^53. */
const ID = /^[1-9]\d{0,15}$/;
/** Hetzner refuses user data above 32 KiB. */
const MAX_USER_DATA_BYTES = 32 * 1024;
/** Snapshots of big disks take minutes; deletes take seconds. */
const ACTION_TIMEOUT_MS = 30 * 60_000;
/** A look-up after an ambiguous create accepts a server created at most this long before the first try (clock skew). */
const CLOCK_SKEW_MS = 5 * 60_000;
/** The label that ties a snapshot to the request that made it, so a retried request finds it. */
const REQUEST_LABEL = 'stagely-request';

/** For tests and benches: the clock the readiness waits run on. */
export interface HetznerProviderInternals {
  scheduler?: Scheduler | undefined;
}

export class HetznerProvider implements CloudProvider {
  readonly contractVersion = CONTRACT_VERSION;
  readonly name = PROVIDER_NAME;
  readonly capabilities = HETZNER_CAPABILITIES;

  readonly #config: ResolvedHetznerConfig;
  readonly #events: EventSink | undefined;
  readonly #redact: Redactor;
  readonly #api: HetznerApi;
  readonly #catalog: HetznerCatalog;
  readonly #readiness: HetznerReadiness;
  /** One per provider, so that overlapping waits share their status calls. */
  readonly #waiter: ReadinessWaiter;

  constructor(config: ResolvedHetznerConfig, context: ProviderContext = {}, internals: HetznerProviderInternals = {}) {
    this.#config = config;
    this.#events = context.events;
    this.#redact = createRedactor([config.token]);
    // One limiter for every request of this provider instance, whoever the caller.
    // A configured budget is a ceiling; Hetzner's default one is corrected by its RateLimit-* headers.
    const limiter =
      config.rateLimit === false
        ? undefined
        : createRateLimiter({ provider: PROVIDER_NAME, budget: config.rateLimit ?? HETZNER_RATE_LIMIT, ceiling: config.rateLimit !== undefined });
    this.#api = new HetznerApi({
      token: config.token,
      endpoint: config.endpoint,
      timeoutMs: config.requestTimeoutMs,
      provider: PROVIDER_NAME,
      redact: this.#redact,
      events: context.events,
      limiter,
    });
    this.#catalog = new HetznerCatalog(
      {
        // Shared by concurrent callers, so read without any one caller's signal.
        serverTypes: () => this.#pages('server_types.list', undefined, (page, s) => this.#api.listServerTypes(page, s)),
        locations: () => this.#pages('locations.list', undefined, (page, s) => this.#api.listLocations(page, s)),
        systemImages: (arch) => this.#pages('images.list', undefined, (page, s) => this.#api.listSystemImages(arch, page, s)),
        image: (id, signal) => this.#retry('images.get', signal, (s) => this.#api.getImage(id, s)),
      },
      { provider: PROVIDER_NAME, sizes: config.sizes },
    );
    const scheduler = internals.scheduler ?? systemScheduler;
    this.#readiness = new HetznerReadiness({
      api: {
        getServer: (id, signal) => this.#retry('servers.get', signal, (s) => this.#api.getServer(id, s)),
        getAction: (id, signal) => this.#retry('actions.get', signal, (s) => this.#api.getAction(id, s)),
        getActions: (ids, signal) => this.#retry('actions.list', signal, (s) => this.#api.getActions(ids, s)),
        listServers: (labelSelector, signal) => this.#pages('servers.list', signal, (page, s) => this.#api.listServers({ labelSelector }, page, s)),
      },
      clock: scheduler,
      provider: PROVIDER_NAME,
      redact: this.#redact,
    });
    this.#waiter = createReadinessWaiter({ ...readinessWaiterOptions(PROVIDER_NAME, this.#readiness, config, context), scheduler });
  }

  async validateCredentials(o: Op = {}): Promise<void> {
    await this.#retry('locations.list', o.signal, (s) => this.#api.listLocations(1, s));
  }

  async validateSpec(spec: InstanceSpec, o: Op = {}): Promise<ResolvedSpec> {
    return (await this.#resolveCreate(spec, o.signal)).resolved;
  }

  async createInstance(spec: InstanceSpec, o: Op = {}): Promise<Instance> {
    const { signal } = o;
    const { request, resolved } = await this.#resolveCreate(spec, signal);
    const { server, action } = await this.#createServer(request, signal);
    const instance = toInstance(server, PROVIDER_NAME, resolved.warnings);
    this.#waiter.created(instance);
    this.#readiness.created(instance, request.labels, action);
    for (const message of resolved.warnings) emit(this.#events, { type: 'warning', provider: PROVIDER_NAME, message, instanceId: instance.id });
    return instance;
  }

  async getInstance(id: string, o: Op = {}): Promise<Instance | null> {
    const serverId = parseId(id, 'id');
    const server = await this.#retry('servers.get', o.signal, (s) => this.#api.getServer(serverId, s));
    return server ? toInstance(server, PROVIDER_NAME) : null;
  }

  async listInstances(filter: ListFilter = {}, o: Op = {}): Promise<Instance[]> {
    const labelSelector = managedSelector(filterTags(filter, PROVIDER_NAME), 'filter.tags', PROVIDER_NAME);
    const servers = await this.#pages('servers.list', o.signal, (page, s) => this.#api.listServers({ labelSelector }, page, s));
    return servers.map((server) => toInstance(server, PROVIDER_NAME)).filter((instance) => instance.state !== 'terminated');
  }

  async terminateInstance(id: string, o: Op = {}): Promise<void> {
    const { signal } = o;
    const serverId = parseId(id, 'id');
    const actionId = await this.#retry('servers.delete', signal, (s) => this.#api.deleteServer(serverId, s));
    if (actionId === null) return;
    // Success once the server is deleting or gone, never while it still runs.
    await pollOperation(
      async (s) => {
        const server = await this.#api.getServer(serverId, s);
        if (!server || server.status === 'deleting') return true;
        return (await this.#actionDone(actionId, 'Deleting server ' + id, s)) ? true : undefined;
      },
      this.#operationOptions('delete_server', `Deleting server ${id}`, signal, { actionId }),
    );
  }

  async waitUntilReady(id: string, o: WaitOptions = {}): Promise<Instance> {
    parseId(id, 'id');
    try {
      return await this.#waiter.wait(id, o);
    } finally {
      this.#readiness.forget(id);
    }
  }

  async createSnapshot(instanceId: string, name: string, o: Op = {}): Promise<Snapshot> {
    const { signal } = o;
    const serverId = parseId(instanceId, 'instanceId');
    if (typeof name !== 'string' || name.trim() === '') {
      throw new InvalidInputError('name', 'A snapshot needs a non-empty name', { provider: PROVIDER_NAME });
    }
    throwIfAborted(signal, PROVIDER_NAME);
    // The label that ties the image to this request, so that a retry or the cleanup finds it.
    const request = { [REQUEST_LABEL]: randomBytes(8).toString('hex') };
    const labelSelector = managedSelector(request);
    const started = await createOnce<{ imageId: number; actionId: number | null }>({
      provider: PROVIDER_NAME,
      operation: 'servers.create_image',
      strategy: 'find',
      create: (s) => this.#api.createSnapshot(serverId, name, managedLabels(request, PROVIDER_NAME), s),
      // Found after an ambiguous create: its action is unknown, so the image itself is watched.
      find: async (s) => {
        const image = (await this.#api.listImages({ labelSelector, type: 'snapshot' }, 1, s)).items[0];
        return image ? { imageId: image.id, actionId: null } : null;
      },
      remove: (made) => this.#api.deleteImage(made.imageId),
      idOf: (made) => String(made.imageId),
      marker: `snapshot label ${REQUEST_LABEL}=${request[REQUEST_LABEL]}`,
      signal,
      events: this.#events,
      retry: this.#config.retry,
    });
    const { imageId, actionId } = started;
    try {
      if (actionId === null) return toSnapshot(await this.#waitForImage(imageId, signal), PROVIDER_NAME);
      await pollOperation(
        async (s) => ((await this.#actionDone(actionId, `Snapshot of server ${instanceId}`, s)) ? true : undefined),
        this.#operationOptions('create_image', `Snapshot of server ${instanceId}`, signal, { actionId }),
      );
      const image = await this.#retry('images.get', signal, (s) => this.#api.getImage(imageId, s));
      if (!image) throw new ApiError(`Snapshot ${imageId} disappeared right after it was made`, undefined, { provider: PROVIDER_NAME });
      return toSnapshot(image, PROVIDER_NAME);
    } catch (error) {
      // A snapshot that is not returned is not left behind (an abort, a failed action).
      const removed = await bestEffort(() => this.#api.deleteImage(imageId), {
        provider: PROVIDER_NAME,
        what: `removing snapshot ${imageId}`,
        events: this.#events,
        instanceId,
      });
      if (!removed.ok && isStagelyError(error)) error.details.leftBehind = [String(imageId)];
      throw signal?.aborted ? abortedError(signal, PROVIDER_NAME) : error;
    }
  }

  async listSnapshots(o: Op = {}): Promise<Snapshot[]> {
    const labelSelector = managedSelector();
    const images = await this.#pages('images.list', o.signal, (page, s) => this.#api.listImages({ labelSelector, type: 'snapshot' }, page, s));
    return images.map((image) => toSnapshot(image, PROVIDER_NAME));
  }

  async deleteSnapshot(id: string, o: Op = {}): Promise<void> {
    const imageId = parseId(id, 'id');
    await this.#retry('images.delete', o.signal, (s) => this.#api.deleteImage(imageId, s));
  }

  async listSshKeys(o: Op = {}): Promise<SshKey[]> {
    const keys = await this.#pages('ssh_keys.list', o.signal, (page, s) => this.#api.listSshKeys(page, s));
    return keys.map((key) => ({ id: String(key.id), name: key.name, fingerprint: key.fingerprint }));
  }

  // ---- internals -----------------------------------------------------------------------------

  /**
   * Everything a create resolves before its request, with read calls only (the catalogue, SSH keys):
   * validateSpec and createInstance both come here, so they cannot disagree.
   */
  async #resolveCreate(spec: InstanceSpec, signal: AbortSignal | undefined): Promise<{ request: CreateServerRequest; resolved: ResolvedSpec }> {
    throwIfAborted(signal, PROVIDER_NAME);
    const resolved = resolveInstanceSpec(spec, { region: this.#config.location, provider: PROVIDER_NAME });
    const labels = managedLabels(resolved.tags, PROVIDER_NAME);
    if (resolved.userData !== undefined && Buffer.byteLength(resolved.userData) > MAX_USER_DATA_BYTES) {
      throw new InvalidInputError('userData', `Hetzner accepts at most ${MAX_USER_DATA_BYTES} bytes of user data`, { provider: PROVIDER_NAME });
    }
    const warnings: string[] = [];
    if (resolved.spot) {
      if (this.#config.strict) {
        throw new NotSupportedError('spot', 'Hetzner Cloud offers no spot or preemptible servers', { provider: PROVIDER_NAME });
      }
      warnings.push('spot not offered by hetzner; provisioned a regular server');
    }
    const type = await this.#catalog.checkServerType(
      this.#catalog.typeFor(resolved.size, resolved.architecture),
      resolved.architecture,
      resolved.region,
      signal,
    );
    const image = await this.#catalog.resolveImage(resolved.image, resolved.architecture, signal);
    const sshKeyIds = await this.#sshKeyIds(resolved.sshKeys, signal);
    return {
      request: { name: resolved.name, serverType: type.name, location: resolved.region, image, sshKeyIds, userData: resolved.userData, labels },
      resolved: { type: type.name, region: resolved.region, architecture: type.architecture, image: String(image), spot: false, warnings },
    };
  }

  /**
   * A server create through core's createOnce: after an ambiguous failure the name is looked up
   * (Hetzner names are unique in a project), and only a server that this very request made is
   * adopted; one of that name made otherwise is a ConflictError. An abort after sending, or a failure
   * after an attempt may have acted, removes what it made.
   */
  #createServer(request: CreateServerRequest, signal: AbortSignal | undefined): Promise<CreatedServer> {
    const firstTry = Date.now();
    return createOnce<CreatedServer>({
      provider: PROVIDER_NAME,
      operation: 'servers.create',
      strategy: 'find',
      create: (s) => this.#api.createServer(request, s),
      find: async (s) => {
        const found = await this.#findServer(request.name, s);
        if (!found) return null;
        // Found after an ambiguous create: its action is unknown, so waits read the server itself.
        if (madeBy(found, request, firstTry)) return { server: found, action: null };
        throw new ConflictError(`A server named "${request.name}" already exists and was not made by this request`, {
          provider: PROVIDER_NAME,
          details: { name: request.name, existingId: String(found.id) },
        });
      },
      remove: (made) => this.#api.deleteServer(made.server.id),
      idOf: (made) => String(made.server.id),
      marker: `server named ${request.name}`,
      signal,
      events: this.#events,
      retry: this.#config.retry,
    });
  }

  /** One request, no retries of its own: it runs inside a retry loop already. */
  async #findServer(name: string, signal: AbortSignal | undefined): Promise<ServerData | null> {
    const page = await this.#api.listServers({ name }, 1, signal);
    return page.items.find((server) => server.name === name) ?? null;
  }

  async #sshKeyIds(names: readonly string[], signal: AbortSignal | undefined): Promise<number[]> {
    if (names.length === 0) return [];
    const keys = await this.#pages('ssh_keys.list', signal, (page, s) => this.#api.listSshKeys(page, s));
    return keysByName(names, keys, { provider: PROVIDER_NAME, where: 'this Hetzner project' }).map((key) => key.id);
  }

  /** Whether an action is done: true once it succeeded; its failure is an ApiError. */
  async #actionDone(actionId: number, what: string, signal: AbortSignal | undefined): Promise<boolean> {
    const action = await this.#api.getAction(actionId, signal);
    if (action.status === 'error') throw actionFailure(action, what, { provider: PROVIDER_NAME, redact: this.#redact });
    return action.status === 'success';
  }

  /** For a snapshot found after an ambiguous create: the image, once it is available. */
  #waitForImage(imageId: number, signal: AbortSignal | undefined): Promise<ImageData> {
    return pollOperation(async (s) => {
      const image = await this.#api.getImage(imageId, s);
      if (!image) throw new ApiError(`Snapshot ${imageId} disappeared while it was being made`, undefined, { provider: PROVIDER_NAME });
      return image.status === 'available' ? image : undefined;
    }, this.#operationOptions('create_image', `Snapshot ${imageId}`, signal, { imageId }));
  }

  #operationOptions(operation: string, what: string, signal: AbortSignal | undefined, details: Record<string, unknown>) {
    return {
      provider: PROVIDER_NAME,
      operation,
      what,
      intervalMs: this.#config.operationPollMs,
      timeoutMs: ACTION_TIMEOUT_MS,
      signal,
      events: this.#events,
      retry: this.#config.retry,
      details,
    };
  }

  #retry<T>(operation: string, signal: AbortSignal | undefined, call: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    return withRetry(() => call(signal), { ...this.#config.retry, signal, events: this.#events, provider: PROVIDER_NAME, operation });
  }

  /** Every page of a list, each page with its own retries. */
  #pages<T>(operation: string, signal: AbortSignal | undefined, fetchPage: (page: number | undefined, signal: AbortSignal | undefined) => Promise<HetznerPage<T>>): Promise<T[]> {
    return collectPages(fetchPage, { provider: PROVIDER_NAME, operation, signal, events: this.#events, retry: this.#config.retry });
  }
}

/** A provider from an unvalidated config (the registry does this through the plugin). */
export function createHetznerProvider(config: HetznerConfig, context: ProviderContext = {}, internals: HetznerProviderInternals = {}): HetznerProvider {
  return new HetznerProvider(parseHetznerConfig(config), context, internals);
}

function parseId(id: unknown, field: string): number {
  if (typeof id !== 'string' || !ID.test(id)) {
    throw new InvalidInputError(field, `Hetzner ids are positive integers, got ${JSON.stringify(id)}`, { provider: PROVIDER_NAME });
  }
  return Number(id);
}


/** A server this create request made: same labels, type and location, created after it began (when the answer says). */
function madeBy(server: ServerData, request: CreateServerRequest, firstTry: number): boolean {
  const location = server.location?.name ?? server.datacenter?.location.name;
  const sameLabels =
    Object.keys(server.labels).length === Object.keys(request.labels).length &&
    Object.entries(request.labels).every(([key, value]) => server.labels[key] === value);
  const created = server.created === null ? Number.NaN : Date.parse(server.created);
  const recent = Number.isNaN(created) || created >= firstTry - CLOCK_SKEW_MS;
  return sameLabels && server.server_type.name === request.serverType && location === request.location && recent;
}
