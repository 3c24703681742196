/** Hetzner error answers -> StagelyErrors, and the rate-limit arithmetic. */
import { isStagelyError } from '@stagely/provider-core';
import { createRedactor } from '@stagely/provider-core/provider';
import { describe, expect, it } from 'vitest';
import { fromHttpResponse, toStagelyError } from '../src/errors.js';

const TOKEN = 'errors-test-token-5b1d';
const ctx = { provider: 'hetzner', redact: createRedactor([TOKEN]), operation: 'servers.create' };
const body = (code: string, message = `${code} happened`, details: unknown = null) => ({ error: { code, message, details } });

describe('fromHttpResponse', () => {
  const cases: Array<[status: number, code: string, expected: string, retryable: boolean]> = [
    [401, 'unauthorized', 'AUTHENTICATION', false],
    [403, 'forbidden', 'PERMISSION_DENIED', false],
    [403, 'token_readonly', 'PERMISSION_DENIED', false],
    [429, 'rate_limit_exceeded', 'RATE_LIMITED', true],
    [403, 'resource_limit_exceeded', 'QUOTA_EXCEEDED', false],
    [412, 'resource_unavailable', 'CAPACITY', false],
    [412, 'placement_error', 'CAPACITY', false],
    [404, 'not_found', 'NOT_FOUND', false],
    [400, 'invalid_input', 'INVALID_INPUT', false],
    [400, 'json_error', 'INVALID_INPUT', false],
    [409, 'uniqueness_error', 'CONFLICT', false],
    [423, 'locked', 'API', true],
    [409, 'conflict', 'API', true],
    [500, 'server_error', 'API', true],
    [503, 'service_error', 'API', true],
    [503, 'maintenance', 'API', true],
    [504, 'timeout', 'API', true],
    [422, 'unsupported_error', 'INVALID_INPUT', false],
  ];
  for (const [status, code, expected, retryable] of cases) {
    it(`${status} ${code} -> ${expected}${retryable ? ', retryable' : ''}`, () => {
      const error = fromHttpResponse(status, {}, body(code), ctx);
      expect(error.code).toBe(expected);
      expect(error.retryable).toBe(retryable);
      expect(error.details).toMatchObject({ status, hetznerCode: code, operation: 'servers.create' });
      expect(error.provider).toBe('hetzner');
    });
  }

  it('unknown codes fall back on the status', () => {
    expect(fromHttpResponse(401, {}, body('something_new'), ctx).code).toBe('AUTHENTICATION');
    expect(fromHttpResponse(404, {}, body('something_new'), ctx).code).toBe('NOT_FOUND');
    expect(fromHttpResponse(502, {}, body('something_new'), ctx)).toMatchObject({ code: 'API', retryable: true });
    expect(fromHttpResponse(418, {}, body('something_new'), ctx)).toMatchObject({ code: 'API', retryable: false });
  });

  it('an HTML 502 is a retryable ApiError with the status, not a TypeError', () => {
    const html = '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>';
    const error = fromHttpResponse(502, { 'content-type': 'text/html' }, html, ctx);
    expect(error.code).toBe('API');
    expect(error.retryable).toBe(true);
    expect(error.details.status).toBe(502);
    expect(error.message).toContain('HTML');
  });

  it('invalid_input names the field in the contract words and keeps the messages', () => {
    const error = fromHttpResponse(400, {}, body('invalid_input', 'invalid input', { fields: [{ name: 'server_type', messages: ['not found'] }] }), ctx);
    expect(error.details.field).toBe('size');
    expect(error.details.fields).toEqual([{ name: 'server_type', messages: ['not found'] }]);
  });

  it('a token echoed by the API is redacted from the message and details', () => {
    const echoed = body('invalid_input', `bad header Bearer ${TOKEN}`, { fields: [{ name: 'labels', messages: [`value ${TOKEN}`] }] });
    const error = fromHttpResponse(400, {}, echoed, ctx);
    expect(JSON.stringify(error.toJSON())).not.toContain(TOKEN);
    expect(error.message).not.toContain(TOKEN);
  });

  it('429 carries the wait until the next request and the full reset time', () => {
    const now = Date.now();
    const reset = Math.ceil(now / 1000) + 3600;
    const error = fromHttpResponse(429, { 'ratelimit-limit': '3600', 'ratelimit-remaining': '0', 'ratelimit-reset': String(reset) }, body('rate_limit_exceeded'), ctx);
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.retryAfterMs).toBeGreaterThan(900);
    expect(error.retryAfterMs).toBeLessThanOrEqual(1001);
    expect(error.details.resetAt).toBe(new Date(reset * 1000).toISOString());
  });
});

describe('the wait after a 429 (Hetzner refills its budget evenly)', () => {
  const wait = (headers: Record<string, string>) => fromHttpResponse(429, headers, body('rate_limit_exceeded'), ctx).retryAfterMs;
  const now = Date.now();
  const inSeconds = (s: number) => String(Math.round(now / 1000) + s);
  it('spreads the time to the full reset over the spent budget, not the full reset', () => {
    expect(wait({ 'ratelimit-limit': '100', 'ratelimit-remaining': '0', 'ratelimit-reset': inSeconds(100) })).toBeGreaterThan(900);
    expect(wait({ 'ratelimit-limit': '100', 'ratelimit-remaining': '0', 'ratelimit-reset': inSeconds(100) })).toBeLessThanOrEqual(1010);
  });
  it('uses the full reset when the budget is unknown, and Retry-After when given', () => {
    expect(wait({ 'ratelimit-reset': inSeconds(7) })).toBeGreaterThan(5000);
    expect(wait({ 'retry-after': '3', 'ratelimit-reset': inSeconds(7) })).toBe(3000);
    expect(wait({})).toBeUndefined();
  });
  it('never waits a negative time for a reset in the past', () => {
    expect(wait({ 'ratelimit-limit': '10', 'ratelimit-remaining': '0', 'ratelimit-reset': inSeconds(-5) })).toBe(0);
  });
});

describe('toStagelyError', () => {
  it('keeps nothing of a raw axios error: no config, no headers, no cause', () => {
    const raw = Object.assign(new Error('connect ECONNRESET'), {
      isAxiosError: true,
      code: 'ECONNRESET',
      config: { headers: { Authorization: `Bearer ${TOKEN}` } },
      request: { _header: `GET /v1/servers HTTP/1.1\r\nAuthorization: Bearer ${TOKEN}` },
    });
    const error = toStagelyError(raw, ctx);
    expect(error.code).toBe('NETWORK');
    expect(error.retryable).toBe(true);
    expect(error.cause).toBeUndefined();
    expect(JSON.stringify(error)).not.toContain(TOKEN);
  });

  it('an axios timeout is a retryable TimeoutError', () => {
    const raw = Object.assign(new Error('timeout of 2000ms exceeded'), { isAxiosError: true, code: 'ECONNABORTED' });
    const error = toStagelyError(raw, { ...ctx, timeoutMs: 2000 });
    expect(error.code).toBe('TIMEOUT');
    expect(error.retryable).toBe(true);
  });

  it('an aborted signal wins over whatever the request failed with', () => {
    const controller = new AbortController();
    controller.abort();
    const raw = Object.assign(new Error('canceled'), { isAxiosError: true, code: 'ERR_CANCELED' });
    expect(toStagelyError(raw, { ...ctx, signal: controller.signal }).code).toBe('ABORTED');
  });

  it('an SDK bug becomes a non-retryable ApiError marked unexpected, with the token scrubbed', () => {
    const error = toStagelyError(new TypeError(`Cannot read properties of null (reading 'ip') ${TOKEN}`), ctx);
    expect(isStagelyError(error, 'API')).toBe(true);
    expect(error.retryable).toBe(false);
    expect(error.details.unexpected).toBe(true);
    expect(error.message).not.toContain(TOKEN);
  });
});
