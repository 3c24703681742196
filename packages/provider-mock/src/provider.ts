/**
 * MockProvider: the reference CloudProvider. It keeps every rule of the contract, the errors and the
 * mechanics (docs/architecture.md) against a simulated cloud (cloud.ts) held in memory or in a state
 * file, so that real providers can be compared with it and tests can run without a cloud.
 *
 * Shape of every call, as a real provider would do it: validate locally (no request for bad
 * input), then one or more simulated API requests, each through core's `withRetry`. A request
 * checks the signal, waits `latencyMs` (abortably), and only then reaches the cloud, so a failed
 * or aborted request changes nothing. Creates and snapshots carry an idempotency token, so a
 * retry after a lost answer returns what the first attempt made.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  collectPages,
  createOnce,
  createRateLimiter,
  createReadinessWaiter,
  readinessWaiterOptions,
  createRedactor,
  emit,
  InvalidInputError,
  isStagelyError,
  MANAGED_BY_TAG,
  MANAGED_BY_VALUE,
  NotSupportedError,
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
  type ProbeAnswer,
  type RateLimiter,
  type ReadinessWaiter,
  type Redactor,
  type ResolvedSpec,
  type Snapshot,
  type SshKey,
  type WaitOptions,
  filterTags,
} from '@stagely/provider-core/provider';
import type { BackendInstance } from '@stagely/provider-core/conformance';
import { paginateToken, type TokenPage } from '@stagely/provider-core/testing';
import type { Operation } from './api.js';
import { Catalog } from './catalog.js';
import { checkId, checkSnapshotName, checkTags, checkUserData, INSTANCE_ID, SNAPSHOT_ID } from './checks.js';
import { MockCloud, type CreateRequest } from './cloud.js';
import { parseMockConfig, type MockConfig, type ResolvedMockConfig } from './config.js';
import { statusOf, type Fault, type LosableOperation, type LostAnswer } from './faults.js';
import type { RequestBudget } from './request-budget.js';
import { emptyState, type MockState, type StoredInstance, type StoredSnapshot } from './state.js';
import { createStore } from './store.js';
import { instanceView, isVisible, phaseAt, snapshotView } from './views.js';

export const PROVIDER_NAME = 'mock';
export { INVALID_TOKEN } from './cloud.js';

const p = { provider: PROVIDER_NAME } as const;

/**
 * The client-side limiter's budget unless the config sets `rateLimit`: the simulated API has no limit
 * of its own (a test sets one with `rateLimit()`, and the limiter learns it from the answers' headers).
 */
export const DEFAULT_CLIENT_BUDGET: RateLimitBudget = { requests: 10_000, windowMs: 1_000 };

export class MockProvider implements CloudProvider {
  readonly contractVersion = 1 as const;
  readonly name = PROVIDER_NAME;
  readonly capabilities: Capabilities;
  /** Simulated API requests made, by the provider method that made them (retries and pages count). */
  readonly callCounts: Record<string, number> = {};

  // Private fields: the config holds the token, which must never show up when a provider is logged.
  readonly #config: ResolvedMockConfig;
  readonly #events: EventSink | undefined;
  readonly #cloud: MockCloud;
  readonly #catalog: Catalog;
  readonly #sshKeys: SshKey[];
  readonly #redact: Redactor;
  readonly #limiter: RateLimiter | undefined;
  /** One per provider, so that overlapping waits share one listing a round. */
  readonly #waiter: ReadinessWaiter;

  constructor(config: MockConfig = {}, context: ProviderContext = {}) {
    this.#config = parseMockConfig(config);
    this.#events = context.events;
    const { offer } = this.#config;
    this.capabilities = Object.freeze({
      architectures: offer.arm64 ? (['amd64', 'arm64'] as const) : (['amd64'] as const),
      spot: offer.spot,
      snapshots: offer.snapshots,
      sshKeys: offer.sshKeys,
    });
    this.#catalog = new Catalog({ sizes: this.#config.sizes, architectures: this.capabilities.architectures });
    this.#cloud = new MockCloud(createStore(this.#config.stateFile), this.#catalog);
    this.#redact = createRedactor([this.#config.token]);
    const { rateLimit } = this.#config;
    this.#limiter = rateLimit === false ? undefined : createRateLimiter({ provider: PROVIDER_NAME, budget: rateLimit ?? DEFAULT_CLIENT_BUDGET });
    this.#sshKeys = [{ name: 'default' }, ...this.#config.sshKeys].map((key, index) => ({
      id: `mock-key-${index + 1}`,
      name: key.name,
      fingerprint: key.fingerprint ?? fingerprintOf(key.name),
    }));
    const source = { probe: (id: string, op: Op) => this.getInstance(id, op), probeMany: (ids: readonly string[], op: Op) => this.#probeMany(ids, op) };
    this.#waiter = createReadinessWaiter(readinessWaiterOptions(PROVIDER_NAME, source, this.#config, context));
  }

  // ---------------------------------------------------------------- contract

  validateCredentials(o?: Op): Promise<void> {
    return this.#guard(async () => {
      await this.#call('validateCredentials', 'account.get', o, () => undefined);
    });
  }

  validateSpec(spec: InstanceSpec, o?: Op): Promise<ResolvedSpec> {
    return this.#guard(async () => {
      throwIfAborted(o?.signal, PROVIDER_NAME);
      const request = this.#createRequest(spec);
      // The one check that needs the cloud's state: a snapshot image must exist (a read request).
      const image = 'snapshot' in request.image
        ? await this.#call('validateSpec', 'images.get', o, () => this.#cloud.store.read((state) => this.#cloud.imageFor(state, request)))
        : this.#cloud.imageFor(emptyState(), request);
      const { type, region, architecture, spot, warnings } = request;
      return { type, region, architecture, image, spot, warnings: [...warnings] };
    });
  }

  createInstance(spec: InstanceSpec, o?: Op): Promise<Instance> {
    return this.#guard(async () => {
      throwIfAborted(o?.signal, PROVIDER_NAME);
      const clientToken = randomUUID();
      const request = { ...this.#createRequest(spec), clientToken };
      const timings = { bootDelayMs: this.#config.bootDelayMs, ipDelayMs: this.#config.ipDelayMs };
      const made = (state: Readonly<MockState>) => state.instances.find((i) => i.clientToken === clientToken) ?? null;
      // The API dedupes on the token, so a retry after a lost answer returns what the first attempt made.
      const stored = await createOnce<StoredInstance>({
        ...this.#onceOptions('createInstance', 'instances.create', o, clientToken),
        create: (signal) => this.#request('createInstance', 'instances.create', signal, () =>
          this.#cloud.store.update((state) => this.#cloud.insert(state, request, timings)),
        ),
        find: (signal) => this.#request('createInstance', 'instances.list', signal, () => this.#cloud.store.read(made)),
        remove: (instance) => this.#request('createInstance', 'instances.delete', undefined, () =>
          this.#cloud.store.update((state) => this.#cloud.terminate(state, instance.id, this.#config.terminateDelayMs)),
        ),
      });
      for (const message of stored.warnings) {
        emit(this.#events, { type: 'warning', provider: PROVIDER_NAME, message, instanceId: stored.id });
      }
      // As the create answered it, whatever time the answer took to get here (a 20 ms boot may be over by now).
      const instance = instanceView(stored, stored.createdAt);
      this.#waiter.created(instance);
      return instance;
    });
  }

  getInstance(id: string, o?: Op): Promise<Instance | null> {
    return this.#guard(async () => {
      checkId(id, INSTANCE_ID, 'id');
      const stored = await this.#call('getInstance', 'instances.get', o, () =>
        this.#cloud.store.read((state) => state.instances.find((i) => i.id === id) ?? null),
      );
      const now = Date.now();
      return stored && isVisible(stored, now) ? instanceView(stored, now) : null;
    });
  }

  listInstances(filter?: ListFilter, o?: Op): Promise<Instance[]> {
    return this.#guard(async () => {
      const wanted = filterTags(filter, PROVIDER_NAME);
      // The list API serves every page of one listing from the state as its first page found it (a
      // snapshot cursor): the state is read once per listing, and creates or deletes between pages do no harm.
      let snapshot: readonly StoredInstance[] | undefined;
      const found = await collectPages<StoredInstance, string>(
        async (token, signal) => {
          const page: TokenPage<StoredInstance> = await this.#request('listInstances', 'instances.list', signal, () => {
            snapshot ??= this.#cloud.store.read((state) => state.instances);
            return paginateToken(snapshot, { token, maxResults: this.#config.pageSize });
          });
          return { items: page.items, next: page.nextToken };
        },
        { provider: PROVIDER_NAME, operation: 'instances.list', signal: o?.signal, events: this.#events, retry: this.#config.retry },
      );
      const now = Date.now();
      const instances: Instance[] = [];
      for (const stored of found) {
        if (stored.tags[MANAGED_BY_TAG] !== MANAGED_BY_VALUE || !isVisible(stored, now)) continue;
        if (!Object.entries(wanted).every(([key, value]) => stored.tags[key] === value)) continue;
        const instance = instanceView(stored, now);
        if (instance.state !== 'terminated') instances.push(instance);
      }
      return instances;
    });
  }

  terminateInstance(id: string, o?: Op): Promise<void> {
    return this.#guard(async () => {
      checkId(id, INSTANCE_ID, 'id');
      const delay = this.#config.terminateDelayMs;
      const accepted = await this.#call('terminateInstance', 'instances.delete', o, () =>
        this.#cloud.store.update((state) => this.#cloud.terminate(state, id, delay)),
      );
      if (accepted) {
        const state = delay > 0 ? 'terminating' : 'terminated';
        emit(this.#events, { type: 'state', provider: PROVIDER_NAME, instanceId: id, state, providerState: state });
      }
    });
  }

  waitUntilReady(id: string, o?: WaitOptions): Promise<Instance> {
    return this.#guard(async () => {
      checkId(id, INSTANCE_ID, 'id');
      return this.#waiter.wait(id, o);
    });
  }

  createSnapshot(instanceId: string, name: string, o?: Op): Promise<Snapshot> {
    return this.#guard(async () => {
      this.#requireSnapshots();
      checkId(instanceId, INSTANCE_ID, 'instanceId');
      checkSnapshotName(name);
      const clientToken = randomUUID();
      const made = (state: Readonly<MockState>) => state.snapshots.find((s) => s.clientToken === clientToken) ?? null;
      const stored = await createOnce<StoredSnapshot>({
        ...this.#onceOptions('createSnapshot', 'snapshots.create', o, clientToken),
        create: (signal) => this.#request('createSnapshot', 'snapshots.create', signal, () =>
          this.#cloud.store.update((state) => this.#cloud.snapshot(state, instanceId, name, clientToken)),
        ),
        find: (signal) => this.#request('createSnapshot', 'snapshots.list', signal, () => this.#cloud.store.read(made)),
        remove: (snapshot) => this.#request('createSnapshot', 'snapshots.delete', undefined, () =>
          this.#cloud.store.update((state) => void (state.snapshots = state.snapshots.filter((s) => s.id !== snapshot.id))),
        ),
      });
      return snapshotView(stored);
    });
  }

  listSnapshots(o?: Op): Promise<Snapshot[]> {
    return this.#guard(async () => {
      this.#requireSnapshots();
      const stored = await this.#call('listSnapshots', 'snapshots.list', o, () => this.#cloud.store.read((state) => state.snapshots));
      return stored.map(snapshotView);
    });
  }

  deleteSnapshot(id: string, o?: Op): Promise<void> {
    return this.#guard(async () => {
      this.#requireSnapshots();
      checkId(id, SNAPSHOT_ID, 'id');
      await this.#call('deleteSnapshot', 'snapshots.delete', o, () =>
        this.#cloud.store.update((state) => {
          state.snapshots = state.snapshots.filter((s) => s.id !== id); // idempotent: absent is fine
        }),
      );
    });
  }

  listSshKeys(o?: Op): Promise<SshKey[]> {
    return this.#guard(async () => {
      if (!this.capabilities.sshKeys) throw notSupported('sshKeys', 'SSH keys are not offered by mock');
      return this.#call('listSshKeys', 'sshKeys.list', o, () => this.#sshKeys.map((key) => ({ ...key })));
    });
  }

  // ---------------------------------------------------------------- test controls

  /** Makes the next `times` API requests fail with `fault` (quota and capacity wait for a create). */
  failNext(fault: Fault, times = 1): void {
    this.#cloud.faults.failNext(fault, times);
  }

  /**
   * The next `times` requests of `operation` are carried out, but the client never gets the answer:
   * the connection drops (NETWORK), or a gateway answers 502 in its place (`answer: 'bad-gateway'`).
   */
  loseResponse(operation: LosableOperation, times = 1, answer: LostAnswer = 'connection-reset'): void {
    this.#cloud.faults.loseResponse(operation, times, answer);
  }

  /** Drops pending `failNext` faults and lost responses. */
  clearFaults(): void {
    this.#cloud.faults.clear();
  }

  /** What the store holds for instance `id`, whatever the API shows (no request is made or counted); null: nothing. */
  async inspect(id: string): Promise<BackendInstance | null> {
    const stored = this.#cloud.store.read((state) => state.instances.find((i) => i.id === id) ?? null);
    if (!stored) return null;
    const { tags, sshKeys, userData, type, region, image, architecture, spot } = stored;
    return { id, state: phaseAt(stored, Date.now()), tags: { ...tags }, sshKeys: [...sshKeys], userData, type, region, image, architecture, spot };
  }

  /** From now on, each new instance is missing from getInstance (null) and listings for `ms` after its create. */
  notFoundFor(ms: number): void {
    this.#cloud.notFoundFor(ms);
  }

  /** Puts the API under a request budget (429 with retryAfterMs beyond it); `undefined` lifts it. */
  rateLimit(budget: RequestBudget | undefined): void {
    this.#cloud.rateLimit(budget);
  }

  /** Limits live instances (managed or not); `null` lifts the limit. */
  setQuota(maxLiveInstances: number | null): void {
    this.#cloud.setQuota(maxLiveInstances);
  }

  /** Adds a running instance that this library does not manage (no managed-by tag). No request is counted. */
  async seedUnmanagedInstance(name?: string): Promise<{ id: string; name: string }> {
    const stored = this.#cloud.store.update((state) =>
      this.#cloud.insert(
        state,
        {
          name: name ?? `unmanaged-${state.nextInstance}`,
          region: this.#config.region,
          type: this.#catalog.table.small.amd64,
          architecture: 'amd64',
          spot: false,
          tags: { owner: 'someone-else' },
          image: { ubuntu: '24.04' },
          sshKeys: [],
          userData: null,
          warnings: [],
        },
        { bootDelayMs: 0, ipDelayMs: 0 },
      ),
    );
    return { id: stored.id, name: stored.name };
  }

  /** Forgets all instances, snapshots, faults, the quota, rate limit, not-found window and the call counts. */
  reset(): void {
    for (const key of Object.keys(this.callCounts)) delete this.callCounts[key];
    this.#cloud.reset();
  }

  // ---------------------------------------------------------------- internals

  /**
   * The boundary every contract call goes through: whatever leaves is scrubbed of the token, even
   * where a caller echoed it back in a spec (an unknown type named like the token, say).
   */
  async #guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw scrub(error, this.#redact);
    }
  }

  /** One API operation: a request through core's withRetry with the configured policy. */
  #call<T>(method: string, operation: Operation, o: Op | undefined, handler: () => T): Promise<T> {
    const signal = o?.signal;
    return withRetry(() => this.#request(method, operation, signal, handler), {
      ...this.#config.retry,
      signal,
      events: this.#events,
      provider: PROVIDER_NAME,
      operation,
    });
  }

  /** What createOnce needs besides the requests: the call's identity, signal, events and retry budget. */
  #onceOptions(method: string, operation: Operation, o: Op | undefined, clientToken: string) {
    return {
      provider: PROVIDER_NAME,
      operation,
      strategy: 'idempotencyToken' as const,
      idOf: (made: { id: string }) => made.id,
      marker: `${method} client token ${clientToken}`,
      signal: o?.signal,
      events: this.#events,
      retry: this.#config.retry,
    };
  }

  /** One simulated API request through the client's rate limiter, reported as a 'request' event. */
  async #request<T>(method: string, operation: Operation, signal: AbortSignal | undefined, handler: () => T): Promise<T> {
    throwIfAborted(signal, PROVIDER_NAME);
    await this.#limiter?.acquire(signal);
    this.callCounts[method] = (this.callCounts[method] ?? 0) + 1;
    const started = Date.now();
    let status: number | undefined = 200;
    try {
      if (this.#config.latencyMs > 0) {
        await sleep(this.#config.latencyMs, signal, PROVIDER_NAME);
      }
      const answer = this.#cloud.serve(operation, this.#config.token, handler);
      this.#limiter?.observe(answer.headers);
      return answer.value;
    } catch (error) {
      status = statusOf(error);
      if (isStagelyError(error, 'RATE_LIMITED')) this.#limiter?.onRateLimited(error.retryAfterMs);
      throw error;
    } finally {
      emit(this.#events, {
        type: 'request',
        provider: PROVIDER_NAME,
        operation,
        durationMs: Date.now() - started,
        ...(status === undefined ? {} : { status }),
      });
    }
  }

  /**
   * Overlapping waits' status in one request (a listing filtered by id, as a real API's would be):
   * the state is read once for all of them. An id it does not show is left out (not found).
   */
  async #probeMany(ids: readonly string[], o: Op): Promise<ReadonlyMap<string, ProbeAnswer>> {
    const wanted = new Set(ids);
    const found = await this.#call('waitUntilReady', 'instances.list', o, () =>
      this.#cloud.store.read((state) => state.instances.filter((stored) => wanted.has(stored.id))),
    );
    const now = Date.now();
    return new Map(found.filter((stored) => isVisible(stored, now)).map((stored) => [stored.id, instanceView(stored, now)]));
  }

  /** Everything about a create that can be checked without the cloud: the body of the create request. */
  #createRequest(spec: InstanceSpec): CreateRequest {
    const resolved = resolveInstanceSpec(spec, { region: this.#config.region, provider: PROVIDER_NAME });
    const warnings: string[] = [];
    this.#catalog.checkRegion(resolved.region);

    let architecture = resolved.architecture;
    let requested = spec.architecture;
    if (architecture === 'arm64' && !this.capabilities.architectures.includes('arm64')) {
      if (this.#config.strict) throw notSupported('arm64', 'arm64 is not offered by mock');
      warnings.push('arm64 not offered by mock; provisioned amd64');
      architecture = 'amd64';
      requested = 'amd64';
    }
    const { type, architecture: typeArchitecture } = this.#catalog.resolveType(resolved.size, architecture, requested);

    let spot = resolved.spot;
    if (spot && !this.capabilities.spot) {
      if (this.#config.strict) throw notSupported('spot', 'spot instances are not offered by mock');
      warnings.push('spot not offered by mock; provisioned on-demand');
      spot = false;
    }

    const image = resolved.image;
    if ('snapshot' in image) this.#requireSnapshots();
    else this.#catalog.resolveImage(image, typeArchitecture);

    if (resolved.sshKeys.length > 0) {
      if (!this.capabilities.sshKeys) throw notSupported('sshKeys', 'SSH keys are not offered by mock');
      const unknown = resolved.sshKeys.filter((name) => !this.#sshKeys.some((key) => key.name === name));
      if (unknown.length > 0) {
        throw new InvalidInputError(
          'sshKeys',
          `Unknown SSH key ${unknown.map((n) => `"${n}"`).join(', ')}; keys in the account: ${this.#sshKeys.map((k) => k.name).join(', ')}`,
          p,
        );
      }
    }

    checkUserData(resolved.userData);
    checkTags(resolved.tags);
    return {
      name: resolved.name,
      region: resolved.region,
      type,
      architecture: typeArchitecture,
      spot,
      tags: { ...resolved.tags, [MANAGED_BY_TAG]: MANAGED_BY_VALUE },
      image,
      sshKeys: resolved.sshKeys,
      userData: resolved.userData ?? null,
      warnings,
    };
  }

  #requireSnapshots(): void {
    if (!this.capabilities.snapshots) throw notSupported('snapshots', 'snapshots are not offered by mock');
  }
}

export function createMockProvider(config?: MockConfig, context?: ProviderContext): MockProvider {
  return new MockProvider(config, context);
}

// ---------------------------------------------------------------- helpers

/** Redacts a StagelyError's message, stack and string details in place. */
function scrub(error: unknown, redact: Redactor): unknown {
  if (!isStagelyError(error)) return error;
  error.message = redact(error.message);
  if (error.stack) error.stack = redact(error.stack);
  for (const [key, value] of Object.entries(error.details)) error.details[key] = redactDeep(value, redact);
  return error;
}

function redactDeep(value: unknown, redact: Redactor): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact));
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, redact)]));
  }
  return value;
}

function notSupported(feature: string, message: string): NotSupportedError {
  return new NotSupportedError(feature, message, p);
}

/** A stable, SSH-style (MD5, colon-separated) fingerprint for a seeded key. */
function fingerprintOf(name: string): string {
  return createHash('md5').update(`mock-ssh-key:${name}`).digest('hex').match(/../g)!.join(':');
}
