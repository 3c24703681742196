/**
 * Every failure that leaves this provider as the right StagelyError (docs/architecture.md, "Errors").
 *
 * hcloud-js' own error handling loses what is needed here (its APIError is not an Error and has no
 * status or headers; an HTML 502 body makes it throw a TypeError), and raw axios errors carry the
 * request config with the Authorization header. So the adapter translates axios errors itself, from
 * the status, the Hetzner error body (`{ error: { code, message, details } }`) and the rate-limit
 * headers, and keeps nothing of the raw error: no `cause`, no config, no headers.
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
  /** The API operation, e.g. `servers.create`; recorded in `details`. */
  operation?: string | undefined;
  signal?: AbortSignal | undefined;
  /** The request timeout, for the TimeoutError of a request that ran out of time. */
  timeoutMs?: number | undefined;
}

/** The parts of an axios error this module reads; everything else is left behind. */
interface AxiosErrorLike {
  isAxiosError: true;
  code?: string;
  message: string;
  response?: { status: number; statusText?: string; headers?: unknown; data?: unknown };
}

export function isAxiosError(value: unknown): value is AxiosErrorLike {
  return typeof value === 'object' && value !== null && (value as { isAxiosError?: unknown }).isAxiosError === true;
}

/** Hetzner's names for request fields, in the contract's words (InvalidInputError.field). */
const FIELD_NAMES: Record<string, string> = {
  server_type: 'size',
  location: 'region',
  datacenter: 'region',
  image: 'image',
  ssh_keys: 'sshKeys',
  labels: 'tags',
  label_selector: 'filter.tags',
  user_data: 'userData',
  name: 'name',
  description: 'name',
};

/** Error codes that say "try again later": the resource is busy, or the API is. */
const TRANSIENT_CODES = new Set(['locked', 'conflict', 'maintenance', 'unavailable', 'service_error', 'server_error', 'timeout']);

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_NETWORK']);
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT']);

/** Anything thrown by hcloud-js, axios or this package, as a StagelyError without secrets. */
export function toStagelyError(error: unknown, ctx: ErrorContext): StagelyError {
  if (StagelyError.isInstance(error)) return error;
  if (ctx.signal?.aborted) return abortedError(ctx.signal, ctx.provider);
  if (isAxiosError(error)) return fromAxiosError(error, ctx);
  // Not HTTP: hcloud-js failing on a response it cannot model, or a bug. Ambiguous for a create,
  // which therefore looks the name up before trying again (provider.ts).
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new ApiError(`Unexpected failure in the Hetzner client: ${ctx.redact(text)}`, undefined, {
    provider: ctx.provider,
    details: { operation: ctx.operation, unexpected: true },
  });
}

export function fromAxiosError(error: AxiosErrorLike, ctx: ErrorContext): StagelyError {
  if (error.code === 'ERR_CANCELED') return abortedError(ctx.signal, ctx.provider);
  if (error.response) {
    return fromHttpResponse(error.response.status, headerBag(error.response.headers), error.response.data, ctx);
  }
  const base = { provider: ctx.provider, details: { operation: ctx.operation, networkCode: error.code ?? null } };
  if (error.code !== undefined && TIMEOUT_CODES.has(error.code)) {
    return new TimeoutError(ctx.operation ?? 'request', ctx.timeoutMs ?? 0, `Hetzner API request timed out (${ctx.redact(error.message)})`, base);
  }
  if (error.code === undefined || NETWORK_CODES.has(error.code) || /socket hang up|network/i.test(error.message)) {
    return new NetworkError(`Could not reach the Hetzner API: ${ctx.redact(error.message)}`, base);
  }
  return new NetworkError(`Hetzner API request failed: ${ctx.redact(error.message)} (${error.code})`, base);
}

/** A Hetzner error response (any body: JSON error object, HTML from a proxy, nothing). */
export function fromHttpResponse(status: number, headers: Record<string, string>, data: unknown, ctx: ErrorContext): StagelyError {
  const body = hetznerErrorBody(data);
  const code = body?.code;
  const said = body ? ctx.redact(body.message) : describeNonJson(status, data);
  const message = `Hetzner API: ${said}${code ? ` (${code}, HTTP ${status})` : ` (HTTP ${status})`}`;
  const details: Record<string, unknown> = { status, hetznerCode: code ?? null, operation: ctx.operation };
  const o = { provider: ctx.provider, details };

  switch (code) {
    case 'unauthorized':
      return new AuthenticationError(message, o);
    case 'forbidden':
    case 'token_readonly':
    case 'protected':
      return new PermissionDeniedError(message, o);
    case 'rate_limit_exceeded':
      return rateLimited(message, headers, o);
    case 'resource_limit_exceeded':
      return new QuotaExceededError(message, o);
    case 'resource_unavailable':
    case 'placement_error':
      return new CapacityError(message, o);
    case 'not_found':
      return new NotFoundError(message, o);
    case 'invalid_input':
    case 'json_error': {
      const fields = invalidFields(body?.details, ctx.redact);
      if (fields.length > 0) details.fields = fields;
      return new InvalidInputError(FIELD_NAMES[fields[0]?.name ?? ''] ?? fields[0]?.name ?? 'spec', message, o);
    }
    case 'uniqueness_error':
      return new ConflictError(message, o);
    default:
      break;
  }
  if (code !== undefined && TRANSIENT_CODES.has(code)) {
    // Busy rather than broken: worth another try even when the status is a 4xx (423 locked, 409 conflict).
    return new StagelyError('API', message, { ...o, retryable: true });
  }
  if (status === 401) return new AuthenticationError(message, o);
  if (status === 403) return new PermissionDeniedError(message, o);
  if (status === 404) return new NotFoundError(message, o);
  if (status === 409) return new ConflictError(message, o);
  if (status === 429) return rateLimited(message, headers, o);
  if (status === 400 || status === 422) return new InvalidInputError('spec', message, o);
  return new ApiError(message, status, o);
}

function rateLimited(message: string, headers: Record<string, string>, o: { provider: string; details: Record<string, unknown> }): RateLimitError {
  const limit = rateLimitWait(headers, Date.now());
  if (limit.resetAt) o.details.resetAt = limit.resetAt.toISOString();
  return new RateLimitError(message, { ...o, retryAfterMs: limit.retryAfterMs });
}

/**
 * How long to wait after a 429. Hetzner sends `RateLimit-Limit`, `RateLimit-Remaining` and
 * `RateLimit-Reset` (UNIX seconds when the budget is full again) and refills it evenly, so the next
 * request is allowed after (reset - now) / (limit - remaining), not at the full reset, which can be
 * an hour away. A `Retry-After` (from a proxy) wins when present.
 */
export function rateLimitWait(headers: Record<string, string>, now: number): { retryAfterMs: number | undefined; resetAt: Date | undefined } {
  const resetSeconds = Number(headers['ratelimit-reset']);
  const resetAt = headers['ratelimit-reset'] !== undefined && Number.isFinite(resetSeconds) ? new Date(resetSeconds * 1000) : undefined;
  const retryAfter = parseRetryAfter(headers['retry-after'], now);
  if (retryAfter !== undefined) return { retryAfterMs: retryAfter, resetAt };
  if (!resetAt) return { retryAfterMs: undefined, resetAt };
  const untilReset = Math.max(0, resetAt.getTime() - now);
  const limit = Number(headers['ratelimit-limit']);
  const remaining = Number(headers['ratelimit-remaining']);
  if (Number.isFinite(limit) && Number.isFinite(remaining) && limit > remaining && remaining >= 0) {
    return { retryAfterMs: Math.ceil(untilReset / (limit - remaining)), resetAt };
  }
  return { retryAfterMs: untilReset, resetAt };
}

function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

interface HetznerErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

function hetznerErrorBody(data: unknown): HetznerErrorBody | undefined {
  let value = data;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return undefined;
    }
  }
  const error = (value as { error?: unknown } | null)?.error;
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, message, details } = error as Record<string, unknown>;
  if (typeof code !== 'string') return undefined;
  return { code, message: typeof message === 'string' ? message : code, details };
}

function describeNonJson(status: number, data: unknown): string {
  const kind = typeof data === 'string' && /<html|<!doctype/i.test(data) ? 'an HTML page' : data === undefined || data === '' ? 'no body' : 'a body that is not a Hetzner error';
  return `HTTP ${status} with ${kind}`;
}

/** `details.fields` of invalid_input: `[{ name, messages }]`. */
function invalidFields(details: unknown, redact: Redactor): Array<{ name: string; messages: string[] }> {
  const fields = (details as { fields?: unknown } | null | undefined)?.fields;
  if (!Array.isArray(fields)) return [];
  return fields.flatMap((field: unknown) => {
    const { name, messages } = (field ?? {}) as { name?: unknown; messages?: unknown };
    if (typeof name !== 'string') return [];
    const texts = Array.isArray(messages) ? messages.filter((m): m is string => typeof m === 'string').map(redact) : [];
    return [{ name, messages: texts }];
  });
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
