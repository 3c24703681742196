/**
 * The simulated cloud behind the mock's API: what a request does on the server side. It admits a
 * request (credentials, the rate-limit budget, injected faults) and carries out its effect on the
 * store: instances (names unique among live ones, the quota, addresses, an idempotency token that
 * makes a re-sent create or snapshot return what the first one made), terminate and snapshots.
 * The provider (provider.ts) is the client; the test controls reach the cloud through it.
 */
import {
  AuthenticationError,
  CapacityError,
  ConflictError,
  InvalidInputError,
  NotFoundError,
  QuotaExceededError,
  RateLimitError,
  type ImageSpec,
} from '@stagely/provider-core/provider';
import type { Operation } from './api.js';
import type { Catalog } from './catalog.js';
import { MockFaults } from './faults.js';
import { allocatePublicIp, privateIpFor } from './ips.js';
import { RequestWindow, type RequestBudget } from './request-budget.js';
import { isLive, type MockState, type StateStore, type StoredInstance, type StoredSnapshot } from './state.js';

/** The token that makes every request fail with AUTHENTICATION. */
export const INVALID_TOKEN = 'invalid';
const SNAPSHOT_SIZE_GB = 20;

const p = { provider: 'mock' } as const;

/**
 * The body of a create request: everything the client resolved from the spec, as the instance will
 * hold it, but the image as the spec gave it (a snapshot is looked up by the cloud). A retried create
 * sends the same `clientToken`, so that the cloud makes one instance whatever answers were lost.
 */
export type CreateRequest = Pick<
  StoredInstance,
  'name' | 'region' | 'type' | 'architecture' | 'spot' | 'tags' | 'sshKeys' | 'userData' | 'warnings' | 'clientToken'
> & { image: ImageSpec };

/** A successful answer: what the handler returned, and the answer's headers. */
export interface Answer<T> {
  value: T;
  headers: Record<string, string>;
}

export interface Timings {
  bootDelayMs: number;
  ipDelayMs: number;
}

export class MockCloud {
  readonly store: StateStore;
  readonly faults = new MockFaults();
  readonly #catalog: Catalog;
  #quota: number | null = null;
  #budget: RequestWindow | undefined;
  /** How long new instances stay invisible to reads after their create (eventual consistency). */
  #notFoundMs = 0;

  constructor(store: StateStore, catalog: Catalog) {
    this.store = store;
    this.#catalog = catalog;
  }

  // ---------------------------------------------------------------- controls

  setQuota(maxLiveInstances: number | null): void {
    if (maxLiveInstances !== null && !(Number.isInteger(maxLiveInstances) && maxLiveInstances >= 0)) {
      throw new InvalidInputError('maxLiveInstances', 'The quota must be a non-negative integer or null', p);
    }
    this.#quota = maxLiveInstances;
  }

  rateLimit(budget: RequestBudget | undefined): void {
    this.#budget = budget === undefined ? undefined : new RequestWindow(budget);
  }

  notFoundFor(ms: number): void {
    if (!(Number.isInteger(ms) && ms >= 0)) throw new InvalidInputError('ms', 'ms must be a non-negative integer', p);
    this.#notFoundMs = ms;
  }

  /** Forgets instances, snapshots, faults, the quota, the budget and the not-found window. */
  reset(): void {
    this.faults.clear();
    this.#quota = null;
    this.#budget = undefined;
    this.#notFoundMs = 0;
    this.store.reset();
  }

  // ---------------------------------------------------------------- requests

  /**
   * Serves one request of `operation`: refused (token, budget, a fault before it) without touching
   * the store, or carried out by `handler`, whose answer a fault may then lose. The answer carries
   * the budget's `RateLimit-*` headers while one is set.
   */
  serve<T>(operation: Operation, token: string, handler: () => T): Answer<T> {
    if (token === INVALID_TOKEN) throw new AuthenticationError('The mock API refused the credentials (401 Unauthorized)', p);
    const now = Date.now();
    const refusal = this.#budget?.admit(now);
    if (refusal) {
      throw new RateLimitError(`The mock API allows ${refusal.limit} requests per window (429 Too Many Requests)`, {
        ...p,
        retryAfterMs: refusal.retryAfterMs,
        details: { limit: refusal.limit },
      });
    }
    const headers = this.#budget?.headers(now) ?? {};
    const faults = this.faults.take(operation);
    if (faults.before) throw faults.before;
    if (!faults.after) return { value: handler(), headers };
    try {
      handler();
    } catch {
      // The answer is lost either way: the client only learns that the connection failed.
    }
    throw faults.after;
  }

  /** The create's effect on the store: a re-sent token returns its instance; else the checks that need state, then the insert. */
  insert(state: MockState, request: CreateRequest, timings: Timings): StoredInstance {
    if (request.clientToken !== undefined) {
      const earlier = state.instances.find((i) => i.clientToken === request.clientToken);
      if (earlier) return earlier;
    }
    const live = state.instances.filter(isLive);
    if (live.some((i) => i.name === request.name)) {
      throw new ConflictError(`An instance named "${request.name}" already exists`, { ...p, details: { name: request.name } });
    }
    if (this.#quota !== null && live.length >= this.#quota) {
      throw new QuotaExceededError(`The account's limit of ${this.#quota} instances is reached`, {
        ...p,
        details: { limit: this.#quota, live: live.length },
      });
    }
    const image = this.imageFor(state, request);
    const address = allocatePublicIp(new Set(live.map((i) => i.publicIp)), state);
    if (!address) throw new CapacityError(`No public address is free in ${request.region}`, p);
    const number = state.nextInstance++;
    const now = Date.now();
    const stored: StoredInstance = {
      id: `mock-${number}`,
      name: request.name,
      region: request.region,
      type: request.type,
      architecture: request.architecture,
      spot: request.spot,
      tags: request.tags,
      image,
      sshKeys: request.sshKeys,
      userData: request.userData,
      publicIp: address,
      privateIp: privateIpFor(number),
      createdAt: now,
      bootDelayMs: timings.bootDelayMs,
      ipDelayMs: timings.ipDelayMs,
      terminatedAt: null,
      ...(this.#notFoundMs > 0 ? { visibleAt: now + this.#notFoundMs } : {}),
      ...(request.clientToken === undefined ? {} : { clientToken: request.clientToken }),
      warnings: request.warnings,
    };
    state.instances.push(stored);
    return stored;
  }

  /** The delete's effect: the instance is terminating for `terminateDelayMs`, then terminated; false: unknown or already gone. */
  terminate(state: MockState, id: string, terminateDelayMs: number): boolean {
    const index = state.instances.findIndex((i) => i.id === id);
    const instance = state.instances[index];
    if (!instance || !isLive(instance)) return false;
    // Stored records are frozen: the store commits a changed copy in the old one's place.
    state.instances[index] = { ...instance, terminatedAt: Date.now(), terminateDelayMs };
    return true;
  }

  snapshot(state: MockState, instanceId: string, name: string, clientToken: string): StoredSnapshot {
    const earlier = state.snapshots.find((s) => s.clientToken === clientToken);
    if (earlier) return earlier;
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
      clientToken,
    };
    state.snapshots.push(snapshot);
    return snapshot;
  }

  /** The image a create boots: a snapshot in the store (checked), or the catalogue's. */
  imageFor(state: Readonly<MockState>, request: Pick<CreateRequest, 'image' | 'architecture'>): string {
    if (!('snapshot' in request.image)) return this.#catalog.resolveImage(request.image, request.architecture);
    const ref = request.image.snapshot;
    const snapshot = state.snapshots.find((s) => s.id === ref || s.name === ref);
    if (!snapshot) throw new InvalidInputError('image', `Unknown snapshot "${ref}"`, p);
    if (snapshot.architecture !== request.architecture) {
      throw new InvalidInputError('image', `Snapshot "${ref}" is ${snapshot.architecture}, the instance ${request.architecture}`, p);
    }
    return snapshot.id;
  }
}
