/** HTTP answers and network failures -> StagelyErrors; Retry-After and RateLimit-* headers; details snapshots. */
import { describe, expect, it } from 'vitest';
import { ApiError, InvalidInputError, NetworkError, RateLimitError, StagelyError, TimeoutError } from '../src/index.js';
import {
  classifyStatus,
  createRedactor,
  errorFromHttpResponse,
  headerBag,
  isAmbiguousFailure,
  networkErrorFrom,
  rateLimitInfo,
  responseSnapshot,
  retryAfterMs,
  type HttpErrorOptions,
} from '../src/provider.js';

const TOKEN = 'http-errors-token-9c2e71';
const api: HttpErrorOptions = {
  provider: 'acme',
  api: 'Acme API',
  operation: 'things.create',
  redact: createRedactor([TOKEN]),
  table: { busy: 'TRANSIENT', sold_out: 'CAPACITY', no_money: 'QUOTA_EXCEEDED', nope: 'NOT_SUPPORTED' },
  readBody: (data) => {
    const body = data as { id?: string; message?: string; fields?: string[] } | undefined;
    if (typeof body !== 'object' || body === null || typeof body.id !== 'string') return undefined;
    return { id: body.id, message: body.message, fields: body.fields?.map((name) => ({ name, messages: [`bad ${name}`] })) };
  },
  fieldNames: { server_type: 'size' },
};

describe('classifyStatus and errorFromHttpResponse', () => {
  it.each([
    [401, 'AUTHENTICATION'],
    [403, 'PERMISSION_DENIED'],
    [404, 'NOT_FOUND'],
    [409, 'CONFLICT'],
    [429, 'RATE_LIMITED'],
    [400, 'INVALID_INPUT'],
    [422, 'INVALID_INPUT'],
    [500, 'API'],
    [418, 'API'],
  ])('status %i without an error id -> %s', (status, code) => {
    expect(errorFromHttpResponse({ status }, api).code).toBe(code);
    expect(classifyStatus(status)).toBe(code);
  });

  it('the API error id decides before the status', () => {
    expect(errorFromHttpResponse({ status: 422, data: { id: 'busy' } }, api)).toMatchObject({ code: 'API', retryable: true });
    expect(errorFromHttpResponse({ status: 412, data: { id: 'sold_out' } }, api)).toMatchObject({ code: 'CAPACITY', retryable: false });
    expect(errorFromHttpResponse({ status: 403, data: { id: 'no_money' } }, api).code).toBe('QUOTA_EXCEEDED');
    expect(errorFromHttpResponse({ status: 400, data: { id: 'nope' } }, api).code).toBe('NOT_SUPPORTED');
    expect(errorFromHttpResponse({ status: 503, data: { id: 'something_new' } }, api)).toMatchObject({ code: 'API', retryable: true });
  });

  it('says what the API said, with the id and status, and names the first invalid field in the contract words', () => {
    const error = errorFromHttpResponse({ status: 400, data: { id: 'invalid_input', message: 'bad', fields: ['server_type', 'image'] } }, api);
    expect(InvalidInputError.isInstance(error)).toBe(true);
    expect(error.message).toBe('Acme API: bad (invalid_input, HTTP 400)');
    expect(error.details).toMatchObject({ field: 'size', status: 400, apiCode: 'invalid_input', operation: 'things.create' });
    expect(error.details.fields).toEqual([
      { name: 'server_type', messages: ['bad server_type'] },
      { name: 'image', messages: ['bad image'] },
    ]);
  });

  it('an HTML page or no body is described, never parsed into a TypeError', () => {
    expect(errorFromHttpResponse({ status: 502, data: '<html><body>Bad Gateway</body></html>' }, api).message).toContain('an HTML page');
    expect(errorFromHttpResponse({ status: 502 }, api).message).toContain('no body');
  });

  it('keeps the id under codeKey when the provider names one', () => {
    expect(errorFromHttpResponse({ status: 400, data: { id: 'x' } }, { ...api, codeKey: 'acmeCode' }).details.acmeCode).toBe('x');
  });

  it('a 429 carries the wait and the reset time', () => {
    const now = 1_700_000_000_000;
    const error = errorFromHttpResponse({ status: 429, headers: { 'Retry-After': '2', 'RateLimit-Reset': String(now / 1000 + 60) } }, { ...api, now });
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(error.retryAfterMs).toBe(2000);
    expect(error.details.resetAt).toBe(new Date(now + 60_000).toISOString());
  });

  it('nothing credential-like survives in message, details or toJSON()', () => {
    const error = errorFromHttpResponse(
      {
        status: 400,
        headers: { authorization: `Bearer ${TOKEN}`, 'set-cookie': 'sid=1', 'x-request-id': 'r1', echo: TOKEN },
        data: { id: 'invalid_input', message: `token ${TOKEN} is odd`, password: 'hunter2', nested: { api_key: 'k' } },
      },
      api,
    );
    const json = JSON.stringify(error.toJSON());
    expect(json).not.toContain(TOKEN);
    expect(json).not.toContain('hunter2');
    expect(json).not.toContain('sid=1');
    expect(json).not.toMatch(/"k"/);
    expect((error.details.response as { headers: object }).headers).toMatchObject({ 'x-request-id': 'r1' });
    expect(error.cause).toBeUndefined();
  });
});

describe('responseSnapshot', () => {
  it('is bounded: 20 headers, 200 characters a header, 1 KiB of body', () => {
    const headers = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`x-h${i}`, 'v'.repeat(500)]));
    const snapshot = responseSnapshot({ status: 500, headers, data: 'b'.repeat(5000) });
    expect(Object.keys(snapshot.headers)).toHaveLength(20);
    expect(Object.values(snapshot.headers).every((v) => v.length === 200)).toBe(true);
    expect(snapshot.body).toHaveLength(1024);
    expect(snapshot.truncated).toBe(true);
  });
});

describe('networkErrorFrom', () => {
  it.each([
    ['ECONNRESET', 'NETWORK'],
    ['ECONNREFUSED', 'NETWORK'],
    ['EAI_AGAIN', 'NETWORK'],
    [undefined, 'NETWORK'],
    ['ETIMEDOUT', 'TIMEOUT'],
    ['ECONNABORTED', 'TIMEOUT'],
    ['ERR_CANCELED', 'ABORTED'],
  ])('%s -> %s', (code, expected) => {
    const error = networkErrorFrom(code, 'failed', { provider: 'acme', api: 'Acme API', operation: 'things.list', timeoutMs: 100 });
    expect(error.code).toBe(expected);
  });

  it('a timeout names the operation and its limit; the message is redacted', () => {
    const error = networkErrorFrom('ETIMEDOUT', `timeout ${TOKEN}`, { provider: 'acme', api: 'Acme API', operation: 'things.list', timeoutMs: 2000, redact: createRedactor([TOKEN]) });
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ operation: 'things.list', elapsedMs: 2000, retryable: true });
    expect(error.message).not.toContain(TOKEN);
  });

  it('an aborted signal wins', () => {
    expect(networkErrorFrom('ECONNRESET', 'x', { provider: 'acme', api: 'A', signal: AbortSignal.abort() }).code).toBe('ABORTED');
  });
});

describe('retryAfterMs and rateLimitInfo', () => {
  const now = 1_700_000_000_000;
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs({ 'retry-after': '3' }, now)).toBe(3000);
    expect(retryAfterMs({ 'Retry-After': new Date(now + 4000).toUTCString() }, now)).toBe(4000);
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAfterMs({}, now)).toBeUndefined();
  });

  it('falls back on RateLimit-Reset and X-RateLimit-Reset (UNIX seconds or seconds from now)', () => {
    expect(retryAfterMs({ 'ratelimit-reset': String(now / 1000 + 7) }, now)).toBe(7000);
    expect(retryAfterMs({ 'x-ratelimit-reset': String(now / 1000 + 9) }, now)).toBe(9000);
    expect(retryAfterMs({ 'ratelimit-reset': '5' }, now)).toBe(5000);
    expect(retryAfterMs({ 'ratelimit-reset': String(now / 1000 - 5) }, now)).toBe(0);
  });

  it('with an evenly refilled budget, waits for the next request, not the full reset', () => {
    const headers = { 'ratelimit-limit': '100', 'ratelimit-remaining': '0', 'ratelimit-reset': String(now / 1000 + 10) };
    expect(retryAfterMs(headers, now, { refill: 'even' })).toBe(100);
    expect(retryAfterMs(headers, now)).toBe(10_000);
  });

  it('reads the whole budget', () => {
    expect(rateLimitInfo({ 'X-RateLimit-Limit': '250', 'X-RateLimit-Remaining': '3', 'X-RateLimit-Reset': String(now / 1000 + 30) }, now)).toEqual({
      limit: 250,
      remaining: 3,
      resetAt: now + 30_000,
    });
  });
});

describe('headerBag', () => {
  it('lower-cases names and stringifies values from plain objects, Maps, fetch Headers and toJSON bags', () => {
    expect(headerBag({ 'RateLimit-Limit': 10, 'Set-Cookie': ['a', 'b'], skip: undefined })).toEqual({ 'ratelimit-limit': '10', 'set-cookie': 'a, b' });
    expect(headerBag(new Headers({ 'Retry-After': '1' }))).toEqual({ 'retry-after': '1' });
    expect(headerBag(new Map([['X-A', '1']]))).toEqual({ 'x-a': '1' });
    expect(headerBag({ toJSON: () => ({ 'X-B': '2' }) })).toEqual({ 'x-b': '2' });
    expect(headerBag(null)).toEqual({});
  });
});

describe('isAmbiguousFailure', () => {
  it('is true where the request may have acted, false where the API guarantees it did not', () => {
    expect(isAmbiguousFailure(new NetworkError('reset'))).toBe(true);
    expect(isAmbiguousFailure(new TimeoutError('x', 1))).toBe(true);
    expect(isAmbiguousFailure(new ApiError('bad gateway', 502))).toBe(true);
    expect(isAmbiguousFailure(new ApiError('unreadable answer', undefined))).toBe(true);
    expect(isAmbiguousFailure(new StagelyError('API', 'service_error', { retryable: true, details: { status: 422 } }))).toBe(true);
    expect(isAmbiguousFailure(new RateLimitError('slow down'))).toBe(false);
    expect(isAmbiguousFailure(new ApiError('teapot', 418))).toBe(false);
    expect(isAmbiguousFailure(new InvalidInputError('size', 'bad'))).toBe(false);
    expect(isAmbiguousFailure(new Error('not ours'))).toBe(false);
  });
});
