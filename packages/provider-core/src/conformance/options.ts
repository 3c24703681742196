/**
 * What a provider hands to the conformance suite. Everything beyond `createProvider` and `region`
 * has a default or gates a group; a group whose hook is absent says so in its test name rather
 * than passing silently.
 */
import type { CloudProvider } from '../contract/contract.js';
import type { EventSink } from '../contract/events.js';
import type { BackendInstance, LostOperation, RequestBudget } from '../testing/backend-instance.js';
import type { FaultKind } from '../testing/fault-kinds.js';

export type { BackendInstance, FaultKind, LostOperation, RequestBudget };

/**
 * Hooks into the provider's test double (or, live, the account). Each receives the group's
 * provider, as `createProvider` made it, so a hook can reach a fake's test controls.
 */
export interface ConformanceHooks<P extends CloudProvider = CloudProvider> {
  /** Makes the next `times` API calls (default 1) fail with `fault`. */
  injectFault?(fault: FaultKind, times: number, provider: P): void | Promise<void>;
  /** Clears injected faults. */
  clearFaults?(provider: P): void | Promise<void>;
  /** Creates an instance in the account that this library does not manage (no managed-by label). */
  seedUnmanagedInstance?(provider: P): Promise<{ id: string; name: string }>;
  /** Runs after each group: removes leftovers (live runs: the sweeper). */
  cleanup?(provider: P): void | Promise<void>;
  /**
   * The backend carries out the next `times` calls of `operation` but the client never gets the answer
   * (a reset, or a gateway error in its place): the case that makes retrying a create dangerous.
   */
  loseResponse?(operation: LostOperation, times: number, provider: P): void | Promise<void>;
  /** What the backend really holds for an instance (a fake's store, or live from the API); null: nothing. */
  inspect?(id: string, provider: P): Promise<BackendInstance | null>;
  /** From now on, each new instance answers "not found" to status calls for `ms` after its create. */
  notFoundFor?(ms: number, provider: P): void | Promise<void>;
  /**
   * Puts the backend under a request budget (`requests` per `windowMs`), answering its API's 429 with its
   * rate-limit headers beyond it; `undefined` lifts it.
   */
  rateLimit?(budget: RequestBudget | undefined, provider: P): void | Promise<void>;
}

export interface ProviderOverrides {
  strict?: boolean;
  events?: EventSink;
}

export interface ConformanceOptions<P extends CloudProvider = CloudProvider> {
  /** Shown in the outer describe block; default `provider`. */
  name?: string;
  /**
   * A fresh provider. `strict` asks for the strict variant (capability warnings become errors);
   * `events` is the sink to hand over as `context.events`, so the suite can check warning events
   * and that no event carries a secret.
   */
  createProvider(overrides?: ProviderOverrides): P | Promise<P>;
  /** Region to create in. */
  region: string;
  /** A region the provider does not know; default `nowhere-9`. */
  invalidRegion?: string;
  /** A well-formed id that names no instance. */
  unknownId: string;
  /** An id the provider can tell is malformed without asking the API. */
  malformedId: string;
  /** Readiness limit for the suite's waits (small against fakes, minutes live). */
  readyTimeoutMs: number;
  /** A limit shorter than a boot, for the TimeoutError check; omit to skip that check visibly. */
  tooShortTimeoutMs?: number;
  /** How many instances to create so that listing must cross pages; default 5. */
  pagedInstanceCount?: number;
  /** How many concurrent creates to make; default 10. */
  concurrentCreates?: number;
  /** The name of an SSH key that exists in the account, to create with. */
  sshKeyName?: string;
  /** Added as tag `stagely-run` to everything the suite creates, so a sweeper can find it. */
  runLabel?: string;
  /** Strings that must never appear in an error message, `details` or `toJSON()` (tokens). */
  secrets?: string[];
  /**
   * The `operation` the provider's `request` events give its API call that creates an instance
   * (`instances.create`, `servers.create`, `RunInstances`): the spec-validation and preflight groups
   * count these to prove that a refused spec sent none. Omit to skip those counts visibly.
   */
  createOperation?: string;
  /** The most API requests one create may make once the provider is warm (catalogue read); default 3. */
  warmCreateMaxRequests?: number;
  /** Per-test vitest timeout; default 30 s. */
  testTimeoutMs?: number;
  hooks?: ConformanceHooks<P>;
}
