/**
 * Every failure that leaves this provider as the right StagelyError (docs/architecture.md, errors).
 *
 * dots-wrapper throws raw AxiosErrors, which carry the request config with the Authorization
 * header (in `config.headers` and in `toJSON()`). The adapter translates each one here, from the
 * status, DigitalOcean's error body (`{ id, message, request_id }`) and the `ratelimit-*` headers,
 * and keeps nothing of it: no `cause`, no config, no headers.
 */
import {
  abortedError,
  ApiError,
  AuthenticationError,
  CapacityError,
  ConflictError,
  InvalidInputError,
  NetworkError,
  NotFoundError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  StagelyError,
  TimeoutError,
  type Redactor,
} from '@stagely/provider-core/provider';

export interface ErrorContext {
  provider: string;
  redact: Redactor;
  /** The API operation, e.g. `droplets_create`; recorded in `details`. */
  operation?: string | undefined;
  signal?: AbortSignal | undefined;
  /** The request timeout, for the TimeoutError of a request that ran out of time. */
  timeoutMs?: number | undefined;
  /** The region a create asked for, named in a CapacityError. */
  region?: string | undefined;
}

/** The parts of an axios error this module reads; everything else is left behind. */
interface AxiosErrorLike {
  isAxiosError: true;
  code?: string;
  message: string;
  response?: { status: number; headers?: unknown; data?: unknown };
}

export function isAxiosError(value: unknown): value is AxiosErrorLike {
  return typeof value === 'object' && value !== null && (value as { isAxiosError?: unknown }).isAxiosError === true;
}

type Options = { provider: string; details: Record<string, unknown>; retryAfterMs?: number | undefined };

/**
 * DigitalOcean's error ids (the `id` of its error body) and what each one is. An id not listed
 * falls back to its status.
 */
const BY_ID: Record<string, (message: string, o: Options) => StagelyError> = {
  unauthorized: (m, o) => new AuthenticationError(m, o),
  forbidden: (m, o) => new PermissionDeniedError(m, o),
  not_found: (m, o) => new NotFoundError(m, o),
  too_many_requests: (m, o) => new RateLimitError(m, o),
  conflict: (m, o) => new ConflictError(m, o),
  bad_request: (m, o) => new InvalidInputError('spec', m, o),
  server_error: (m, o) => new ApiError(m, o.details.status as number, o),
  service_unavailable: (m, o) => new ApiError(m, o.details.status as number, o),
};

/**
 * 422 `unprocessable_entity` says many things; its message tells which. The Droplet limit is a
 * quota, "please try again" is transient (and, on a create, ambiguous), a size that cannot be had
 * in a region is capacity; the rest is bad input, named after the field the message mentions.
 */
const UNPROCESSABLE: Array<{ when: RegExp; make: (message: string, o: Options, ctx: ErrorContext) => StagelyError }> = [
  { when: /droplet limit|exceed.*limit|limit.*exceed/i, make: (m, o) => new QuotaExceededError(m, o) },
  { when: /try again/i, make: (m, o) => new StagelyError('API', m, { ...o, retryable: true, details: { ...o.details, transient: true } }) },
  {
    when: /not available in this region|no capacity|insufficient capacity/i,
    make: (m, o, ctx) =>
      new CapacityError(ctx.region ? `${m} (region ${ctx.region}; try another region or size)` : m, { ...o, details: { ...o.details, region: ctx.region ?? null } }),
  },
];

/** The contract's field for words in a 422 message (InvalidInputError.field). */
const FIELDS: Array<[RegExp, string]> = [
  [/\bsize\b/i, 'size'],
  [/\bregion\b/i, 'region'],
  [/\bimage\b/i, 'image'],
  [/ssh/i, 'sshKeys'],
  [/\btags?\b/i, 'tags'],
  [/user_data|user data/i, 'userData'],
  [/\bname\b/i, 'name'],
];

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_NETWORK']);
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT']);

/** Anything thrown by dots-wrapper, axios or this package, as a StagelyError without secrets. */
export function toStagelyError(error: unknown, ctx: ErrorContext): StagelyError {
  if (StagelyError.isInstance(error)) return error;
  if (ctx.signal?.aborted) return abortedError(ctx.signal, ctx.provider);
  if (isAxiosError(error)) return fromAxiosError(error, ctx);
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new ApiError(`Unexpected failure in the DigitalOcean client: ${ctx.redact(text)}`, undefined, {
    provider: ctx.provider,
    details: { operation: ctx.operation, unexpected: true },
  });
}

function fromAxiosError(error: AxiosErrorLike, ctx: ErrorContext): StagelyError {
  if (error.code === 'ERR_CANCELED') return abortedError(ctx.signal, ctx.provider);
  if (error.response) return fromHttpResponse(error.response.status, headerBag(error.response.headers), error.response.data, ctx);
  const base = { provider: ctx.provider, details: { operation: ctx.operation, networkCode: error.code ?? null } };
  if (error.code !== undefined && TIMEOUT_CODES.has(error.code)) {
    return new TimeoutError(ctx.operation ?? 'request', ctx.timeoutMs ?? 0, `DigitalOcean API request timed out (${ctx.redact(error.message)})`, base);
  }
  if (error.code === undefined || NETWORK_CODES.has(error.code) || /socket hang up|network/i.test(error.message)) {
    return new NetworkError(`Could not reach the DigitalOcean API: ${ctx.redact(error.message)}`, base);
  }
  return new NetworkError(`DigitalOcean API request failed: ${ctx.redact(error.message)} (${error.code})`, base);
}

/** A DigitalOcean error response (any body: its JSON error, HTML from a proxy, nothing). */
export function fromHttpResponse(status: number, headers: Record<string, string>, data: unknown, ctx: ErrorContext): StagelyError {
  const body = errorBody(data);
  const said = body ? ctx.redact(body.message) : describeNonJson(status, data);
  const message = `DigitalOcean API: ${said}${body ? ` (${body.id}, HTTP ${status})` : ` (HTTP ${status})`}`;
  const details: Record<string, unknown> = { status, digitalOceanId: body?.id ?? null, operation: ctx.operation };
  if (body?.requestId) details.requestId = body.requestId;
  const o: Options = { provider: ctx.provider, details };

  if (status === 429 || body?.id === 'too_many_requests') {
    const wait = rateLimitWait(headers, Date.now());
    if (wait.resetAt) details.resetAt = wait.resetAt.toISOString();
    return new RateLimitError(message, { ...o, retryAfterMs: wait.retryAfterMs ?? 1000 });
  }
  if (status === 422 || body?.id === 'unprocessable_entity') {
    const known = UNPROCESSABLE.find((rule) => rule.when.test(body?.message ?? ''));
    if (known) return known.make(message, o, ctx);
    return new InvalidInputError(FIELDS.find(([words]) => words.test(body?.message ?? ''))?.[1] ?? 'spec', message, o);
  }
  if (status === 412 && /limit/i.test(body?.message ?? '')) return new QuotaExceededError(message, o);
  const byId = body ? BY_ID[body.id] : undefined;
  if (byId) return byId(message, o);
  if (status === 401) return new AuthenticationError(message, o);
  if (status === 403) return new PermissionDeniedError(message, o);
  if (status === 404) return new NotFoundError(message, o);
  if (status === 409 || status === 412) return new ConflictError(message, o);
  if (status === 400) return new InvalidInputError('spec', message, o);
  return new ApiError(message, status, o);
}

/**
 * How long to wait after a 429. DigitalOcean sends `ratelimit-reset`: UNIX seconds when the
 * oldest counted request expires, and with it one more request is allowed. A `Retry-After` (from
 * a proxy) wins when present.
 */
export function rateLimitWait(headers: Record<string, string>, now: number): { retryAfterMs: number | undefined; resetAt: Date | undefined } {
  const resetSeconds = Number(headers['ratelimit-reset']);
  const resetAt = headers['ratelimit-reset'] !== undefined && Number.isFinite(resetSeconds) ? new Date(resetSeconds * 1000) : undefined;
  const retryAfter = parseRetryAfter(headers['retry-after'], now);
  if (retryAfter !== undefined) return { retryAfterMs: retryAfter, resetAt };
  return { retryAfterMs: resetAt ? Math.max(0, resetAt.getTime() - now) : undefined, resetAt };
}

function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function errorBody(data: unknown): { id: string; message: string; requestId?: string } | undefined {
  let value = data;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return undefined;
    }
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, message, request_id: requestId } = value as Record<string, unknown>;
  if (typeof id !== 'string') return undefined;
  return { id, message: typeof message === 'string' ? message : id, ...(typeof requestId === 'string' ? { requestId } : {}) };
}

function describeNonJson(status: number, data: unknown): string {
  const kind = typeof data === 'string' && /<html|<!doctype/i.test(data) ? 'an HTML page' : data === undefined || data === '' ? 'no body' : 'a body that is not a DigitalOcean error';
  return `HTTP ${status} with ${kind}`;
}

/** Header names lower-cased, values as strings (axios gives an AxiosHeaders or a plain object). */
export function headerBag(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof headers !== 'object' || headers === null) return out;
  const plain = typeof (headers as { toJSON?: unknown }).toJSON === 'function' ? (headers as { toJSON(): object }).toJSON() : headers;
  for (const [name, value] of Object.entries(plain)) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}
