/**
 * Hetzner-shaped error answers for the fake API: `{ "error": { "code", "message", "details" } }`
 * with the status Hetzner uses for each code, plus the answers injected faults give.
 */
import type { FaultKind } from '@stagely/provider-core/testing';
import { json, type FakeHeaders, type FakeResponse } from '@stagely/provider-core/testing';
import { rateLimitHeaders, type RateLimitOptions } from './rate-limit.js';

export function hetznerError(status: number, code: string, message: string, details: unknown = null, headers: FakeHeaders = {}): FakeResponse {
  return json(status, { error: { code, message, details } }, headers);
}

/** 400 invalid_input naming the request field, as Hetzner does (`details.fields`). */
export function invalidInput(field: string, message: string): FakeResponse {
  return hetznerError(400, 'invalid_input', `invalid input in field '${field}'`, { fields: [{ name: field, messages: [message] }] });
}

export function notFound(what: string): FakeResponse {
  return hetznerError(404, 'not_found', `${what} not found`);
}

/** What a load balancer in front of the API answers when the API is down: HTML, not JSON. */
export const HTML_BAD_GATEWAY: FakeResponse = {
  status: 502,
  body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n',
  headers: { 'content-type': 'text/html' },
};

/**
 * Faults the fake can inject: the conformance suite's kinds, and Hetzner-specific ones
 * (`bad-gateway`: an HTML 502; `capacity` / `placement`: 412 on create; `locked`: 423).
 */
export type HetznerFaultKind = FaultKind | 'bad-gateway' | 'capacity' | 'placement' | 'locked';

/** The answer an injected fault gives (`reset` for a connection reset). */
export function faultAnswer(kind: HetznerFaultKind, rateLimit: RateLimitOptions, now: number): FakeResponse | 'reset' {
  switch (kind) {
    case 'unauthorized':
      return hetznerError(401, 'unauthorized', 'unable to authenticate');
    case 'forbidden':
      return hetznerError(403, 'forbidden', 'insufficient permissions for this request');
    case 'rate-limited':
      // The budget is spent: full again after limit / refill seconds, one request per 1 / refill.
      return hetznerError(
        429,
        'rate_limit_exceeded',
        `limit of ${rateLimit.limit} requests per hour reached`,
        null,
        rateLimitHeaders(rateLimit.limit, 0, now + (rateLimit.limit / rateLimit.refillPerSecond) * 1000),
      );
    case 'quota':
      return hetznerError(403, 'resource_limit_exceeded', 'server limit exceeded', { limits: [{ name: 'server_limit' }] });
    case 'server-error':
      return hetznerError(500, 'server_error', 'an unexpected server error occurred');
    case 'connection-reset':
      return 'reset';
    case 'bad-gateway':
      return HTML_BAD_GATEWAY;
    case 'capacity':
      return hetznerError(412, 'resource_unavailable', 'error during placement: resources are unavailable');
    case 'placement':
      return hetznerError(412, 'placement_error', 'error during placement');
    case 'locked':
      return hetznerError(423, 'locked', 'server is locked by another action');
  }
}
