/**
 * DigitalOcean's errors in the contract's words (docs/architecture.md, "Errors"): the table of its
 * error ids and the reader of its error body (`{ id, message, request_id }`), for core's HTTP error
 * mapping. dots-wrapper throws raw AxiosErrors that carry the token (in `config.headers` and in
 * `toJSON()`); the adapter hands each one to core's axios helper with this table at once, and
 * nothing of it is kept.
 */
import {
  CapacityError,
  QuotaExceededError,
  responseSnapshot,
  StagelyError,
  type ApiErrorBody,
  type AxiosErrorLike,
  type HttpErrorClass,
  type InstrumentAxiosOptions,
  type Redactor,
} from '@stagely/provider-core/provider';

/** DigitalOcean's error ids (the `id` of its error body); an id not listed falls back on its status. */
export const DIGITALOCEAN_ERROR_TABLE: Readonly<Record<string, HttpErrorClass>> = Object.freeze({
  unauthorized: 'AUTHENTICATION',
  forbidden: 'PERMISSION_DENIED',
  not_found: 'NOT_FOUND',
  too_many_requests: 'RATE_LIMITED',
  conflict: 'CONFLICT',
  precondition_failed: 'CONFLICT',
  bad_request: 'INVALID_INPUT',
  unprocessable_entity: 'INVALID_INPUT',
  server_error: 'API',
  service_unavailable: 'API',
});

/** The contract's field for words in a 422 message (InvalidInputError.field), first match wins. */
const FIELDS: Array<[RegExp, string]> = [
  [/\bsize\b/i, 'size'],
  [/\bregion\b/i, 'region'],
  [/\bimage\b/i, 'image'],
  [/ssh/i, 'sshKeys'],
  [/\btags?\b/i, 'tags'],
  [/user_data|user data/i, 'userData'],
  [/\bname\b/i, 'name'],
];

/** DigitalOcean's error body; undefined for anything else (an HTML page from a proxy, no body). */
export function readDigitalOceanError(data: unknown): ApiErrorBody | undefined {
  let value = data;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return undefined;
    }
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, message } = value as Record<string, unknown>;
  if (typeof id !== 'string') return undefined;
  const text = typeof message === 'string' ? message : id;
  // DigitalOcean names no field; its message does, in words.
  const field = FIELDS.find(([words]) => words.test(text))?.[1];
  return { id, message: text, ...(field ? { fields: [{ name: field, messages: [text] }] } : {}) };
}

/**
 * What a 422 (or a 412) says beyond its id, by its message: the Droplet limit is a quota, "please
 * try again" is transient (and, on a create, ambiguous), a size that cannot be had in the region is
 * capacity. The rest goes through the table.
 */
const BY_MESSAGE: Array<{ status: number[]; when: RegExp; make: (message: string, o: { provider: string; details: Record<string, unknown> }) => StagelyError }> = [
  { status: [412, 422], when: /droplet limit|exceed.*limit|limit.*(exceeded|reached)/i, make: (m, o) => new QuotaExceededError(m, o) },
  { status: [422], when: /try again/i, make: (m, o) => new StagelyError('API', m, { ...o, retryable: true, details: { ...o.details, transient: true } }) },
  {
    status: [422],
    when: /not available in this region|no capacity|insufficient capacity/i,
    make: (m, o) => new CapacityError(`${m} (try another region or size)`, o),
  },
];

/** core's axios helper options for DigitalOcean: the table, the body reader and the message rules. */
export function digitalOceanErrorOptions(provider: string, redact: Redactor): Pick<InstrumentAxiosOptions, 'api' | 'errors' | 'mapError'> {
  return {
    api: 'DigitalOcean API',
    errors: { table: DIGITALOCEAN_ERROR_TABLE, readBody: readDigitalOceanError, codeKey: 'digitalOceanId' },
    mapError: (error: AxiosErrorLike, call) => {
      const response = error.response;
      if (!response) return undefined;
      const body = readDigitalOceanError(response.data);
      const rule = body && BY_MESSAGE.find((r) => r.status.includes(response.status) && r.when.test(body.message ?? ''));
      if (!rule) return undefined;
      const message = `DigitalOcean API: ${redact(body.message ?? body.id ?? '')} (${body.id}, HTTP ${response.status})`;
      const details = { status: response.status, digitalOceanId: body.id, operation: call?.operation, response: responseSnapshot(response, redact) };
      return rule.make(message, { provider, details });
    },
  };
}
