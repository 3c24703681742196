/**
 * What a fake reports to the conformance suite's hooks: an instance as the backend holds it, a
 * request budget, and the operations whose answer can be lost. Here, not in ./conformance, so that
 * fakes answer the hooks without depending on vitest.
 */
import type { Architecture, InstanceState } from '../contract/contract.js';

/** Operations whose answer `loseResponse` can lose. */
export type LostOperation = 'create' | 'terminate' | 'snapshot';

export interface RequestBudget {
  requests: number;
  windowMs: number;
}

/** An instance as the backend holds it, in the contract's words where they exist. */
export interface BackendInstance {
  id: string;
  /** The backend's phase in the contract's words: `running` / `pending` still run; `terminating` / `terminated` do not. */
  state: InstanceState;
  /** Decoded to the contract's tags, `managed-by` included. */
  tags: Record<string, string>;
  /** Names of the SSH keys the instance was created with. */
  sshKeys: string[];
  /** The user data as the caller gave it (decoded), or null. */
  userData: string | null;
  /** Native type, region and image reference as the create request gave them. */
  type: string;
  region: string;
  image: string;
  architecture?: Architecture;
  spot?: boolean;
}
