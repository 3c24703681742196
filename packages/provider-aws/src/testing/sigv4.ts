/**
 * Checks an AWS Signature Version 4 request signature, as EC2 does, so the real SDK's signing is
 * exercised over loopback: a request signed with another secret, for another service or with a
 * stale date is refused (`AuthFailure`). Only header-signed requests (`Authorization:`), which is
 * what the SDK sends.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface FakeCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface SignedRequest {
  method: string;
  /** The path as sent (still percent-encoded). */
  path: string;
  /** The query string without `?`. */
  search: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
}

export type SignatureCheck =
  | { ok: true; accessKeyId: string; region: string; service: string }
  | { ok: false; reason: string };

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;
/** How far a request's date may be from the fake's clock (EC2 allows 5 minutes). */
const MAX_SKEW_MS = 5 * 60_000;

const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** The signing region and access key of a request, without checking it (for routing by region). */
export function credentialScope(headers: IncomingHttpHeaders): { accessKeyId: string; region: string } | undefined {
  const match = AUTH.exec(String(headers.authorization ?? ''));
  return match ? { accessKeyId: match[1]!, region: match[3]! } : undefined;
}

export function verifySignature(request: SignedRequest, known: readonly FakeCredentials[], now: number): SignatureCheck {
  const match = AUTH.exec(String(request.headers.authorization ?? ''));
  if (!match) return { ok: false, reason: 'no AWS4-HMAC-SHA256 Authorization header' };
  const [, accessKeyId, day, region, service, signedHeaders, signature] = match as unknown as string[];
  const credentials = known.find((c) => c.accessKeyId === accessKeyId);
  if (!credentials) return { ok: false, reason: 'unknown access key' };
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  const signedAt = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!amzDate.startsWith(day!) || Number.isNaN(signedAt)) return { ok: false, reason: 'bad X-Amz-Date' };
  if (Math.abs(now - signedAt) > MAX_SKEW_MS) return { ok: false, reason: 'request date too far from the server clock' };
  if (credentials.sessionToken !== undefined && request.headers['x-amz-security-token'] !== credentials.sessionToken) {
    return { ok: false, reason: 'missing or wrong session token' };
  }
  const names = signedHeaders!.split(';');
  if (!names.includes('host')) return { ok: false, reason: 'host is not signed' };
  const canonicalHeaders = names.map((name) => `${name}:${String(request.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const payloadHash = typeof request.headers['x-amz-content-sha256'] === 'string' ? request.headers['x-amz-content-sha256'] : sha256(request.rawBody);
  const canonicalRequest = [request.method, request.path, canonicalQuery(request.search), canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day!), region!), service!), 'aws4_request');
  const expected = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(signature!))) return { ok: false, reason: 'signature does not match' };
  return { ok: true, accessKeyId: accessKeyId!, region: region!, service: service! };
}

function canonicalQuery(search: string): string {
  if (search === '') return '';
  return search
    .split('&')
    .map((pair) => {
      const [name = '', value = ''] = pair.split('=');
      return [encode(decodeURIComponent(name)), encode(decodeURIComponent(value.replace(/\+/g, ' ')))] as const;
    })
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

function encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
