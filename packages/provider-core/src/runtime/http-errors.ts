/**
 * HTTP failures as StagelyErrors, once for every HTTP provider (docs/architecture.md, "Errors"): the
 * API's own error id (from a table the provider gives) decides first, the status after it; network
 * error codes become NetworkError / TimeoutError. Nothing of the raw request survives: no cause, no
 * config, no Authorization header; `details.response` is a bounded, credential-free snapshot.
 */
import type { Redactor } from '../authoring/redact.js';
import { abortedError } from './abort.js';
import {
  ApiError,
  AuthenticationError,
  CapacityError,
  ConflictError,
  InvalidInputError,
  NetworkError,
  NotFoundError,
  NotSupportedError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  StagelyError,
  TimeoutError,
} from '../contract/errors.js';
import { rateLimitInfo, retryAfterMs, type RetryAfterOptions } from './rate-limit-headers.js';
import { responseSnapshot } from './http-headers.js';

/** What an API error id means. `TRANSIENT`: busy rather than broken, worth another try whatever the status. */
export type HttpErrorClass =
  | 'AUTHENTICATION'
  | 'PERMISSION_DENIED'
  | 'QUOTA_EXCEEDED'
  | 'RATE_LIMITED'
  | 'CAPACITY'
  | 'NOT_FOUND'
  | 'INVALID_INPUT'
  | 'NOT_SUPPORTED'
  | 'CONFLICT'
  | 'TRANSIENT'
  | 'API';

/** An API's error body, read by the provider's `readBody`. */
export interface ApiErrorBody {
  /** The API's error id: Hetzner `error.code`, DigitalOcean `id`, EC2 `Code`. */
  id?: string | undefined;
  message?: string | undefined;
  /** Fields the API named as invalid (the first becomes InvalidInputError's `field`). */
  fields?: Array<{ name: string; messages: string[] }> | undefined;
}

export interface HttpErrorOptions {
  provider: string;
  /** The API's name in messages: `Hetzner API`. */
  api: string;
  /** The API operation, recorded in `details.operation`. */
  operation?: string | undefined;
  /** Removes the provider's credentials from anything the API echoed. */
  redact?: Redactor | undefined;
  /** The API's error ids and what they mean; ids not in it fall back on the status. */
  table?: Readonly<Record<string, HttpErrorClass>> | undefined;
  /** Reads the API's error body; undefined for a body that is not one (an HTML proxy page). */
  readBody?: ((data: unknown) => ApiErrorBody | undefined) | undefined;
  /** The API's field names in the contract's words (`server_type` -> `size`). */
  fieldNames?: Readonly<Record<string, string>> | undefined;
  /** The key under which `details` keeps the error id; default `apiCode`. */
  codeKey?: string | undefined;
  retryAfter?: RetryAfterOptions | undefined;
  /** For tests: the time Retry-After dates are read against. */
  now?: number | undefined;
}

export interface HttpErrorResponse {
  status: number;
  headers?: unknown;
  data?: unknown;
}

/** The class a bare status means when the API's error id says nothing more. */
export function classifyStatus(status: number): HttpErrorClass {
  if (status === 401) return 'AUTHENTICATION';
  if (status === 403) return 'PERMISSION_DENIED';
  if (status === 404 || status === 410) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 400 || status === 422) return 'INVALID_INPUT';
  if (status === 408) return 'TRANSIENT';
  return 'API';
}

/** An HTTP error answer (any body: the API's error JSON, HTML from a proxy, nothing) as a StagelyError. */
export function errorFromHttpResponse(response: HttpErrorResponse, options: HttpErrorOptions): StagelyError {
  const redact = options.redact ?? ((s: string) => s);
  const { status } = response;
  const body = options.readBody?.(response.data);
  const id = body?.id;
  const said = body?.message ? redact(body.message) : body ? (id ?? 'an error') : describeBody(status, response.data);
  const message = `${options.api}: ${said}${id ? ` (${id}, HTTP ${status})` : ` (HTTP ${status})`}`;
  const details: Record<string, unknown> = {
    status,
    [options.codeKey ?? 'apiCode']: id ?? null,
    operation: options.operation,
    response: responseSnapshot(response, redact),
  };
  const o = { provider: options.provider, details };
  const kind = (id !== undefined ? options.table?.[id] : undefined) ?? classifyStatus(status);
  switch (kind) {
    case 'AUTHENTICATION':
      return new AuthenticationError(message, o);
    case 'PERMISSION_DENIED':
      return new PermissionDeniedError(message, o);
    case 'QUOTA_EXCEEDED':
      return new QuotaExceededError(message, o);
    case 'RATE_LIMITED': {
      const now = options.now ?? Date.now();
      const resetAt = rateLimitInfo(response.headers, now).resetAt;
      if (resetAt !== undefined) details.resetAt = new Date(resetAt).toISOString();
      return new RateLimitError(message, { ...o, retryAfterMs: retryAfterMs(response.headers, now, options.retryAfter) });
    }
    case 'CAPACITY':
      return new CapacityError(message, o);
    case 'NOT_FOUND':
      return new NotFoundError(message, o);
    case 'INVALID_INPUT': {
      const fields = (body?.fields ?? []).map((f) => ({ name: f.name, messages: f.messages.map(redact) }));
      if (fields.length > 0) details.fields = fields;
      const first = fields[0]?.name;
      return new InvalidInputError(first === undefined ? 'spec' : (options.fieldNames?.[first] ?? first), message, o);
    }
    case 'NOT_SUPPORTED':
      return new NotSupportedError(id ?? 'request', message, o);
    case 'CONFLICT':
      return new ConflictError(message, o);
    case 'TRANSIENT':
      return new StagelyError('API', message, { ...o, retryable: true });
    default:
      return new ApiError(message, status, o);
  }
}

function describeBody(status: number, data: unknown): string {
  const kind =
    typeof data === 'string' && /<html|<!doctype/i.test(data) ? 'an HTML page' : data === undefined || data === null || data === '' ? 'no body' : 'a body that is not an API error';
  return `HTTP ${status} with ${kind}`;
}

/** Node / undici / axios codes of a request that ran out of time. */
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
/** Codes of an abort: the caller's signal, not the network. */
const ABORT_CODES = new Set(['ERR_CANCELED', 'ABORT_ERR']);

export interface NetworkErrorOptions {
  provider: string;
  /** The API's name in messages: `Hetzner API`. */
  api: string;
  operation?: string | undefined;
  /** The request's time limit, for a TimeoutError's `elapsedMs`. */
  timeoutMs?: number | undefined;
  redact?: Redactor | undefined;
  /** The caller's signal: an abort wins over whatever the request failed with. */
  signal?: AbortSignal | undefined;
}

/**
 * A request that got no answer: ETIMEDOUT / ECONNABORTED (a request timeout) -> TimeoutError, an abort
 * -> AbortedError, anything else (ECONNRESET, ECONNREFUSED, EAI_AGAIN, socket hang up...) -> NetworkError.
 */
export function networkErrorFrom(code: string | undefined, message: string, options: NetworkErrorOptions): StagelyError {
  const redact = options.redact ?? ((s: string) => s);
  const base = { provider: options.provider, details: { operation: options.operation, networkCode: code ?? null } };
  if (options.signal?.aborted || (code !== undefined && ABORT_CODES.has(code))) {
    return abortedError(options.signal, options.provider);
  }
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new TimeoutError(options.operation ?? 'request', options.timeoutMs ?? 0, `${options.api} request timed out (${redact(message)})`, base);
  }
  return new NetworkError(`Could not reach the ${options.api}: ${redact(message)}${code ? ` (${code})` : ''}`, base);
}
