/** A soak target on a fake built on core's kit: faults through its test controls, requests and refusals from its log. */
import type { CloudProvider } from '@stagely/provider-core';
import type { LostOperation } from '@stagely/provider-core/testing';
import { KitFaults, type KitFake } from './kit-fake-faults.js';
import type { SoakTarget, StoreRecord } from './soak-target.js';

export interface KitTargetOptions {
  fake: KitFake & { close(): Promise<void> };
  /** The fake's LOST_OPERATIONS: the API operation behind each of the soak's mutations. */
  operations: Readonly<Record<LostOperation, string>>;
  provider: CloudProvider;
  secrets: string[];
  /** The status the fake's own request budget refuses with (429; EC2: 503 RequestLimitExceeded). */
  refusedStatus: number;
  store: () => StoreRecord[];
}

export function kitTarget({ fake, operations, provider, secrets, refusedStatus, store }: KitTargetOptions): SoakTarget {
  const faults = new KitFaults(fake, operations);
  return {
    provider,
    secrets,
    cannot: [],
    arm: (fault, own) => faults.arm(fault, own),
    faultsMet: () => faults.met(),
    clearFaults: () => faults.clear(),
    requests: () => fake.http.log.length,
    // Injected answers are marked faulted in the log; what is left is the budget's own.
    budgetRefusals: () => fake.http.log.filter((e) => e.status === refusedStatus && !e.faulted).length,
    store,
    close: () => fake.close(),
  };
}
