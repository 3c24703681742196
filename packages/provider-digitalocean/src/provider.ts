/**
 * DigitalOceanProvider: the CloudProvider for DigitalOcean Droplets, on dots-wrapper through
 * `sdk/adapter.ts`. Every call validates locally first (no request for bad input), then makes its
 * API requests through core's withRetry, the only retry loop (docs/architecture.md, runtime).
 *
 * DigitalOcean's specifics kept here:
 * - Droplet names are not unique, so a create is tied to its call by a marker tag, and after an
 *   ambiguous failure the marker is looked up before the create is sent again.
 * - A Droplet may answer 404 right after it was accepted (eventual consistency), and one whose
 *   placement fails answers 404 for good: inside the not-found grace it is waited for, after it
 *   the wait fails with a CapacityError naming the region.
 * - A deleted Droplet still answers for a while: this provider reports it as `terminating`.
 * - Readiness: one core waiter per provider; what its looks ask DigitalOcean (a Droplet, the managed
 *   tag's list for many, now and then the create action) is in readiness.ts.
 */
import {
  ApiError,
  bestEffort,
  CapacityError,
  collectPages,
  CONTRACT_VERSION,
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
  sleep,
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
  type RateLimitBudget,
  type RateLimiter,
  type ReadinessWaiter,
  type ReadinessWaiterOptions,
  type Redactor,
  type ResolvedSpec,
  type Scheduler,
  type Snapshot,
  type SshKey,
  type WaitOptions,
  filterTags,
  keysByName,
} from '@stagely/provider-core/provider';
import { DigitalOceanCatalog } from './catalog.js';
import { parseDigitalOceanConfig, type DigitalOceanConfig, type ResolvedDigitalOceanConfig } from './config.js';
import { toInstance, toSnapshot } from './instance.js';
import { DropletReadiness } from './readiness.js';
import { DigitalOceanApi, type CreateDropletRequest, type CreatedDroplet, type NumberedPage } from './sdk/adapter.js';
import type { ActionData, DropletData, DropletSnapshotData } from './sdk/schemas.js';
import { createTags, filterMatcher, MANAGED_TAG, requestMarker } from './tags.js';

export const PROVIDER_NAME = 'digitalocean';

export const DIGITALOCEAN_CAPABILITIES: Capabilities = Object.freeze({
  architectures: Object.freeze(['amd64'] as const),
  spot: false,
  snapshots: true,
  sshKeys: true,
});

/** Droplet and image ids are positive integers below 2^53. */
const ID = /^[1-9]\d{0,15}$/;
/** DigitalOcean refuses user data above 64 KiB. */
const MAX_USER_DATA_BYTES = 64 * 1024;
/** Snapshots of big disks take many minutes. */
const ACTION_TIMEOUT_MS = 60 * 60_000;
/** How long the cleanup of an unwanted snapshot waits for its action before saying it is left behind. */
const CLEANUP_ACTION_TIMEOUT_MS = 10 * 60_000;
/** DigitalOcean's budget: 250 requests a minute (and 5000 an hour: `digitalOceanLimiter`). */
export const DIGITALOCEAN_RATE_LIMIT: RateLimitBudget = Object.freeze({ requests: 250, windowMs: 60_000 });
const HOURLY_LIMIT: RateLimitBudget = Object.freeze({ requests: 5000, windowMs: 3_600_000 });
/** A look-up after an ambiguous snapshot accepts an action started at most this long before the first try (clock skew). */
const CLOCK_SKEW_MS = 5 * 60_000;

/** For tests and benches: how the readiness waiter is made (virtual time, counted looks); default core's. */
export interface DigitalOceanProviderHooks {
  readinessWaiter?: (options: ReadinessWaiterOptions) => ReadinessWaiter;
}

/** What a spec resolves to: the create request, and what validateSpec reports. */
interface PreparedCreate {
  request: CreateDropletRequest;
  resolved: ResolvedSpec;
}

export class DigitalOceanProvider implements CloudProvider {
  readonly contractVersion = CONTRACT_VERSION;
  readonly name = PROVIDER_NAME;
  readonly capabilities = DIGITALOCEAN_CAPABILITIES;

  readonly #config: ResolvedDigitalOceanConfig;
  readonly #events: EventSink | undefined;
  readonly #redact: Redactor;
  readonly #api: DigitalOceanApi;
  readonly #catalog: DigitalOceanCatalog;
  /** Droplets this provider created, while a 404 for them may still be eventual consistency. */
  readonly #recent = new Map<number, { droplet: DropletData; at: number }>();
  /** Droplets whose delete DigitalOcean accepted: while they still answer, they are terminating. */
  readonly #deleted = new Set<number>();
  /** What a readiness look asks DigitalOcean (readiness.ts), and the one waiter all waits share. */
  readonly #readiness: DropletReadiness;
  readonly #waiter: ReadinessWaiter;

  constructor(config: ResolvedDigitalOceanConfig, context: ProviderContext = {}, hooks: DigitalOceanProviderHooks = {}) {
    this.#config = config;
    this.#events = context.events;
    this.#redact = createRedactor([config.token]);
    this.#api = new DigitalOceanApi({
      token: config.token,
      endpoint: config.endpoint,
      timeoutMs: config.requestTimeoutMs,
      provider: PROVIDER_NAME,
      redact: this.#redact,
      events: context.events,
      limiter: config.rateLimit === false ? undefined : digitalOceanLimiter(config.rateLimit),
    });
    this.#catalog = new DigitalOceanCatalog(
      {
        // Shared by concurrent callers, so read without any one caller's signal.
        sizes: () => this.#allPages('sizes_list', undefined, (page, s) => this.#api.listSizes(page, s)),
        regions: () => this.#allPages('regions_list', undefined, (page, s) => this.#api.listRegions(page, s)),
        distributionImages: () => this.#allPages('images_list', undefined, (page, s) => this.#api.listDistributionImages(page, s)),
        image: (id, signal) => this.#retry('images_get', signal, (s) => this.#api.getImage(id, s)),
      },
      { provider: PROVIDER_NAME, sizes: config.sizes },
    );
    this.#readiness = new DropletReadiness({
      provider: PROVIDER_NAME,
      droplet: (id, op) => this.getInstance(id, op),
      managed: (op) => this.#listManaged(op.signal),
      action: (id, op) => this.#retry('actions_get', op.signal, (s) => this.#api.getAction(id, s)),
      recentActions: async (op) => (await this.#retry('actions_list', op.signal, (s) => this.#api.listActions(1, s))).items,
      maybeNotListedYet: (id) => this.#recent.has(Number(id)),
    });
    this.#waiter = (hooks.readinessWaiter ?? createReadinessWaiter)(readinessWaiterOptions(PROVIDER_NAME, this.#readiness, config, context));
  }

  async validateCredentials(o: Op = {}): Promise<void> {
    await this.#retry('account_get', o.signal, (s) => this.#api.getAccount(s));
  }

  async validateSpec(spec: InstanceSpec, o: Op = {}): Promise<ResolvedSpec> {
    return (await this.#prepare(spec, o.signal)).resolved;
  }

  async createInstance(spec: InstanceSpec, o: Op = {}): Promise<Instance> {
    const { signal } = o;
    const { request, resolved } = await this.#prepare(spec, signal);
    const { droplet, createActionId } = await this.#createDroplet(request, signal);
    // Entries past their grace are of no use any more: kept only as long as a 404 may mean "not yet".
    for (const id of this.#recent.keys()) if (this.#graceLeft(id) <= 0) this.#recent.delete(id);
    this.#recent.set(droplet.id, { droplet, at: Date.now() });
    const instance = toInstance(droplet, PROVIDER_NAME, resolved.warnings);
    this.#readiness.created(instance.id, createActionId);
    this.#waiter.created(instance);
    for (const message of resolved.warnings) emit(this.#events, { type: 'warning', provider: PROVIDER_NAME, message, instanceId: instance.id });
    return instance;
  }

  async getInstance(id: string, o: Op = {}): Promise<Instance | null> {
    const dropletId = parseId(id, 'id');
    const droplet = await this.#retry('droplets_get', o.signal, (s) => this.#api.getDroplet(dropletId, s));
    if (!droplet) {
      this.#deleted.delete(dropletId);
      return null;
    }
    // Seen once: from now on a 404 means gone, not "not yet".
    this.#recent.delete(dropletId);
    return this.#toInstance(droplet);
  }

  async listInstances(filter: ListFilter = {}, o: Op = {}): Promise<Instance[]> {
    const matches = filterMatcher(filterTags(filter, PROVIDER_NAME), PROVIDER_NAME);
    return (await this.#listManaged(o.signal)).filter((instance) => instance.state !== 'terminated' && matches(instance.tags));
  }

  async terminateInstance(id: string, o: Op = {}): Promise<void> {
    const dropletId = parseId(id, 'id');
    const { signal } = o;
    for (;;) {
      const accepted = await this.#retry('droplets_destroy', signal, (s) => this.#api.deleteDroplet(dropletId, s));
      if (accepted) {
        // DigitalOcean stops the Droplet once it accepted the delete; it still answers for a while.
        this.#deleted.add(dropletId);
        this.#recent.delete(dropletId);
        this.#readiness.forget(id);
        return;
      }
      // A 404 right after this provider's own create may be eventual consistency: the Droplet
      // exists and would be left running. Try again until the grace window is over.
      if (this.#graceLeft(dropletId) <= 0) {
        this.#recent.delete(dropletId);
        return;
      }
      await sleep(Math.min(this.#config.operationPollMs, this.#graceLeft(dropletId)), signal, PROVIDER_NAME);
    }
  }

  async waitUntilReady(id: string, o: WaitOptions = {}): Promise<Instance> {
    const dropletId = parseId(id, 'id');
    try {
      return await this.#waiter.wait(id, o);
    } catch (error) {
      // Accepted by this provider and never seen through the grace: DigitalOcean could not place it.
      const recent = this.#recent.get(dropletId);
      if (!recent || !isStagelyError(error, 'NOT_FOUND')) throw error;
      this.#recent.delete(dropletId);
      const region = recent.droplet.region.slug;
      throw new CapacityError(
        `DigitalOcean accepted Droplet ${dropletId} in ${region} but it never appeared: its placement failed. Try another region or size`,
        { provider: PROVIDER_NAME, details: { instanceId: id, region, notFoundGraceMs: this.#config.notFoundGraceMs } },
      );
    }
  }

  async createSnapshot(instanceId: string, name: string, o: Op = {}): Promise<Snapshot> {
    const { signal } = o;
    const dropletId = parseId(instanceId, 'instanceId');
    if (typeof name !== 'string' || name.trim() === '') {
      throw new InvalidInputError('name', 'A snapshot needs a non-empty name', { provider: PROVIDER_NAME });
    }
    throwIfAborted(signal, PROVIDER_NAME);
    const firstTry = Date.now();
    // The snapshot action takes no tag: a retry after an ambiguous failure adopts the snapshot action
    // on this Droplet that started after this call began.
    const action = await createOnce<ActionData>({
      provider: PROVIDER_NAME,
      operation: 'dropletActions_post',
      strategy: 'find',
      create: (s) => this.#api.snapshotDroplet(dropletId, name, s),
      find: async (s) => {
        const actions = await this.#api.listDropletActions(dropletId, 1, s);
        return actions.items.find((a) => a.type === 'snapshot' && Date.parse(a.started_at) >= firstTry - CLOCK_SKEW_MS) ?? null;
      },
      remove: (started) => this.#removeSnapshotOf(started, dropletId, name),
      idOf: (started) => `action ${started.id}`,
      marker: `snapshot "${name}" of Droplet ${instanceId}`,
      signal,
      events: this.#events,
      retry: this.#config.retry,
    });
    try {
      await this.#waitForAction(action, `Snapshot of Droplet ${instanceId}`, signal);
      const snapshot = await this.#findSnapshot(dropletId, name, signal);
      if (!snapshot) throw new ApiError(`The snapshot of Droplet ${instanceId} finished but is not listed`, undefined, { provider: PROVIDER_NAME });
      return toSnapshot(snapshot, PROVIDER_NAME, instanceId);
    } catch (error) {
      // The action runs on whatever happens to this call: a snapshot that is not returned is removed.
      await bestEffort(() => this.#removeSnapshotOf(action, dropletId, name), {
        provider: PROVIDER_NAME,
        what: `removing the snapshot "${name}" of Droplet ${instanceId}`,
        events: this.#events,
      });
      throw error;
    }
  }

  async listSnapshots(o: Op = {}): Promise<Snapshot[]> {
    const images = await this.#allPages('images_list', o.signal, (page, s) => this.#api.listSnapshots(page, s));
    return images.map((image) => toSnapshot(image, PROVIDER_NAME));
  }

  async deleteSnapshot(id: string, o: Op = {}): Promise<void> {
    const imageId = parseId(id, 'id');
    await this.#retry('images_delete', o.signal, (s) => this.#api.deleteImage(imageId, s));
  }

  async listSshKeys(o: Op = {}): Promise<SshKey[]> {
    const keys = await this.#allPages('sshKeys_list', o.signal, (page, s) => this.#api.listSshKeys(page, s));
    return keys.map((key) => ({ id: String(key.id), name: key.name, fingerprint: key.fingerprint }));
  }

  // ---- internals -----------------------------------------------------------------------------

  /**
   * Everything a create checks and resolves, with read calls only: validateSpec and createInstance
   * both run this, so both throw the same error for the same spec.
   */
  async #prepare(spec: InstanceSpec, signal: AbortSignal | undefined): Promise<PreparedCreate> {
    throwIfAborted(signal, PROVIDER_NAME);
    const resolved = resolveInstanceSpec(spec, { region: this.#config.region, provider: PROVIDER_NAME });
    const tags = createTags(resolved.tags, requestMarker(), PROVIDER_NAME);
    if (resolved.userData !== undefined && Buffer.byteLength(resolved.userData) > MAX_USER_DATA_BYTES) {
      throw new InvalidInputError('userData', `DigitalOcean accepts at most ${MAX_USER_DATA_BYTES} bytes (64 KiB) of user data`, { provider: PROVIDER_NAME });
    }
    const warnings: string[] = [];
    if (resolved.architecture === 'arm64') {
      if (this.#config.strict) throw new NotSupportedError('arm64', 'DigitalOcean offers amd64 Droplets only', { provider: PROVIDER_NAME });
      warnings.push('arm64 not offered by digitalocean; provisioned amd64');
    }
    if (resolved.spot) {
      if (this.#config.strict) throw new NotSupportedError('spot', 'DigitalOcean offers no spot or preemptible Droplets', { provider: PROVIDER_NAME });
      warnings.push('spot not offered by digitalocean; provisioned a regular Droplet');
    }
    const region = await this.#catalog.checkRegion(resolved.region, signal);
    const size = await this.#catalog.checkSize(this.#catalog.typeFor(resolved.size), region, signal);
    const image = await this.#catalog.resolveImage(resolved.image, region.slug, signal);
    const sshKeyIds = await this.#sshKeyIds(resolved.sshKeys, signal);
    return {
      request: { name: resolved.name, size: size.slug, region: region.slug, image, sshKeyIds, userData: resolved.userData, tags },
      resolved: { type: size.slug, region: region.slug, architecture: 'amd64', image: String(image), spot: false, warnings },
    };
  }

  /**
   * A Droplet create that happens once: tied to this call by its marker tag, looked up by it after an
   * ambiguous failure before the create is sent again, and removed by it when the call is aborted
   * after sending or fails ambiguously to the last (core's createOnce).
   */
  #createDroplet(request: CreateDropletRequest, signal: AbortSignal | undefined): Promise<CreatedDroplet> {
    const marker = request.tags.at(-1)!;
    return createOnce<CreatedDroplet>({
      provider: PROVIDER_NAME,
      operation: 'droplets_create',
      strategy: 'find',
      create: (s) => this.#api.createDroplet(request, s),
      // A Droplet found by its marker comes without its create action: its wait does without it.
      find: async (s) => {
        const droplet = (await this.#api.listDroplets({ tagName: marker }, 1, s)).items[0];
        return droplet ? { droplet, createActionId: undefined } : null;
      },
      // Recorded like terminateInstance's deletes: a Droplet still answering after DELETE is terminating.
      remove: async ({ droplet }) => {
        if (await this.#api.deleteDroplet(droplet.id)) this.#deleted.add(droplet.id);
      },
      idOf: ({ droplet }) => String(droplet.id),
      marker: `tag ${marker}`,
      signal,
      events: this.#events,
      retry: this.#config.retry,
    });
  }

  /** Every managed Droplet (`?tag_name=`, 200 a page), terminated ones included. */
  async #listManaged(signal: AbortSignal | undefined): Promise<Instance[]> {
    const droplets = await this.#allPages('droplets_list', signal, (page, s) => this.#api.listDroplets({ tagName: MANAGED_TAG }, page, s));
    // A deleted Droplet that no longer answers is gone: nothing to remember about it.
    const answering = new Set(droplets.map((d) => d.id));
    for (const id of this.#deleted) if (!answering.has(id)) this.#deleted.delete(id);
    // Seen once: from now on missing means gone, not "not yet".
    for (const id of answering) this.#recent.delete(id);
    return droplets.map((droplet) => this.#toInstance(droplet));
  }

  #graceLeft(dropletId: number): number {
    const recent = this.#recent.get(dropletId);
    return recent ? recent.at + this.#config.notFoundGraceMs - Date.now() : 0;
  }

  #toInstance(droplet: DropletData): Instance {
    const instance = toInstance(droplet, PROVIDER_NAME);
    if (this.#deleted.has(droplet.id) && instance.state !== 'terminated') return { ...instance, state: 'terminating' };
    return instance;
  }

  async #sshKeyIds(names: readonly string[], signal: AbortSignal | undefined): Promise<number[]> {
    if (names.length === 0) return [];
    const keys = await this.#allPages('sshKeys_list', signal, (page, s) => this.#api.listSshKeys(page, s));
    return keysByName(names, keys, { provider: PROVIDER_NAME, where: 'this DigitalOcean account' }).map((key) => key.id);
  }

  /** Polls an action until it completed (core's pollOperation); `errored` is an ApiError. */
  async #waitForAction(action: ActionData, what: string, signal: AbortSignal | undefined, timeoutMs = ACTION_TIMEOUT_MS): Promise<ActionData> {
    let current: ActionData | undefined = action;
    return pollOperation(
      async (s) => {
        current ??= await this.#api.getAction(action.id, s);
        const seen: ActionData = current;
        current = undefined;
        if (seen.status === 'errored') {
          throw new ApiError(`${what} failed (action ${seen.id})`, undefined, { provider: PROVIDER_NAME, details: { actionId: seen.id, type: seen.type } });
        }
        return seen.status === 'completed' ? seen : undefined;
      },
      {
        provider: PROVIDER_NAME,
        operation: action.type,
        what,
        intervalMs: this.#config.operationPollMs,
        timeoutMs,
        signal,
        events: this.#events,
        retry: this.#config.retry,
        details: { actionId: action.id },
      },
    );
  }

  /** The Droplet's newest snapshot named `name`, once its action is done. */
  async #findSnapshot(dropletId: number, name: string, signal: AbortSignal | undefined): Promise<DropletSnapshotData | undefined> {
    const made = await this.#allPages('droplets_list_snapshots', signal, (page, s) => this.#api.listDropletSnapshots(dropletId, page, s));
    return made.filter((s) => s.name === name).sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at))[0];
  }

  /** Cleanup of a snapshot this call started but does not return: waits for its action, then deletes it. */
  async #removeSnapshotOf(action: ActionData, dropletId: number, name: string): Promise<void> {
    const done = await this.#waitForAction(action, `Snapshot ${name} (cleanup)`, undefined, CLEANUP_ACTION_TIMEOUT_MS).catch((error: unknown) => {
      // An action that errored made nothing to remove.
      if (error instanceof ApiError && error.details.actionId !== undefined) return undefined;
      throw error;
    });
    if (!done) return;
    const snapshot = await this.#findSnapshot(dropletId, name, undefined);
    if (snapshot) await this.#api.deleteImage(snapshot.id);
  }

  #retry<T>(operation: string, signal: AbortSignal | undefined, call: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    return withRetry(() => call(signal), { ...this.#config.retry, signal, events: this.#events, provider: PROVIDER_NAME, operation });
  }

  /** Every page of a list (core's collectPages), each page with its own retries. */
  #allPages<T>(operation: string, signal: AbortSignal | undefined, fetchPage: (page: number, signal: AbortSignal | undefined) => Promise<NumberedPage<T>>): Promise<T[]> {
    return collectPages<T, number>((page, s) => fetchPage(page ?? 1, s), { provider: PROVIDER_NAME, operation, signal, events: this.#events, retry: this.#config.retry });
  }
}

/**
 * The client-side limiter: DigitalOcean's published budget, 250 requests in any minute and 5000 in
 * any hour, counted as it counts them, over sliding windows; or the config's `rateLimit` instead (one
 * window). Its answers' `ratelimit-reset` is when the oldest counted request expires (a sliding
 * hour), not when a refilled budget is full, and `ratelimit-limit` is the hour's: read as a refill
 * schedule they would slow every caller to a crawl after a few hundred requests, so the limiter
 * learns only how many requests are left.
 */
export function digitalOceanLimiter(budget?: RateLimitBudget, scheduler?: Scheduler): RateLimiter {
  const windows = budget ? [budget] : [DIGITALOCEAN_RATE_LIMIT, HOURLY_LIMIT];
  return createRateLimiter({ provider: PROVIDER_NAME, budget: budget ?? DIGITALOCEAN_RATE_LIMIT, windows, learn: 'remaining', scheduler });
}

/** A provider from an unvalidated config (the registry does this through the plugin). */
export function createDigitalOceanProvider(config: DigitalOceanConfig, context: ProviderContext = {}, hooks: DigitalOceanProviderHooks = {}): DigitalOceanProvider {
  return new DigitalOceanProvider(parseDigitalOceanConfig(config), context, hooks);
}

function parseId(id: unknown, field: string): number {
  if (typeof id !== 'string' || !ID.test(id)) {
    throw new InvalidInputError(field, `DigitalOcean ids are positive integers, got ${JSON.stringify(id)}`, { provider: PROVIDER_NAME });
  }
  return Number(id);
}

