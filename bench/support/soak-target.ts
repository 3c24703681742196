/**
 * What the soak needs from each provider's fake: the registry-made provider on it, a way to arm the
 * planned faults, and a view of the fake's store to compare with what the library reported.
 * Per-provider adapters (soak-adapters/) fill this in; everything else is shared.
 */
import type { CloudProvider, EventSink } from '@stagely/provider-core';
import type { FaultKind, PlannedFault } from './soak-schedule.js';

/** The request a fault armed for an operation's own mutation waits for. */
export type OwnMutation = 'create' | 'terminate' | 'snapshot';

/** One thing the fake holds: an instance, or an image (a snapshot, an AMI, an AMI's EBS snapshot). */
export interface StoreRecord {
  kind: 'instance' | 'image';
  /** The fake's id. */
  id: string;
  /** The name it was made with: the soak's names say which operation made it. */
  name: string;
  /** Still there: neither terminating nor terminated (instances), not being deleted (images). */
  alive: boolean;
  /**
   * Strings an error's `details.leftBehind` may name it by besides its id (its name, a marker tag's
   * value, a client token): the provider's own markers, as its createOnce reports them.
   */
  keys: string[];
}

export interface SoakTargetOptions {
  seed: number;
  events: EventSink;
  /** The provider's per-request timeout: the planned late answers outlast it. */
  requestTimeoutMs: number;
  /** The provider's retry attempts per request. */
  attempts: number;
}

export interface SoakTarget {
  provider: CloudProvider;
  /** Distinctive fake credentials: none may appear in any error or event. */
  secrets: string[];
  /** Fault kinds this fake's controls cannot inject (planned ones are counted as not armed). */
  cannot: readonly FaultKind[];
  /**
   * Arms `fault`; `own` is the operation's own mutation (undefined for a listing: any request).
   * Returns what withdraws it if it has met no request when the operation ends.
   */
  arm(fault: PlannedFault, own: OwnMutation | undefined): () => void;
  /** Faults that met a request, by kind. */
  faultsMet(): Record<FaultKind, number>;
  clearFaults(): void;
  /** The fake's requests so far (the soak stops starting operations beyond its request bound). */
  requests(): number;
  /** 429s (or the API's throttling answer) the fake's own request budget gave, not injected ones. */
  budgetRefusals(): number;
  /** Everything the fake holds now. */
  store(): StoreRecord[];
  close(): Promise<void>;
}

export interface SoakAdapter {
  /** The registry's name for the provider. */
  name: string;
  start(options: SoakTargetOptions): Promise<SoakTarget>;
}
