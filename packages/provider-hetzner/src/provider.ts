/**
 * HetznerProvider: the CloudProvider for Hetzner Cloud (docs/architecture.md), on hcloud-js through
 * `sdk/adapter.ts`. Every call validates locally first (no request for bad input), then makes its
 * API requests through core's withRetry, the only retry loop.
 */
import {
  abortedError,
  ApiError,
  backoffSchedule,
  CONTRACT_VERSION,
  ConflictError,
  createRedactor,
  emit,
  InvalidInputError,
  isStagelyError,
  NotSupportedError,
  pollUntilReady,
  resolveInstanceSpec,
  sleep,
  throwIfAborted,
  TimeoutError,
  withRetry,
  type Capabilities,
  type CloudProvider,
  type EventSink,
  type Instance,
  type InstanceSpec,
  type ListFilter,
  type Op,
  type ProviderContext,
  type Redactor,
  type ResolvedSpec,
  type RetryPolicy,
  type Snapshot,
  type SshKey,
  type StagelyError,
  type WaitOptions,
} from '@stagely/provider-core/provider';
import { randomBytes } from 'node:crypto';
import { HetznerCatalog } from './catalog.js';
import { parseHetznerConfig, type HetznerConfig, type ResolvedHetznerConfig } from './config.js';
import { toInstance, toSnapshot } from './instance.js';
import { managedLabels, managedSelector } from './labels.js';
import { HetznerApi, type CreateServerRequest, type Page } from './sdk/adapter.js';
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

export class HetznerProvider implements CloudProvider {
  readonly contractVersion = CONTRACT_VERSION;
  readonly name = PROVIDER_NAME;
  readonly capabilities = HETZNER_CAPABILITIES;

  readonly #config: ResolvedHetznerConfig;
  readonly #events: EventSink | undefined;
  readonly #redact: Redactor;
  readonly #api: HetznerApi;
  readonly #catalog: HetznerCatalog;

  constructor(config: ResolvedHetznerConfig, context: ProviderContext = {}) {
    this.#config = config;
    this.#events = context.events;
    this.#redact = createRedactor([config.token]);
    this.#api = new HetznerApi({
      token: config.token,
      endpoint: config.endpoint,
      timeoutMs: config.requestTimeoutMs,
      provider: PROVIDER_NAME,
      redact: this.#redact,
      events: context.events,
    });
    this.#catalog = new HetznerCatalog(
      {
        // Shared by concurrent callers, so read without any one caller's signal.
        serverTypes: () => this.#allPages('server_types.list', undefined, (page, s) => this.#api.listServerTypes(page, s)),
        locations: () => this.#allPages('locations.list', undefined, (page, s) => this.#api.listLocations(page, s)),
        systemImages: (arch) => this.#allPages('images.list', undefined, (page, s) => this.#api.listSystemImages(arch, page, s)),
        image: (id, signal) => this.#retry('images.get', signal, (s) => this.#api.getImage(id, s)),
      },
      { provider: PROVIDER_NAME, sizes: config.sizes },
    );
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
    const server = await this.#createServer(request, signal);
    const instance = toInstance(server, PROVIDER_NAME, resolved.warnings);
    for (const message of resolved.warnings) emit(this.#events, { type: 'warning', provider: PROVIDER_NAME, message, instanceId: instance.id });
    return instance;
  }

  async getInstance(id: string, o: Op = {}): Promise<Instance | null> {
    const serverId = parseId(id, 'id');
    const server = await this.#retry('servers.get', o.signal, (s) => this.#api.getServer(serverId, s));
    return server ? toInstance(server, PROVIDER_NAME) : null;
  }

  async listInstances(filter: ListFilter = {}, o: Op = {}): Promise<Instance[]> {
    const labelSelector = managedSelector(filterTags(filter), 'filter.tags', PROVIDER_NAME);
    const servers = await this.#allPages('servers.list', o.signal, (page, s) => this.#api.listServers({ labelSelector }, page, s));
    return servers.map((server) => toInstance(server, PROVIDER_NAME)).filter((instance) => instance.state !== 'terminated');
  }

  async terminateInstance(id: string, o: Op = {}): Promise<void> {
    const serverId = parseId(id, 'id');
    const actionId = await this.#retry('servers.delete', o.signal, (s) => this.#api.deleteServer(serverId, s));
    // Success only once the server is gone, never while it still runs.
    if (actionId !== null) await this.#waitForAction(actionId, 'delete_server', 'Deleting server ' + id, o.signal);
  }

  waitUntilReady(id: string, o: WaitOptions = {}): Promise<Instance> {
    parseId(id, 'id');
    return pollUntilReady((instanceId, op) => this.getInstance(instanceId, op), id, {
      provider: PROVIDER_NAME,
      events: this.#events,
      schedule: backoffSchedule(this.#config.readinessPoll ?? {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
    });
  }

  async createSnapshot(instanceId: string, name: string, o: Op = {}): Promise<Snapshot> {
    const { signal } = o;
    const serverId = parseId(instanceId, 'instanceId');
    if (typeof name !== 'string' || name.trim() === '') {
      throw new InvalidInputError('name', 'A snapshot needs a non-empty name', { provider: PROVIDER_NAME });
    }
    throwIfAborted(signal, PROVIDER_NAME);
    const request = { [REQUEST_LABEL]: randomBytes(8).toString('hex') };
    const labels = managedLabels(request, PROVIDER_NAME);
    const labelSelector = managedSelector(request);
    let imageId: number | undefined;
    let sent = false;
    try {
      const started = await this.#createOnce<{ imageId: number; actionId: number | null }>(
        'servers.create_image',
        signal,
        async () => {
          sent = true;
          const created = await this.#api.createSnapshot(serverId, name, labels, signal);
          return { imageId: created.image.id, actionId: created.action.id };
        },
        async () => {
          const earlier = await this.#api.listImages({ labelSelector, type: 'snapshot' }, 1, signal);
          const image = earlier.items[0];
          return image ? { imageId: image.id, actionId: null } : null;
        },
      );
      imageId = started.imageId;
      // Found after an ambiguous create: its action is unknown, so the image itself is watched.
      if (started.actionId === null) return toSnapshot(await this.#waitForImage(imageId, signal), PROVIDER_NAME);
      await this.#waitForAction(started.actionId, 'create_image', `Snapshot of server ${instanceId}`, signal);
      const image = await this.#retry('images.get', signal, (s) => this.#api.getImage(started.imageId, s));
      if (!image) throw new ApiError(`Snapshot ${started.imageId} disappeared right after it was made`, undefined, { provider: PROVIDER_NAME });
      return toSnapshot(image, PROVIDER_NAME);
    } catch (error) {
      // A snapshot that is not returned is not left behind (an abort, a failed action). When the
      // request was sent but its answer never came (aborted, or ambiguous to the last), the image
      // is found by this request's label.
      const unanswered = imageId === undefined && sent && (signal?.aborted === true || isAmbiguous(error));
      if (imageId !== undefined || unanswered) {
        await this.#bestEffort(async () => {
          const id = imageId ?? (await this.#api.listImages({ labelSelector, type: 'snapshot' }, 1, undefined)).items[0]?.id;
          if (id !== undefined) await this.#api.deleteImage(id);
        });
      }
      throw imageId === undefined && sent && signal?.aborted ? abortedError(signal, PROVIDER_NAME) : error;
    }
  }

  async listSnapshots(o: Op = {}): Promise<Snapshot[]> {
    const labelSelector = managedSelector();
    const images = await this.#allPages('images.list', o.signal, (page, s) => this.#api.listImages({ labelSelector, type: 'snapshot' }, page, s));
    return images.map((image) => toSnapshot(image, PROVIDER_NAME));
  }

  async deleteSnapshot(id: string, o: Op = {}): Promise<void> {
    const imageId = parseId(id, 'id');
    await this.#retry('images.delete', o.signal, (s) => this.#api.deleteImage(imageId, s));
  }

  async listSshKeys(o: Op = {}): Promise<SshKey[]> {
    const keys = await this.#allPages('ssh_keys.list', o.signal, (page, s) => this.#api.listSshKeys(page, s));
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
   * A create that never makes two of a thing: after an ambiguous failure (timeout, reset, 5xx, an
   * answer the SDK could not read) the request may have gone through, so each next attempt first
   * asks `findEarlier` for what this very request made and adopts it. A CONFLICT after an ambiguous
   * failure may be that earlier attempt's own doing, so it is looked up too.
   */
  #createOnce<T>(operation: string, signal: AbortSignal | undefined, create: () => Promise<T>, findEarlier: () => Promise<T | null>): Promise<T> {
    let ambiguous = false;
    return withRetry(
      async () => {
        if (ambiguous) {
          const earlier = await findEarlier();
          if (earlier) return earlier;
        }
        try {
          return await create();
        } catch (error) {
          ambiguous ||= isAmbiguous(error);
          if (ambiguous && isStagelyError(error, 'CONFLICT')) {
            const earlier = await findEarlier();
            if (earlier) return earlier;
          }
          throw error;
        }
      },
      this.#policy(operation, signal, { isRetryable: (e) => isRetryable(e) || (ambiguous && isAmbiguous(e)) }),
    );
  }

  /**
   * A server create through #createOnce: the name is looked up, and only a server that this very
   * request made is adopted. An abort after the request was sent, or a last attempt that failed
   * ambiguously, removes what it may have created.
   */
  async #createServer(request: CreateServerRequest, signal: AbortSignal | undefined): Promise<ServerData> {
    const firstTry = Date.now();
    let sent = false;
    const adopt = async (): Promise<ServerData | null> => {
      const found = await this.#findServer(request.name, signal);
      if (!found) return null;
      if (madeBy(found, request, firstTry)) return found;
      throw new ConflictError(`A server named "${request.name}" already exists and was not made by this request`, {
        provider: PROVIDER_NAME,
        details: { name: request.name, existingId: String(found.id) },
      });
    };
    const create = () => {
      sent = true;
      return this.#api.createServer(request, signal);
    };
    try {
      return await this.#createOnce('servers.create', signal, create, adopt);
    } catch (error) {
      // Aborted after sending, or out of retries after an ambiguous failure: the server may exist
      // although the caller gets no id for it, so remove it (best effort) rather than leak it.
      const aborted = signal?.aborted === true;
      if (sent && (aborted || isAmbiguous(error))) {
        await this.#bestEffort(async () => {
          const found = await this.#findServer(request.name, undefined);
          if (found && madeBy(found, request, firstTry)) await this.#api.deleteServer(found.id);
        });
      }
      throw aborted && sent ? abortedError(signal, PROVIDER_NAME) : error;
    }
  }

  /** One request, no retries of its own: it runs inside a retry loop already. */
  async #findServer(name: string, signal: AbortSignal | undefined): Promise<ServerData | null> {
    const page = await this.#api.listServers({ name }, 1, signal);
    return page.items.find((server) => server.name === name) ?? null;
  }

  async #sshKeyIds(names: readonly string[], signal: AbortSignal | undefined): Promise<number[]> {
    if (names.length === 0) return [];
    const keys = await this.#allPages('ssh_keys.list', signal, (page, s) => this.#api.listSshKeys(page, s));
    return names.map((name, index) => {
      const key = keys.find((k) => k.name === name);
      if (key) return key.id;
      const known = keys.map((k) => k.name).sort();
      throw new InvalidInputError(
        `sshKeys[${index}]`,
        `No SSH key named "${name}" in this Hetzner project. Keys: ${known.length > 0 ? known.join(', ') : 'none'}`,
        { provider: PROVIDER_NAME, details: { alternatives: known } },
      );
    });
  }

  /** Polls an action (`command`, e.g. `delete_server`) until it succeeds; its failure is an ApiError. */
  async #waitForAction(actionId: number, command: string, what: string, signal: AbortSignal | undefined): Promise<void> {
    await this.#pollUntil(command, what, signal, async () => {
      const action = await this.#retry('actions.get', signal, (s) => this.#api.getAction(actionId, s));
      if (action.status === 'error') {
        const reason = action.error ? `${this.#redact(action.error.message)} (${action.error.code})` : 'no reason given';
        throw new ApiError(`${what} failed: ${reason}`, undefined, { provider: PROVIDER_NAME, details: { actionId, command: action.command } });
      }
      return action.status === 'success' ? true : undefined;
    });
  }

  /** For a snapshot found after an ambiguous create: the image, once it is available. */
  #waitForImage(imageId: number, signal: AbortSignal | undefined): Promise<ImageData> {
    return this.#pollUntil('create_image', `Snapshot ${imageId}`, signal, async () => {
      const image = await this.#retry('images.get', signal, (s) => this.#api.getImage(imageId, s));
      if (!image) throw new ApiError(`Snapshot ${imageId} disappeared while it was being made`, undefined, { provider: PROVIDER_NAME });
      return image.status === 'available' ? image : undefined;
    });
  }

  /**
   * Calls `look` every `actionPollMs` until it gives a result; past ACTION_TIMEOUT_MS, a TimeoutError
   * for `operation` (the Hetzner action's command).
   */
  async #pollUntil<T>(operation: string, what: string, signal: AbortSignal | undefined, look: () => Promise<T | undefined>): Promise<T> {
    const started = Date.now();
    for (;;) {
      const result = await look();
      if (result !== undefined) return result;
      const elapsedMs = Date.now() - started;
      if (elapsedMs > ACTION_TIMEOUT_MS) {
        throw new TimeoutError(operation, elapsedMs, `${what} did not finish within ${ACTION_TIMEOUT_MS} ms`, { provider: PROVIDER_NAME });
      }
      await sleep(this.#config.actionPollMs, signal, PROVIDER_NAME);
    }
  }

  #policy(operation: string, signal: AbortSignal | undefined, extra: Partial<RetryPolicy> = {}): RetryPolicy {
    return { ...this.#config.retry, ...extra, signal, events: this.#events, provider: PROVIDER_NAME, operation };
  }

  #retry<T>(operation: string, signal: AbortSignal | undefined, call: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    return withRetry(() => call(signal), this.#policy(operation, signal));
  }

  /** Every page of a list, each page with its own retries. */
  async #allPages<T>(operation: string, signal: AbortSignal | undefined, fetchPage: (page: number, signal: AbortSignal | undefined) => Promise<Page<T>>): Promise<T[]> {
    const items: T[] = [];
    for (let page: number | null = 1; page !== null; ) {
      const current: number = page;
      const result = await this.#retry(operation, signal, (s) => fetchPage(current, s));
      items.push(...result.items);
      page = result.nextPage !== null && result.nextPage > current ? result.nextPage : null;
    }
    return items;
  }

  /** Cleanup that must not hide the error that caused it. */
  async #bestEffort(cleanup: () => Promise<unknown>): Promise<void> {
    try {
      await withRetry(cleanup, { ...this.#config.retry, provider: PROVIDER_NAME, operation: 'cleanup' });
    } catch (error) {
      emit(this.#events, {
        type: 'warning',
        provider: PROVIDER_NAME,
        message: `Cleanup after a failed call did not complete: ${isStagelyError(error) ? error.message : String(error)}`,
      });
    }
  }
}

/** A provider from an unvalidated config (the registry does this through the plugin). */
export function createHetznerProvider(config: HetznerConfig, context: ProviderContext = {}): HetznerProvider {
  return new HetznerProvider(parseHetznerConfig(config), context);
}

function parseId(id: unknown, field: string): number {
  if (typeof id !== 'string' || !ID.test(id)) {
    throw new InvalidInputError(field, `Hetzner ids are positive integers, got ${JSON.stringify(id)}`, { provider: PROVIDER_NAME });
  }
  return Number(id);
}

function filterTags(filter: ListFilter): Record<string, string> {
  const tags: unknown = filter?.tags;
  if (tags === undefined) return {};
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) {
    throw new InvalidInputError('filter.tags', 'filter.tags must map tag keys to values', { provider: PROVIDER_NAME });
  }
  return tags as Record<string, string>;
}

/** A server this create request made: same labels, type and location, created after it began. */
function madeBy(server: ServerData, request: CreateServerRequest, firstTry: number): boolean {
  const location = server.location?.name ?? server.datacenter?.location.name;
  const sameLabels =
    Object.keys(server.labels).length === Object.keys(request.labels).length &&
    Object.entries(request.labels).every(([key, value]) => server.labels[key] === value);
  return sameLabels && server.server_type.name === request.serverType && location === request.location && Date.parse(server.created) >= firstTry - CLOCK_SKEW_MS;
}

function isRetryable(error: unknown): boolean {
  return isStagelyError(error) && error.retryable;
}

/** A failure after which the request may or may not have been carried out. */
function isAmbiguous(error: unknown): boolean {
  if (!isStagelyError(error)) return false;
  if (error.code === 'NETWORK' || error.code === 'TIMEOUT') return true;
  if (error.code !== 'API') return false;
  const status = (error as StagelyError).details.status;
  return status === undefined || status === null || (typeof status === 'number' && status >= 500);
}
