/**
 * DigitalOcean-shaped error answers for the fake API: `{ id, message, request_id }` (the API
 * reference's `error` schema) with the status DigitalOcean uses for each id, and the answers
 * injected faults give.
 */
import { randomUUID } from 'node:crypto';
import { json, type FakeHeaders, type FakeResponse, type FaultKind } from '@stagely/provider-core/testing';
import { rateLimitHeaders } from './rate-limit.js';

export function doError(status: number, id: string, message: string, headers: FakeHeaders = {}): FakeResponse {
  return json(status, { id, message, request_id: randomUUID() }, headers);
}

export function notFound(): FakeResponse {
  return doError(404, 'not_found', 'The resource you were accessing could not be found.');
}

/** DigitalOcean's answer to a request body it refuses. */
export function unprocessable(message: string): FakeResponse {
  return doError(422, 'unprocessable_entity', message);
}

/** What a load balancer in front of the API answers when the API is down: HTML, not JSON. */
export const HTML_BAD_GATEWAY: FakeResponse = {
  status: 502,
  body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n',
  headers: { 'content-type': 'text/html' },
};

/** The message DigitalOcean gives when the account's Droplet limit would be exceeded. */
export const DROPLET_LIMIT_MESSAGE = 'creating this/these droplet(s) will exceed your droplet limit';
/** A transient create failure DigitalOcean answers with 422. */
export const TRY_AGAIN_MESSAGE = 'We were unable to create your Droplet at this time, please try again.';

/**
 * Faults the fake can inject: the conformance suite's kinds, and DigitalOcean-specific ones
 * (`bad-gateway`: an HTML 502; `try-again`: the 422 "please try again" on create; `unavailable`: 503).
 */
export type DigitalOceanFaultKind = FaultKind | 'bad-gateway' | 'try-again' | 'unavailable';

/** The answer an injected fault gives (`reset` for a connection reset). */
export function faultAnswer(kind: DigitalOceanFaultKind, now: number): FakeResponse | 'reset' {
  switch (kind) {
    case 'unauthorized':
      return doError(401, 'unauthorized', 'Unable to authenticate you.');
    case 'forbidden':
      return doError(403, 'forbidden', 'You do not have permission to perform this action.');
    case 'rate-limited':
      // A spent budget whose oldest request expires within the next second.
      return doError(429, 'too_many_requests', 'API Rate limit exceeded.', rateLimitHeaders(250, 0, now + 1000));
    case 'quota':
      return unprocessable(DROPLET_LIMIT_MESSAGE);
    case 'server-error':
      return doError(500, 'server_error', 'Unexpected server-side error');
    case 'connection-reset':
      return 'reset';
    case 'bad-gateway':
      return HTML_BAD_GATEWAY;
    case 'try-again':
      return unprocessable(TRY_AGAIN_MESSAGE);
    case 'unavailable':
      return doError(503, 'service_unavailable', 'The service is temporarily unavailable.');
  }
}
