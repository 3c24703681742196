/**
 * MockProvider: the reference CloudProvider. It keeps every rule of the contract, the errors and the
 * mechanics (docs/architecture.md) against a simulated cloud held in memory or in a state file, so that real providers can be
 * compared with it and tests can run without a cloud.
 *
 * Shape of every call, as a real provider would do it: validate locally (no request for bad
 * input), then one or more simulated API requests, each through core's `withRetry`. A request
 * checks the signal, waits `latencyMs` (abortably), checks the token and injected faults, and
 * only then touches the store, so a failed or aborted request changes nothing.
 */
import { createHash } from 'node:crypto';
import {
  AuthenticationError,
  CapacityError,
  ConflictError,
  emit,
  InvalidInputError,
  isStagelyError,
  MANAGED_BY_TAG,
  MANAGED_BY_VALUE,
  NotFoundError,
  NotSupportedError,
  backoffSchedule,
  pollUntilReady,
  QuotaExceededError,
  RateLimitError,
  createRedactor,
  resolveInstanceSpec,
  sleep,
  throwIfAborted,
  withRetry,
  type Architecture,
  type Capabilities,
  type CloudProvider,
  type EventSink,
  type ImageSpec,
  type Instance,
  type InstanceSpec,
  type InstanceState,
  type ListFilter,
  type Op,
  type ProviderContext,
  type Redactor,
  type ResolvedSpec,
  type Snapshot,
  type SshKey,
  type WaitOptions,
} from '@stagely/provider-core/provider';
import type { BackendInstance } from '@stagely/provider-core/conformance';
import type { Operation } from './api.js';
import { Catalog } from './catalog.js';
import { parseMockConfig, type MockConfig, type ResolvedMockConfig } from './config.js';
import { MockFaults, statusOf, type Fault, type LosableOperation, type LostAnswer } from './faults.js';
import { RequestWindow, type RequestBudget } from './request-budget.js';
import { allocatePublicIp, privateIpFor } from './ips.js';
import { createStore, emptyState, isLive, type MockState, type StateStore, type StoredInstance, type StoredSnapshot } from './state.js';

export const PROVIDER_NAME = 'mock';
/** The token that makes every call fail with AUTHENTICATION. */
export const INVALID_TOKEN = 'invalid';

const INSTANCE_ID = /^mock-(\d+)$/;
const SNAPSHOT_ID = /^mock-snapshot-(\d+)$/;
/** Label syntax of the mock cloud (the common subset of what clouds accept). */
const TAG_KEY = /^[a-z0-9]([a-z0-9._/-]{0,61}[a-z0-9])?$/i;
const MAX_TAG_VALUE = 63;
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
/** Clouds cap user data (Hetzner 32 KiB); so does the mock. */
const MAX_USER_DATA_BYTES = 32 * 1024;
const SNAPSHOT_SIZE_GB = 20;

const p = { provider: PROVIDER_NAME } as const;

/** What a spec resolves to before the create request is made. */
interface CreatePlan {
  name: string;
  region: string;
  type: string;
  architecture: Architecture;
  spot: boolean;
  tags: Record<string, string>;
  image: ImageSpec;
  sshKeys: string[];
  userData: string | null;
  warnings: string[];
}

export class MockProvider implements CloudProvider {
  readonly contractVersion = 1 as const;
  readonly name = PROVIDER_NAME;
  readonly capabilities: Capabilities;
  /** Simulated API requests made, by the provider method that made them (retries and pages count). */
  readonly callCounts: Record<string, number> = {};

  // Private fields: the config holds the token, which must never show up when a provider is logged.
  readonly #config: ResolvedMockConfig;
  readonly #events: EventSink | undefined;
  readonly #store: StateStore;
  readonly #catalog: Catalog;
  readonly #faults = new MockFaults();
  readonly #sshKeys: SshKey[];
  readonly #redact: Redactor;
  #quota: number | null = null;
  #rateLimit: RequestWindow | undefined;
  /** How long new instances stay invisible to reads after their create (eventual consistency). */
  #notFoundMs = 0;

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
    this.#store = createStore(this.#config.stateFile);
    this.#redact = createRedactor([this.#config.token]);
    this.#sshKeys = [{ name: 'default' }, ...this.#config.sshKeys].map((key, index) => ({
      id: `mock-key-${index + 1}`,
      name: key.name,
      fingerprint: key.fingerprint ?? fingerprintOf(key.name),
    }));
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
      const plan = this.#planCreate(spec);
      // The one check that needs the cloud's state: a snapshot image must exist (a read request).
      const image = 'snapshot' in plan.image
        ? await this.#call('validateSpec', 'images.get', o, () => this.#store.read((state) => this.#imageFor(state, plan)))
        : this.#imageFor(emptyState(), plan);
      return { type: plan.type, region: plan.region, architecture: plan.architecture, image, spot: plan.spot, warnings: [...plan.warnings] };
    });
  }

  createInstance(spec: InstanceSpec, o?: Op): Promise<Instance> {
    return this.#guard(async () => {
      throwIfAborted(o?.signal, PROVIDER_NAME);
      const plan = this.#planCreate(spec);
      const stored = await this.#call('createInstance', 'instances.create', o, () =>
        this.#store.update((state) => this.#insert(state, plan)),
      );
      for (const message of stored.warnings) {
        emit(this.#events, { type: 'warning', provider: PROVIDER_NAME, message, instanceId: stored.id });
      }
      return instanceView(stored, Date.now());
    });
  }

  getInstance(id: string, o?: Op): Promise<Instance | null> {
    return this.#guard(async () => {
      checkId(id, INSTANCE_ID, 'id');
      const stored = await this.#call('getInstance', 'instances.get', o, () =>
        this.#store.read((state) => state.instances.find((i) => i.id === id) ?? null),
      );
      const now = Date.now();
      return stored && isVisible(stored, now) ? instanceView(stored, now) : null;
    });
  }

  listInstances(filter?: ListFilter, o?: Op): Promise<Instance[]> {
    return this.#guard(async () => {
      const wanted = checkFilter(filter);
      const found: StoredInstance[] = [];
      // Walk the API's pages with a cursor (the last id seen): robust to creates and deletes between pages.
      let after = 0;
      for (;;) {
        const page = await this.#call('listInstances', 'instances.list', o, () =>
          this.#store.read((state) => listPage(state, after, this.#config.pageSize)),
        );
        found.push(...page.items);
        if (page.next === null) break;
        after = page.next;
      }
      const now = Date.now();
      return found
        .filter((stored) => isVisible(stored, now))
        .map((stored) => instanceView(stored, now))
        .filter((i) => i.state !== 'terminated' && i.tags[MANAGED_BY_TAG] === MANAGED_BY_VALUE)
        .filter((i) => Object.entries(wanted).every(([key, value]) => i.tags[key] === value));
    });
  }

  terminateInstance(id: string, o?: Op): Promise<void> {
    return this.#guard(async () => {
      checkId(id, INSTANCE_ID, 'id');
      const terminated = await this.#call('terminateInstance', 'instances.delete', o, () =>
        this.#store.update((state) => {
          const instance = state.instances.find((i) => i.id === id);
          if (!instance || !isLive(instance)) return false; // unknown or already gone: nothing to do
          instance.terminatedAt = Date.now();
          return true;
        }),
      );
      if (terminated) {
        emit(this.#events, { type: 'state', provider: PROVIDER_NAME, instanceId: id, state: 'terminated', providerState: 'terminated' });
      }
    });
  }

  waitUntilReady(id: string, o?: WaitOptions): Promise<Instance> {
    return this.#guard(async () => {
      checkId(id, INSTANCE_ID, 'id');
      return pollUntilReady((instanceId, op) => this.getInstance(instanceId, op), id, {
        provider: PROVIDER_NAME,
        events: this.#events,
        schedule: backoffSchedule(this.#config.readinessPoll ?? {}),
        ...(o?.signal ? { signal: o.signal } : {}),
        ...(o?.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
      });
    });
  }

  createSnapshot(instanceId: string, name: string, o?: Op): Promise<Snapshot> {
    return this.#guard(async () => {
      this.#requireSnapshots();
      checkId(instanceId, INSTANCE_ID, 'instanceId');
      if (typeof name !== 'string' || name.trim() === '' || name.length > 63 || CONTROL_CHARS.test(name)) {
        throw new InvalidInputError('name', 'A snapshot name must be 1-63 printable characters', p);
      }
      const stored = await this.#call('createSnapshot', 'snapshots.create', o, () =>
        this.#store.update((state) => {
          const instance = state.instances.find((i) => i.id === instanceId && isLive(i));
          if (!instance) throw new NotFoundError(`Instance ${instanceId} does not exist`, { ...p, details: { instanceId } });
          if (state.snapshots.some((s) => s.name === name)) {
            throw new ConflictError(`A snapshot named "${name}" already exists`, { ...p, details: { name } });
          }
          const snapshot: StoredSnapshot = {
            id: `mock-snapshot-${state.nextSnapshot++}`,
            name,
            instanceId,
            region: instance.region,
            architecture: instance.architecture,
            sizeGb: SNAPSHOT_SIZE_GB,
            createdAt: Date.now(),
          };
          state.snapshots.push(snapshot);
          return snapshot;
        }),
      );
      return snapshotView(stored);
    });
  }

  listSnapshots(o?: Op): Promise<Snapshot[]> {
    return this.#guard(async () => {
      this.#requireSnapshots();
      const stored = await this.#call('listSnapshots', 'snapshots.list', o, () => this.#store.read((state) => state.snapshots));
      return stored.map(snapshotView);
    });
  }

  deleteSnapshot(id: string, o?: Op): Promise<void> {
    return this.#guard(async () => {
      this.#requireSnapshots();
      checkId(id, SNAPSHOT_ID, 'id');
      await this.#call('deleteSnapshot', 'snapshots.delete', o, () =>
        this.#store.update((state) => {
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
    this.#faults.failNext(fault, times);
  }

  /**
   * The next `times` requests of `operation` are carried out, but the client never gets the answer:
   * the connection drops (NETWORK), or a gateway answers 502 in its place (`answer: 'bad-gateway'`).
   */
  loseResponse(operation: LosableOperation, times = 1, answer: LostAnswer = 'connection-reset'): void {
    this.#faults.loseResponse(operation, times, answer);
  }

  /** Drops pending `failNext` faults and lost responses. */
  clearFaults(): void {
    this.#faults.clear();
  }

  /** What the store holds for instance `id`, whatever the API shows (no request is made or counted); null: nothing. */
  async inspect(id: string): Promise<BackendInstance | null> {
    const stored = this.#store.read((state) => state.instances.find((i) => i.id === id) ?? null);
    if (!stored) return null;
    return {
      id: stored.id,
      state: instanceView(stored, Date.now()).state,
      tags: { ...stored.tags },
      sshKeys: [...stored.sshKeys],
      userData: stored.userData,
      type: stored.type,
      region: stored.region,
      image: stored.image,
      architecture: stored.architecture,
      spot: stored.spot,
    };
  }

  /** From now on, each new instance is missing from getInstance (null) and listings for `ms` after its create. */
  notFoundFor(ms: number): void {
    if (!(Number.isInteger(ms) && ms >= 0)) throw new InvalidInputError('ms', 'ms must be a non-negative integer', p);
    this.#notFoundMs = ms;
  }

  /** Puts the API under a request budget (429 with retryAfterMs beyond it); `undefined` lifts it. */
  rateLimit(budget: RequestBudget | undefined): void {
    this.#rateLimit = budget === undefined ? undefined : new RequestWindow(budget);
  }

  /** Limits live instances (managed or not); `null` lifts the limit. */
  setQuota(maxLiveInstances: number | null): void {
    if (maxLiveInstances !== null && !(Number.isInteger(maxLiveInstances) && maxLiveInstances >= 0)) {
      throw new InvalidInputError('maxLiveInstances', 'The quota must be a non-negative integer or null', p);
    }
    this.#quota = maxLiveInstances;
  }

  /** Adds a running instance that this library does not manage (no managed-by tag). No request is counted. */
  async seedUnmanagedInstance(name?: string): Promise<{ id: string; name: string }> {
    const stored = this.#store.update((state) =>
      this.#insert(
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
    this.#faults.clear();
    this.#quota = null;
    this.#rateLimit = undefined;
    this.#notFoundMs = 0;
    for (const key of Object.keys(this.callCounts)) delete this.callCounts[key];
    this.#store.reset();
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

  /** One simulated API request, reported as a 'request' event. */
  async #request<T>(method: string, operation: Operation, signal: AbortSignal | undefined, handler: () => T): Promise<T> {
    throwIfAborted(signal, PROVIDER_NAME);
    this.callCounts[method] = (this.callCounts[method] ?? 0) + 1;
    const started = Date.now();
    let status: number | undefined = 200;
    try {
      if (this.#config.latencyMs > 0) {
        await sleep(this.#config.latencyMs, signal, PROVIDER_NAME);
      }
      if (this.#config.token === INVALID_TOKEN) {
        throw new AuthenticationError('The mock API refused the credentials (401 Unauthorized)', p);
      }
      const refusal = this.#rateLimit?.admit(Date.now());
      if (refusal) {
        throw new RateLimitError(`The mock API allows ${refusal.limit} requests per window (429 Too Many Requests)`, {
          ...p,
          retryAfterMs: refusal.retryAfterMs,
          details: { limit: refusal.limit },
        });
      }
      const faults = this.#faults.take(operation);
      if (faults.before) throw faults.before;
      if (!faults.after) return handler();
      try {
        handler();
      } catch {
        // The answer is lost either way: the client only learns that the connection failed.
      }
      throw faults.after;
    } catch (error) {
      status = statusOf(error);
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

  /** Everything about a create that can be checked without the cloud. */
  #planCreate(spec: InstanceSpec): CreatePlan {
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

    if (resolved.userData !== undefined && Buffer.byteLength(resolved.userData) > MAX_USER_DATA_BYTES) {
      throw new InvalidInputError('userData', `userData must be at most ${MAX_USER_DATA_BYTES} bytes`, p);
    }

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

  /** The create request's effect on the store: the checks that need state, then the insert. */
  #insert(state: MockState, plan: CreatePlan, delays?: { bootDelayMs: number; ipDelayMs: number }): StoredInstance {
    const live = state.instances.filter(isLive);
    if (live.some((i) => i.name === plan.name)) {
      throw new ConflictError(`An instance named "${plan.name}" already exists`, { ...p, details: { name: plan.name } });
    }
    if (this.#quota !== null && live.length >= this.#quota) {
      throw new QuotaExceededError(`The account's limit of ${this.#quota} instances is reached`, {
        ...p,
        details: { limit: this.#quota, live: live.length },
      });
    }
    const image = this.#imageFor(state, plan);
    const address = allocatePublicIp(new Set(live.map((i) => i.publicIp)), state.ipCursor);
    if (!address) throw new CapacityError(`No public IPv4 address is free in ${plan.region}`, p);
    state.ipCursor = address.cursor;
    const number = state.nextInstance++;
    const now = Date.now();
    const stored: StoredInstance = {
      id: `mock-${number}`,
      name: plan.name,
      region: plan.region,
      type: plan.type,
      architecture: plan.architecture,
      spot: plan.spot,
      tags: plan.tags,
      image,
      sshKeys: plan.sshKeys,
      userData: plan.userData,
      publicIp: address.ip,
      privateIp: privateIpFor(number),
      createdAt: now,
      bootDelayMs: delays?.bootDelayMs ?? this.#config.bootDelayMs,
      ipDelayMs: delays?.ipDelayMs ?? this.#config.ipDelayMs,
      terminatedAt: null,
      ...(this.#notFoundMs > 0 ? { visibleAt: now + this.#notFoundMs } : {}),
      warnings: plan.warnings,
    };
    state.instances.push(stored);
    return stored;
  }

  /** The image a create of `plan` boots: a snapshot in the store (checked), or the catalogue's. */
  #imageFor(state: Readonly<MockState>, plan: CreatePlan): string {
    if (!('snapshot' in plan.image)) return this.#catalog.resolveImage(plan.image, plan.architecture);
    const ref = plan.image.snapshot;
    const snapshot = state.snapshots.find((s) => s.id === ref || s.name === ref);
    if (!snapshot) throw new InvalidInputError('image', `Unknown snapshot "${ref}"`, p);
    if (snapshot.architecture !== plan.architecture) {
      throw new InvalidInputError('image', `Snapshot "${ref}" is ${snapshot.architecture}, the instance ${plan.architecture}`, p);
    }
    return snapshot.id;
  }

  #requireSnapshots(): void {
    if (!this.capabilities.snapshots) throw notSupported('snapshots', 'snapshots are not offered by mock');
  }
}

export function createMockProvider(config?: MockConfig, context?: ProviderContext): MockProvider {
  return new MockProvider(config, context);
}

// ---------------------------------------------------------------- helpers

/** What the API says about an instance at time `now`: its state follows from time since creation. */
export function instanceView(stored: StoredInstance, now: number): Instance {
  const age = now - stored.createdAt;
  let state: InstanceState;
  let providerState: string;
  if (stored.terminatedAt !== null) [state, providerState] = ['terminated', 'terminated'];
  else if (age < stored.bootDelayMs) [state, providerState] = ['pending', 'provisioning'];
  else [state, providerState] = ['running', 'running'];
  const live = state !== 'terminated';
  return {
    id: stored.id,
    provider: PROVIDER_NAME,
    name: stored.name,
    state,
    providerState,
    publicIp: state === 'running' && age >= stored.bootDelayMs + stored.ipDelayMs ? stored.publicIp : null,
    privateIp: live ? stored.privateIp : null,
    region: stored.region,
    type: stored.type,
    architecture: stored.architecture,
    spot: stored.spot,
    tags: { ...stored.tags },
    createdAt: new Date(stored.createdAt),
    warnings: [...stored.warnings],
  };
}

/** False while a new instance is still invisible to reads (`notFoundFor`). */
function isVisible(stored: StoredInstance, now: number): boolean {
  return stored.visibleAt === undefined || now >= stored.visibleAt;
}

function snapshotView(stored: StoredSnapshot): Snapshot {
  return {
    id: stored.id,
    provider: PROVIDER_NAME,
    name: stored.name,
    instanceId: stored.instanceId,
    region: stored.region,
    sizeGb: stored.sizeGb,
    createdAt: new Date(stored.createdAt),
  };
}

/** One page of the list API: instances with an id number above `after`, in id order. */
function listPage(state: Readonly<MockState>, after: number, pageSize: number): { items: StoredInstance[]; next: number | null } {
  const sorted = state.instances
    .map((instance) => ({ instance, number: idNumber(instance.id) }))
    .filter((entry) => entry.number > after)
    .sort((a, b) => a.number - b.number);
  const page = sorted.slice(0, pageSize);
  const last = page.at(-1);
  return { items: page.map((e) => e.instance), next: sorted.length > pageSize && last ? last.number : null };
}

function idNumber(id: string): number {
  return Number(INSTANCE_ID.exec(id)?.[1] ?? 0);
}

function checkId(id: unknown, pattern: RegExp, field: string): asserts id is string {
  if (typeof id !== 'string' || !pattern.test(id)) {
    const shape = pattern === SNAPSHOT_ID ? 'mock-snapshot-<n>' : 'mock-<n>';
    throw new InvalidInputError(field, `Malformed id: ${field} must look like ${shape}`, p);
  }
}

function checkFilter(filter: ListFilter | undefined): Record<string, string> {
  if (filter === undefined) return {};
  if (typeof filter !== 'object' || filter === null) throw new InvalidInputError('filter', 'filter must be an object', p);
  const tags: unknown = filter.tags;
  if (tags === undefined) return {};
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) {
    throw new InvalidInputError('filter.tags', 'filter.tags must map tag keys to values', p);
  }
  for (const [key, value] of Object.entries(tags)) {
    if (typeof value !== 'string') throw new InvalidInputError(`filter.tags.${key}`, `filter.tags.${key} must be a string`, p);
  }
  return tags as Record<string, string>;
}

function checkTags(tags: Record<string, string>): void {
  for (const [key, value] of Object.entries(tags)) {
    const field = `tags.${key}`;
    if (key === MANAGED_BY_TAG) {
      throw new InvalidInputError(field, `The tag key "${MANAGED_BY_TAG}" is reserved: Stagely sets it on what it creates`, p);
    }
    if (!TAG_KEY.test(key)) {
      throw new InvalidInputError(
        field,
        'A tag key must be 1-63 letters, digits, ".", "_", "/" or "-", starting and ending with a letter or digit',
        p,
      );
    }
    if (value.length > MAX_TAG_VALUE || CONTROL_CHARS.test(value)) {
      throw new InvalidInputError(field, `A tag value must be at most ${MAX_TAG_VALUE} printable characters`, p);
    }
  }
}

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
