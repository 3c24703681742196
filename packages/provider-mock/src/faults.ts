/**
 * Fault injection on the kit's FaultPlan, as the fakes of real clouds do it:
 * - `failNext(fault, times)`: the next requests fail the way a cloud's would, before they reach the
 *   store, so a failed request never changes state. Faults that only make sense on a create (quota,
 *   capacity) wait for one.
 * - `loseResponse(operation, times)`: the request IS carried out, then its answer is lost (a reset
 *   or a gateway's 502): the case that makes retrying a create dangerous.
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
import type { LostOperation } from '@stagely/provider-core/conformance';
import { FAULT_KIND_CODES, FaultPlan, type FaultPhaseEffect, type FaultKind } from '@stagely/provider-core/testing';
import { CREATE_OPERATION, OPERATIONS, type Operation } from './api.js';

export type { FaultKind };
/** Codes an API call can fail with; the others are the loader's, plan's or the caller's own. */
export type ApiFaultCode = Exclude<ErrorCode, 'ABORTED' | 'CREDENTIALS' | 'UNKNOWN_PROVIDER' | 'PROVIDER_NOT_INSTALLED' | 'INCOMPATIBLE_PLUGIN' | 'APPLY_FAILED'>;
/** What `failNext` takes: one of the conformance suite's fault kinds, or an API error code. */
export type Fault = FaultKind | ApiFaultCode;

/** Operations whose answer `loseResponse` can lose, by the conformance suite's name for each. */
export const LOSABLE_OPERATIONS = {
  create: 'instances.create',
  terminate: 'instances.delete',
  snapshot: 'snapshots.create',
} as const satisfies Record<LostOperation, Operation>;
export type LosableOperation = (typeof LOSABLE_OPERATIONS)[LostOperation];
/** How a lost answer reaches the client: the connection drops, or a gateway answers 502 in its place. */
export type LostAnswer = 'connection-reset' | 'bad-gateway';

/** The Retry-After the mock's 429 carries: short, so that retry tests stay fast. */
export const RATE_LIMIT_RETRY_AFTER_MS = 50;

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

/** What the fault plan decided for one request: an error instead of carrying it out, or after it. */
export interface RequestFaults {
  before?: StagelyError;
  after?: StagelyError;
}

/** The mock API's injected faults: a FaultPlan whose answers carry the fault they stand for. */
export class MockFaults {
  readonly #plan = new FaultPlan();

  failNext(fault: Fault, times = 1): void {
    if (!FAULTS.includes(fault)) {
      throw new InvalidInputError('fault', `Unknown fault "${String(fault)}"; known: ${FAULTS.join(', ')}`, p);
    }
    checkTimes(times);
    const code = faultCode(fault);
    this.#plan.add({
      ...(CREATE_ONLY.has(code) ? { operation: CREATE_OPERATION } : {}),
      times,
      ...(code === 'NETWORK' ? { reset: true } : { respond: { status: STATUS[code] ?? 500, body: { fault } } }),
    });
  }

  loseResponse(operation: LosableOperation, times = 1, answer: LostAnswer = 'connection-reset'): void {
    const losable: readonly string[] = Object.values(LOSABLE_OPERATIONS);
    if (!losable.includes(operation)) {
      throw new InvalidInputError('operation', `Cannot lose the answer of "${String(operation)}"; losable: ${losable.join(', ')}`, p);
    }
    if (answer !== 'connection-reset' && answer !== 'bad-gateway') {
      throw new InvalidInputError('answer', 'answer must be connection-reset or bad-gateway', p);
    }
    checkTimes(times);
    this.#plan.add({ operation, phase: 'after', times, ...(answer === 'connection-reset' ? { reset: true } : { respond: { status: 502 } }) });
  }

  clear(): void {
    this.#plan.clear();
  }

  /** Uses up the faults due for the next request of `operation`. */
  take(operation: Operation): RequestFaults {
    const effect = this.#plan.take({ operation, ...OPERATIONS[operation] });
    const before = phaseError(effect, operation, 'before');
    const after = effect.after && phaseError(effect.after, operation, 'after');
    return { ...(before ? { before } : {}), ...(after ? { after } : {}) };
  }
}

function phaseError(effect: FaultPhaseEffect, operation: Operation, phase: 'before' | 'after'): StagelyError | undefined {
  if (effect.reset) {
    return phase === 'before'
      ? FAILURES.NETWORK(operation)
      : new NetworkError(`${operation}: connection reset by peer (ECONNRESET) before the answer arrived`, p);
  }
  if (!effect.respond) return undefined;
  const fault = (effect.respond.body as { fault?: Fault } | undefined)?.fault;
  if (fault !== undefined) return faultError(fault, operation);
  return new ApiError(`${operation}: bad gateway (${effect.respond.status})`, effect.respond.status, p);
}

function checkTimes(times: number): void {
  if (!Number.isInteger(times) || times < 1) {
    throw new InvalidInputError('times', 'times must be a positive integer', p);
  }
}
