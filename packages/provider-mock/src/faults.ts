/**
 * Fault injection: `failNext(fault, times)` makes the next API requests fail the way a cloud's
 * would. An injected fault fails the request before it reaches the store, so a failed request
 * never changes state. Faults that only make sense on a create (quota, capacity) wait for one.
 */
import {
  ApiError,
  AuthenticationError,
  CapacityError,
  ConflictError,
  InvalidInputError,
  isStagelyError,
  NetworkError,
  NotFoundError,
  NotSupportedError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  StagelyError,
  TimeoutError,
  type ErrorCode,
} from '@stagely/provider-core/provider';
import { FAULT_KIND_CODES, type FaultKind } from '@stagely/provider-core/testing';

export type { FaultKind };
/** Codes an API call can fail with; the others are the loader's, plan's or the caller's own. */
export type ApiFaultCode = Exclude<ErrorCode, 'ABORTED' | 'CREDENTIALS' | 'UNKNOWN_PROVIDER' | 'PROVIDER_NOT_INSTALLED' | 'INCOMPATIBLE_PLUGIN' | 'APPLY_FAILED'>;
/** What `failNext` takes: one of the conformance suite's fault kinds, or an API error code. */
export type Fault = FaultKind | ApiFaultCode;

/** The Retry-After the mock's 429 carries: short, so that retry tests stay fast. */
export const RATE_LIMIT_RETRY_AFTER_MS = 50;

/** The API operation that creates instances; create-only faults wait for it. */
export const CREATE_OPERATION = 'instances.create';

const CREATE_ONLY: ReadonlySet<ErrorCode> = new Set(['QUOTA_EXCEEDED', 'CAPACITY']);

const p = { provider: 'mock' } as const;

/**
 * The HTTP status the mock API answers a failure of each code with, injected or not; `undefined`:
 * no answer (a reset, an abort) or not an API failure at all. An ApiError answers with its own.
 */
const STATUS: Record<ErrorCode, number | undefined> = {
  AUTHENTICATION: 401,
  PERMISSION_DENIED: 403,
  QUOTA_EXCEEDED: 403,
  RATE_LIMITED: 429,
  CAPACITY: 503,
  NOT_FOUND: 404,
  INVALID_INPUT: 400,
  NOT_SUPPORTED: 400,
  CONFLICT: 409,
  TIMEOUT: 504,
  API: undefined,
  NETWORK: undefined,
  ABORTED: undefined,
  CREDENTIALS: undefined,
  UNKNOWN_PROVIDER: undefined,
  PROVIDER_NOT_INSTALLED: undefined,
  INCOMPATIBLE_PLUGIN: undefined,
  APPLY_FAILED: undefined,
};

/** The status a request that failed with `error` is reported with; anything not mapped is a bug in the mock: 500. */
export function statusOf(error: unknown): number | undefined {
  if (!isStagelyError(error)) return 500;
  return ApiError.isInstance(error) ? error.status : STATUS[error.code];
}

/** How each code fails, with core's class for it; a Record so that a new ErrorCode cannot be forgotten here. */
const FAILURES: Record<ApiFaultCode, (operation: string) => StagelyError> = {
  AUTHENTICATION: () => new AuthenticationError('The mock API refused the credentials (401 Unauthorized)', p),
  PERMISSION_DENIED: (op) => new PermissionDeniedError(`The credentials may not perform ${op} (403 Forbidden)`, { ...p, details: { operation: op } }),
  RATE_LIMITED: () =>
    new RateLimitError('The mock API is rate limiting requests (429 Too Many Requests)', { ...p, retryAfterMs: RATE_LIMIT_RETRY_AFTER_MS }),
  QUOTA_EXCEEDED: () => new QuotaExceededError('The account has reached its instance limit', p),
  CAPACITY: () => new CapacityError('No capacity for this type in this region', p),
  NOT_FOUND: (op) => new NotFoundError(`${op}: resource not found`, p),
  INVALID_INPUT: (op) => new InvalidInputError('request', `${op}: the API refused the request`, p),
  NOT_SUPPORTED: (op) => new NotSupportedError(op, `${op} is not supported`, p),
  CONFLICT: (op) => new ConflictError(`${op}: conflict`, p),
  TIMEOUT: (op) => new TimeoutError(op, 0, `${op}: the API did not answer in time`, p),
  NETWORK: (op) => new NetworkError(`${op}: connection reset by peer (ECONNRESET)`, p),
  API: (op) => new ApiError(`${op}: internal server error (500)`, 500, p),
};

export const FAULTS: readonly Fault[] = [...(Object.keys(FAULT_KIND_CODES) as FaultKind[]), ...(Object.keys(FAILURES) as ApiFaultCode[])];

export function faultCode(fault: Fault): ApiFaultCode {
  return (fault in FAULT_KIND_CODES ? FAULT_KIND_CODES[fault as FaultKind] : fault) as ApiFaultCode;
}

/** The error that `fault` makes a request for `operation` fail with. */
export function faultError(fault: Fault, operation: string): StagelyError {
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
