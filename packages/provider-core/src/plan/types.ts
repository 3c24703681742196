/**
 * The shapes of declarative environments (docs/architecture.md, "Plan and apply"): what the user wants (`DesiredEnvironment`),
 * what would change (`Plan`), and what `apply` reports. A plan is plain JSON (no Dates, no
 * undefined values) so that it can be printed, saved and compared byte for byte.
 */
import type { InstanceSpec, ResolvedSpec } from '../contract/contract.js';

/** One host of an environment: an InstanceSpec whose `name` is the host's name within it. */
export interface HostSpec extends InstanceSpec {
  /** The host's name in the environment; the instance is named `<environment>-<name>`. */
  name: string;
  /** Recorded as the `stagely-role` tag. */
  role?: string;
}

export interface DesiredEnvironment {
  environment: string;
  hosts: HostSpec[];
}

/** What to do with an existing host that differs from the file. */
export type ConflictPolicy = 'report' | 'replace';

/** Fields that cannot be changed in place; a difference in one of them is a conflict. */
export type ConflictField = 'size' | 'architecture' | 'region' | 'image' | 'role';

export interface FieldDifference {
  field: ConflictField;
  /** Rendered for people and JSON: `small`, `type:cx23`, `ubuntu:24.04`, `arm64`... */
  desired: string | null;
  /** What the instance has; `null` when it is not known (nothing recorded at creation). */
  actual: string | null;
}

/** A host to create. */
export interface PlanCreate {
  /** The instance name, `<environment>-<host>`. */
  name: string;
  host: string;
  /** Exactly what will be passed to `createInstance`, tags included. */
  spec: InstanceSpec & { name: string; tags: Record<string, string> };
  /** What the provider's `validateSpec` resolved for `spec`; absent when the host has a problem. */
  resolved?: ResolvedSpec;
}

/**
 * Something that would make apply fail for a host, found while planning: a spec the provider
 * refuses (`validateSpec`) or an instance name another host or environment makes too.
 */
export interface PlanProblem {
  host: string;
  /** The instance name, `<environment>-<host>`. */
  name: string;
  /** The host's field, as the provider named it: `region`, `tags.team`, `sshKeys[0]`, `name`... */
  field: string;
  /** `INVALID_INPUT` or `NOT_SUPPORTED` (the provider's error), `CONFLICT` (a name made twice). */
  code: string;
  message: string;
}

/** An instance to terminate. */
export interface PlanDelete {
  name: string;
  /** Its `stagely-host` tag, `null` when it has none. */
  host: string | null;
  instanceId: string;
  /** `not-in-file`: no such host is desired; `duplicate`: another instance already serves the host. */
  reason: 'not-in-file' | 'duplicate';
}

/** An existing instance that matches the file. */
export interface PlanKeep {
  name: string;
  host: string;
  instanceId: string;
}

/** An existing instance that differs from the file; left alone unless the policy is `replace`. */
export interface PlanConflict {
  name: string;
  host: string;
  instanceId: string;
  differences: FieldDifference[];
}

/** A conflict the `replace` policy resolves: terminate `instanceId`, then create `spec`. */
export interface PlanReplace extends PlanConflict {
  spec: PlanCreate['spec'];
  resolved?: ResolvedSpec;
}

/** Any entry of a plan's lists. */
export type PlanEntry = PlanCreate | PlanDelete | PlanKeep | PlanConflict | PlanReplace;

export interface Plan {
  /** The plan format; bumped if its meaning changes. */
  version: 1;
  /** The provider the plan was made against; `apply` refuses another. */
  provider: string;
  environment: string;
  policy: ConflictPolicy;
  create: PlanCreate[];
  delete: PlanDelete[];
  keep: PlanKeep[];
  /** Reported, never acted on (policy `report`). Empty under policy `replace`. */
  conflicts: PlanConflict[];
  /** Conflicts to resolve by delete + create (policy `replace`). */
  replace: PlanReplace[];
  /** What would make apply fail, sorted by host and field; apply refuses a plan that has any. */
  problems: PlanProblem[];
}

export interface PlanOptions {
  /** `report` (default): conflicts are listed and left alone. `replace`: they become `replace` entries. */
  policy?: ConflictPolicy;
  /**
   * The region hosts without one are created in (the provider config's region). When given, existing
   * hosts without a region in the file are compared against it; when not, their region is not compared.
   */
  defaultRegion?: string;
  /**
   * The other environments managed alongside (e.g. the rest of the file): a host whose instance name
   * one of them makes too is a problem.
   */
  otherEnvironments?: readonly DesiredEnvironment[];
  /** `validateSpec` calls at once; default 4. */
  preflightConcurrency?: number;
  signal?: AbortSignal;
}

export type ApplyAction = 'create' | 'delete' | 'replace';

export type ApplyStatus =
  | 'queued'
  | 'creating'
  | 'waiting'
  | 'ready'
  | 'deleting'
  | 'deleted'
  /** Found already there and matching (a repeated apply): nothing done. */
  | 'skipped'
  | 'failed';

export interface ApplyProgressEvent {
  environment: string;
  /** Instance name. */
  name: string;
  host: string | null;
  action: ApplyAction;
  status: ApplyStatus;
  instanceId?: string;
  /** On `failed`: the error's code and message (never a credential). */
  error?: { code: string; message: string };
}

export interface ApplyOptions {
  /** How many hosts are worked on at once; default 4. */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (event: ApplyProgressEvent) => void;
  /** Readiness limit per created host; default the provider's (300 s). */
  readyTimeoutMs?: number;
}

export interface AppliedInstance {
  name: string;
  host: string | null;
  instanceId: string;
  publicIp?: string | null;
}

export interface ApplyFailure {
  name: string;
  host: string | null;
  action: ApplyAction;
  code: string;
  message: string;
  /** The instance concerned, when one exists or existed. */
  instanceId?: string;
  /** For a create that failed after the cloud accepted it: whether that instance was terminated. */
  terminated?: boolean;
}

export interface ApplyResult {
  environment: string;
  /** Created and ready (replacements included). */
  created: AppliedInstance[];
  /** Terminated (replaced instances included). */
  deleted: AppliedInstance[];
  /** Creates found already done (matching instance present). */
  skipped: AppliedInstance[];
  /** Conflicts the plan reported and apply left alone. */
  conflicts: PlanConflict[];
}
