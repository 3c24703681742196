/**
 * Response headers and bodies as errors may hold them (docs/architecture.md, "Provider mechanics"):
 * a plain header bag, and a bounded snapshot with credentials removed for an error's `details`.
 */
import type { Redactor } from '../authoring/redact.js';

/** Header names lower-cased, values as strings: from axios' AxiosHeaders, fetch's Headers, a Map or a plain object. */
export function headerBag(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof headers !== 'object' || headers === null) return out;
  const source = headers as { toJSON?: () => object; entries?: () => Iterable<[string, unknown]> };
  const entries: Iterable<[string, unknown]> =
    typeof source.toJSON === 'function'
      ? Object.entries(source.toJSON())
      : typeof source.entries === 'function' && !Array.isArray(headers)
        ? source.entries()
        : Object.entries(headers);
  for (const [name, value] of entries) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

/** Headers a snapshot never keeps, whatever their value: they carry or set credentials. */
const SECRET_HEADER = /auth|cookie|token|secret|key|session|signature|credential|password/i;
/** JSON fields whose values a snapshot never keeps. */
const SECRET_FIELD = /^(.*[-_])?(token|secret|password|passwd|authorization|api[-_]?key|access[-_]?key|private[-_]?key|credentials?|user[-_]?data)$/i;

export const SNAPSHOT_LIMITS = { headers: 20, headerValueChars: 200, bodyChars: 1024 } as const;

export interface ResponseSnapshot {
  status: number;
  headers: Record<string, string>;
  /** The body as text (JSON re-serialised with secret fields masked), cut at SNAPSHOT_LIMITS.bodyChars. */
  body?: string;
  truncated?: true;
}

/**
 * What an error's `details` may keep of a response: the status, at most 20 headers that cannot hold a
 * credential, and the first KiB of the body with secret-looking JSON fields masked and every value
 * the redactor knows (the provider's token) removed.
 */
export function responseSnapshot(response: { status: number; headers?: unknown; data?: unknown }, redact: Redactor = (s) => s): ResponseSnapshot {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(headerBag(response.headers))) {
    if (Object.keys(headers).length >= SNAPSHOT_LIMITS.headers) break;
    if (SECRET_HEADER.test(name)) continue;
    headers[name] = redact(value).slice(0, SNAPSHOT_LIMITS.headerValueChars);
  }
  const snapshot: ResponseSnapshot = { status: response.status, headers };
  const text = bodyText(response.data);
  if (text !== undefined && text !== '') {
    const clean = redact(text);
    snapshot.body = clean.slice(0, SNAPSHOT_LIMITS.bodyChars);
    if (clean.length > SNAPSHOT_LIMITS.bodyChars) snapshot.truncated = true;
  }
  return snapshot;
}

function bodyText(data: unknown): string | undefined {
  if (data === undefined || data === null) return undefined;
  let value: unknown = data;
  if (typeof data === 'string') {
    try {
      value = JSON.parse(data) as unknown;
    } catch {
      return data;
    }
  } else if (data instanceof Uint8Array) {
    return `<${data.byteLength} bytes>`;
  }
  try {
    return JSON.stringify(value, (key, field: unknown) => (key !== '' && SECRET_FIELD.test(key) ? '[redacted]' : field));
  } catch {
    return undefined;
  }
}
