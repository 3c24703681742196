/**
 * Hetzner's error answers in core's terms (docs/architecture.md, "Errors"): the table of Hetzner
 * error codes, how its error body reads (`{ error: { code, message, details } }`), its field names,
 * and its rate limit (a budget refilled evenly, so a 429 waits for the next request, not the full
 * reset). Core's errorFromHttpResponse / errorFromAxios do the rest.
 */
import {
  ApiError,
  CapacityError,
  QuotaExceededError,
  errorFromAxios,
  errorFromHttpResponse,
  type ApiErrorBody,
  type AxiosErrorMappingOptions,
  type HttpErrorClass,
  type Redactor,
  type StagelyError,
} from '@stagely/provider-core/provider';

/** The API's name in messages. */
export const HETZNER_API = 'Hetzner API';

/** Hetzner error codes and what they mean; codes not here fall back on the status. */
export const HETZNER_ERROR_TABLE: Readonly<Record<string, HttpErrorClass>> = {
  unauthorized: 'AUTHENTICATION',
  forbidden: 'PERMISSION_DENIED',
  token_readonly: 'PERMISSION_DENIED',
  protected: 'PERMISSION_DENIED',
  rate_limit_exceeded: 'RATE_LIMITED',
  resource_limit_exceeded: 'QUOTA_EXCEEDED',
  resource_unavailable: 'CAPACITY',
  placement_error: 'CAPACITY',
  not_found: 'NOT_FOUND',
  invalid_input: 'INVALID_INPUT',
  json_error: 'INVALID_INPUT',
  uniqueness_error: 'CONFLICT',
  // Busy rather than broken: worth another try even when the status is a 4xx (423 locked, 409 conflict).
  locked: 'TRANSIENT',
  conflict: 'TRANSIENT',
  maintenance: 'TRANSIENT',
  unavailable: 'TRANSIENT',
  service_error: 'TRANSIENT',
  server_error: 'TRANSIENT',
  timeout: 'TRANSIENT',
};

/** Hetzner's names for request fields, in the contract's words (InvalidInputError.field). */
export const HETZNER_FIELD_NAMES: Readonly<Record<string, string>> = {
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

/** A Hetzner error body; undefined for anything else (an HTML page from a proxy, no body). */
export function readHetznerError(data: unknown): ApiErrorBody | undefined {
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
  return { id: code, message: typeof message === 'string' ? message : code, fields: invalidFields(details) };
}

/** `details.fields` of invalid_input: `[{ name, messages }]`. */
function invalidFields(details: unknown): ApiErrorBody['fields'] {
  const fields = (details as { fields?: unknown } | null | undefined)?.fields;
  if (!Array.isArray(fields)) return undefined;
  return fields.flatMap((field: unknown) => {
    const { name, messages } = (field ?? {}) as { name?: unknown; messages?: unknown };
    if (typeof name !== 'string') return [];
    return [{ name, messages: Array.isArray(messages) ? messages.filter((m): m is string => typeof m === 'string') : [] }];
  });
}

/**
 * A failed action (`status: error`) as a StagelyError: its error code read through the same table
 * as an HTTP answer's (a create that found no capacity is a CapacityError), its message redacted.
 * `what` says what failed, e.g. `Creating server 42`.
 */
export function actionFailure(
  action: { id: number; command: string; error?: { code: string; message: string } | null | undefined },
  what: string,
  ctx: { provider: string; redact: Redactor; details?: Record<string, unknown> },
): StagelyError {
  const code = action.error?.code;
  const reason = action.error ? `${ctx.redact(action.error.message)} (${action.error.code})` : 'no reason given';
  const message = `${what} failed: ${reason}`;
  const options = { provider: ctx.provider, details: { ...ctx.details, actionId: action.id, command: action.command, hetznerCode: code ?? null } };
  const kind = code === undefined ? undefined : HETZNER_ERROR_TABLE[code];
  if (kind === 'CAPACITY') return new CapacityError(message, options);
  if (kind === 'QUOTA_EXCEEDED') return new QuotaExceededError(message, options);
  // Whatever else the code says, the action is over: the same request would fail the same way.
  return new ApiError(message, undefined, options);
}

export const HETZNER_HTTP_ERRORS = {
  table: HETZNER_ERROR_TABLE,
  readBody: readHetznerError,
  fieldNames: HETZNER_FIELD_NAMES,
  codeKey: 'hetznerCode',
  retryAfter: { refill: 'even' },
} as const satisfies AxiosErrorMappingOptions['errors'];

export interface ErrorContext {
  provider: string;
  redact: Redactor;
  /** The API operation, e.g. `servers.create`; recorded in `details`. */
  operation?: string | undefined;
  signal?: AbortSignal | undefined;
  /** The request timeout, for the TimeoutError of a request that ran out of time. */
  timeoutMs?: number | undefined;
}

/** A Hetzner error answer (any body: JSON error object, HTML from a proxy, nothing). */
export function fromHttpResponse(status: number, headers: Record<string, string>, data: unknown, ctx: ErrorContext): StagelyError {
  return errorFromHttpResponse({ status, headers, data }, { ...HETZNER_HTTP_ERRORS, provider: ctx.provider, api: HETZNER_API, operation: ctx.operation, redact: ctx.redact });
}

/** Anything thrown by hcloud-js, axios or this package, as a StagelyError without secrets. */
export function toStagelyError(error: unknown, ctx: ErrorContext): StagelyError {
  return errorFromAxios(
    error,
    { provider: ctx.provider, api: HETZNER_API, redact: ctx.redact, timeoutMs: ctx.timeoutMs, errors: HETZNER_HTTP_ERRORS },
    { operation: ctx.operation, signal: ctx.signal },
  );
}
