/**
 * The provider contract, version 1 (docs/architecture.md, "The contract"). Every provider implements
 * `CloudProvider`; names and semantics here are shared by every package and are semver API.
 */

export const CONTRACT_VERSION = 1 as const;
export type ContractVersion = typeof CONTRACT_VERSION;

export type Size = 'small' | 'medium' | 'large';
export const SIZES: readonly Size[] = ['small', 'medium', 'large'];

export type Architecture = 'amd64' | 'arm64';
export const ARCHITECTURES: readonly Architecture[] = ['amd64', 'arm64'];

/**
 * `terminating`: the cloud accepted the delete and the instance no longer runs, but it is not gone yet
 * (Hetzner `deleting`, EC2 `shutting-down`, a DigitalOcean droplet still answering after DELETE).
 */
export type InstanceState = 'pending' | 'running' | 'stopping' | 'stopped' | 'terminating' | 'terminated' | 'unknown';
export const INSTANCE_STATES: readonly InstanceState[] = ['pending', 'running', 'stopping', 'stopped', 'terminating', 'terminated', 'unknown'];

export type ImageSpec =
  | { ubuntu: string } // '22.04', '24.04' ... mapped by each provider, per region and arch
  | { debian: string } // '12' ...
  | { id: string } // provider-native image id / slug, passed through
  | { snapshot: string }; // a snapshot made by createSnapshot

export interface InstanceSpec {
  /** Unique per account; default `stagely-<random>`. */
  name?: string;
  /** Abstract size, or a provider-native type as an escape hatch. */
  size: Size | { type: string };
  /** Default 'amd64'. */
  architecture?: Architecture;
  /** Default: the provider config's region. */
  region?: string;
  /** Default `{ ubuntu: '24.04' }`. */
  image?: ImageSpec;
  /** Raw cloud-init; the provider encodes it as its API needs. */
  userData?: string;
  /** User labels; providers add managed-by=stagely. */
  tags?: Record<string, string>;
  /** Spot / preemptible where offered. */
  spot?: boolean;
  /** Names of keys that exist in the account. */
  sshKeys?: string[];
}

export interface Instance {
  id: string;
  provider: string;
  name: string;
  /** Normalized state. */
  state: InstanceState;
  /** The API's own word for the state. */
  providerState: string;
  publicIp: string | null;
  privateIp: string | null;
  /** What was actually provisioned. */
  region: string;
  type: string;
  architecture: Architecture;
  spot: boolean;
  tags: Record<string, string>;
  createdAt: Date;
  /** E.g. "arm64 not offered by digitalocean; provisioned amd64". */
  warnings: string[];
}

export interface Snapshot {
  id: string;
  provider: string;
  name: string;
  /** The instance it was taken from, when the API still says so. */
  instanceId: string | null;
  region: string | null;
  sizeGb: number | null;
  createdAt: Date;
}

export interface SshKey {
  id: string;
  name: string;
  fingerprint: string;
}

export interface Capabilities {
  architectures: readonly Architecture[];
  spot: boolean;
  snapshots: boolean;
  sshKeys: boolean;
}

/** Options every call takes. */
export interface Op {
  signal?: AbortSignal;
}

export interface WaitOptions extends Op {
  /** Overall limit; default 300 000 ms. */
  timeoutMs?: number;
}

export interface ListFilter {
  tags?: Record<string, string>;
}

/** What a create of a spec would provision, as the provider's preflight resolved it. */
export interface ResolvedSpec {
  /** The provider's native type (`cx23`, `t3.small`). */
  type: string;
  region: string;
  architecture: Architecture;
  /** The provider's image reference (`ubuntu-24.04`, an AMI id or `resolve:ssm:...`). */
  image: string;
  spot: boolean;
  warnings: string[];
}

export interface CloudProvider {
  readonly contractVersion: ContractVersion;
  readonly name: string;
  readonly capabilities: Capabilities;
  /** One light call; AuthenticationError if refused. */
  validateCredentials(o?: Op): Promise<void>;
  /**
   * Preflight: resolves everything `createInstance` would (type, region, image, SSH keys, tags, name,
   * user data, capabilities and `strict`) with read calls only, and throws exactly the typed error
   * that `createInstance` would throw for this spec. Both use one code path.
   */
  validateSpec(spec: InstanceSpec, o?: Op): Promise<ResolvedSpec>;
  /** Returns once the cloud accepted the request (not when the instance is ready). */
  createInstance(spec: InstanceSpec, o?: Op): Promise<Instance>;
  /** `null`: no such instance. A malformed id is an InvalidInputError. */
  getInstance(id: string, o?: Op): Promise<Instance | null>;
  /** Only managed instances (managed-by=stagely), all pages; terminated ones left out, terminating ones in. */
  listInstances(filter?: ListFilter, o?: Op): Promise<Instance[]>;
  /**
   * Idempotent: an unknown or already terminated id succeeds. Resolves once the instance is terminating
   * or gone, never while it still runs.
   */
  terminateInstance(id: string, o?: Op): Promise<void>;
  waitUntilReady(id: string, o?: WaitOptions): Promise<Instance>;
  createSnapshot(instanceId: string, name: string, o?: Op): Promise<Snapshot>;
  listSnapshots(o?: Op): Promise<Snapshot[]>;
  /** Idempotent. */
  deleteSnapshot(id: string, o?: Op): Promise<void>;
  listSshKeys(o?: Op): Promise<SshKey[]>;
}

/** Every method of CloudProvider: what a plugin's provider must have. */
export const PROVIDER_METHODS = [
  'validateCredentials',
  'validateSpec',
  'createInstance',
  'getInstance',
  'listInstances',
  'terminateInstance',
  'waitUntilReady',
  'createSnapshot',
  'listSnapshots',
  'deleteSnapshot',
  'listSshKeys',
] as const satisfies ReadonlyArray<keyof CloudProvider>;

/** The label every provider puts on what it creates; listing filters on it. */
export const MANAGED_BY_TAG = 'managed-by' as const;
export const MANAGED_BY_VALUE = 'stagely' as const;

export const DEFAULT_IMAGE: ImageSpec = { ubuntu: '24.04' };
export const DEFAULT_WAIT_TIMEOUT_MS = 300_000;

/** Ready = running with a public IP. */
export function isReady(instance: Instance): boolean {
  return instance.state === 'running' && instance.publicIp !== null;
}
