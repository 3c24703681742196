/**
 * Fault injection: `failNext(fault, times)` makes the next API requests fail the way a cloud's
 * would. An injected fault fails the request before it reaches the store, so a failed request
 * never changes state. Faults that only make sense on a create (quota, capacity) wait for one.
 */
import {
  AbortedError,
  ApiError,
  AuthenticationError,
  CapacityError,
  ConflictError,
  CredentialsError,
  InvalidInputError,
  NetworkError,
  NotFoundError,
  NotSupportedError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  StagelyError,
  TimeoutError,
  type ErrorCode,
} from '@stagely/provider-core';
import type { FaultKind } from '@stagely/provider-core/testing';

export type { FaultKind };
/** What `failNext` takes: one of the conformance suite's fault kinds, or any error code. */
export type Fault = FaultKind | ErrorCode;

/** The Retry-After the mock's 429 carries: short, so that retry tests stay fast. */
export const RATE_LIMIT_RETRY_AFTER_MS = 50;

/** The API operation that creates instances; create-only faults wait for it. */
export const CREATE_OPERATION = 'instances.create';

const FAULT_KINDS: Record<FaultKind, ErrorCode> = {
  unauthorized: 'AUTHENTICATION',
  forbidden: 'PERMISSION_DENIED',
  'rate-limited': 'RATE_LIMITED',
  quota: 'QUOTA_EXCEEDED',
  'server-error': 'API',
  'connection-reset': 'NETWORK',
};

const CREATE_ONLY: ReadonlySet<ErrorCode> = new Set(['QUOTA_EXCEEDED', 'CAPACITY']);

type Make = (operation: string) => { error: StagelyError; status: number | undefined };
const p = { provider: 'mock' } as const;

/** How each code fails; a Record so that a new ErrorCode cannot be forgotten here. */
const FAILURES: Record<ErrorCode, Make> = {
  AUTHENTICATION: () => ({ error: new AuthenticationError('The mock API refused the credentials (401 Unauthorized)', p), status: 401 }),
  PERMISSION_DENIED: (op) => ({
    error: new PermissionDeniedError(`The credentials may not perform ${op} (403 Forbidden)`, { ...p, details: { operation: op } }),
    status: 403,
  }),
  RATE_LIMITED: () => ({
    error: new RateLimitError('The mock API is rate limiting requests (429 Too Many Requests)', {
      ...p,
      retryAfterMs: RATE_LIMIT_RETRY_AFTER_MS,
    }),
    status: 429,
  }),
  QUOTA_EXCEEDED: () => ({ error: new QuotaExceededError('The account has reached its instance limit', p), status: 403 }),
  CAPACITY: () => ({ error: new CapacityError('No capacity for this type in this region', p), status: 503 }),
  NOT_FOUND: (op) => ({ error: new NotFoundError(`${op}: resource not found`, p), status: 404 }),
  INVALID_INPUT: (op) => ({ error: new InvalidInputError('request', `${op}: the API refused the request`, p), status: 400 }),
  NOT_SUPPORTED: (op) => ({ error: new NotSupportedError(op, `${op} is not supported`, p), status: 400 }),
  CONFLICT: (op) => ({ error: new ConflictError(`${op}: conflict`, p), status: 409 }),
  TIMEOUT: (op) => ({ error: new TimeoutError(op, 0, `${op}: the API did not answer in time`, p), status: 504 }),
  NETWORK: (op) => ({ error: new NetworkError(`${op}: connection reset by peer (ECONNRESET)`, p), status: undefined }),
  API: (op) => ({ error: new ApiError(`${op}: internal server error (500)`, 500, p), status: 500 }),
  ABORTED: () => ({ error: new AbortedError(undefined, p), status: undefined }),
  CREDENTIALS: () => ({ error: new CredentialsError('Sealed credentials cannot be opened', p), status: undefined }),
  UNKNOWN_PROVIDER: () => ({ error: new StagelyError('UNKNOWN_PROVIDER', 'Unknown provider', p), status: undefined }),
  PROVIDER_NOT_INSTALLED: () => ({ error: new StagelyError('PROVIDER_NOT_INSTALLED', 'Provider not installed', p), status: undefined }),
  INCOMPATIBLE_PLUGIN: () => ({ error: new StagelyError('INCOMPATIBLE_PLUGIN', 'Incompatible plugin', p), status: undefined }),
  APPLY_FAILED: () => ({ error: new StagelyError('APPLY_FAILED', 'Apply failed', p), status: undefined }),
};

export const FAULTS: readonly Fault[] = [...(Object.keys(FAULT_KINDS) as FaultKind[]), ...(Object.keys(FAILURES) as ErrorCode[])];

export function faultCode(fault: Fault): ErrorCode {
  return fault in FAULT_KINDS ? FAULT_KINDS[fault as FaultKind] : (fault as ErrorCode);
}

/** The error (and HTTP status, if any) that `fault` makes a request for `operation` fail with. */
export function faultFailure(fault: Fault, operation: string): { error: StagelyError; status: number | undefined } {
  return FAILURES[faultCode(fault)](operation);
}

export class FaultQueue {
  #queue: Array<{ fault: Fault; remaining: number }> = [];

  add(fault: Fault, times = 1): void {
    if (!FAULTS.includes(fault)) {
      throw new InvalidInputError('fault', `Unknown fault "${String(fault)}"; known: ${FAULTS.join(', ')}`, p);
    }
    if (!Number.isInteger(times) || times < 1) {
      throw new InvalidInputError('times', 'times must be a positive integer', p);
    }
    this.#queue.push({ fault, remaining: times });
  }

  clear(): void {
    this.#queue = [];
  }

  get pending(): number {
    return this.#queue.reduce((sum, entry) => sum + entry.remaining, 0);
  }

  /** Consumes and returns the fault for the next request of `operation`, if one is due. */
  take(operation: string): Fault | undefined {
    const index = this.#queue.findIndex((e) => operation === CREATE_OPERATION || !CREATE_ONLY.has(faultCode(e.fault)));
    const entry = this.#queue[index];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining === 0) this.#queue.splice(index, 1);
    return entry.fault;
  }
}
