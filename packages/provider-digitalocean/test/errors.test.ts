/**
 * DigitalOcean's error answers, for every status the API reference lists, through the real
 * dots-wrapper over loopback HTTP: each becomes the right StagelyError, and none carries the token.
 */
import { createRedactor, isStagelyError, type StagelyError, type StagelyEvent } from '@stagely/provider-core/provider';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DigitalOceanApi } from '../src/sdk/adapter.js';
import { doError, DROPLET_LIMIT_MESSAGE, HTML_BAD_GATEWAY, startFakeDigitalOcean, TRY_AGAIN_MESSAGE, type FakeDigitalOcean } from '../src/testing/index.js';

const TOKEN = 'errors-test-token-5e6f7a8b';
let fake: FakeDigitalOcean;
let api: DigitalOceanApi;
const events: StagelyEvent[] = [];

beforeAll(async () => {
  fake = await startFakeDigitalOcean({ token: TOKEN, rateLimit: false });
  api = new DigitalOceanApi({ token: TOKEN, endpoint: fake.endpoint, timeoutMs: 2000, provider: 'digitalocean', redact: createRedactor([TOKEN]), events: (e) => events.push(e) });
});
afterAll(() => fake.close());

async function failure(respond: Parameters<FakeDigitalOcean['http']['faults']['add']>[0]['respond'] | 'reset', call: () => Promise<unknown> = () => api.listSizes(1)): Promise<StagelyError> {
  fake.http.faults.add(respond === 'reset' ? { reset: true } : { respond: respond! });
  try {
    await call();
  } catch (error) {
    expect(isStagelyError(error), String(error)).toBe(true);
    const text = [inspect(error, { depth: 10 }), JSON.stringify((error as StagelyError).toJSON()), (error as Error).stack ?? ''].join('\n');
    expect(text, 'the token never appears in an error').not.toContain(TOKEN);
    expect((error as { cause?: unknown }).cause, 'no raw axios error kept').toBeUndefined();
    return error as StagelyError;
  }
  throw new Error('expected the call to fail');
}

describe('DigitalOcean errors through dots-wrapper', () => {
  const cases: Array<[string, Parameters<typeof doError>, string, boolean]> = [
    ['400 bad_request', [400, 'bad_request', 'error parsing request body'], 'INVALID_INPUT', false],
    ['401 unauthorized', [401, 'unauthorized', 'Unable to authenticate you.'], 'AUTHENTICATION', false],
    ['403 forbidden', [403, 'forbidden', 'You do not have permission to perform this action.'], 'PERMISSION_DENIED', false],
    ['404 not_found', [404, 'not_found', 'The resource you were accessing could not be found.'], 'NOT_FOUND', false],
    ['409 conflict', [409, 'conflict', 'The request could not be completed due to a conflict.'], 'CONFLICT', false],
    ['412 precondition_failed (a limit)', [412, 'precondition_failed', 'teamgroup limit reached'], 'QUOTA_EXCEEDED', false],
    ['412 precondition_failed', [412, 'precondition_failed', 'the resource is not in the expected state'], 'CONFLICT', false],
    ['422 unprocessable_entity', [422, 'unprocessable_entity', 'You specified an invalid size for Droplet creation.'], 'INVALID_INPUT', false],
    ['422 the Droplet limit', [422, 'unprocessable_entity', DROPLET_LIMIT_MESSAGE], 'QUOTA_EXCEEDED', false],
    ['422 please try again', [422, 'unprocessable_entity', TRY_AGAIN_MESSAGE], 'API', true],
    ['422 size not available in the region', [422, 'unprocessable_entity', 'Size is not available in this region.'], 'CAPACITY', false],
    ['429 too_many_requests', [429, 'too_many_requests', 'API Rate limit exceeded.'], 'RATE_LIMITED', true],
    ['500 server_error', [500, 'server_error', 'Unexpected server-side error'], 'API', true],
    ['503 service_unavailable', [503, 'service_unavailable', 'The service is unavailable.'], 'API', true],
    ['418 (default: unexpected_error)', [418, 'example_error', 'some error message'], 'API', false],
  ];
  for (const [what, args, code, retryable] of cases) {
    it(`${what} -> ${code}${retryable ? ', retryable' : ''}`, async () => {
      const error = await failure(doError(...args));
      expect(error.code).toBe(code);
      expect(error.retryable).toBe(retryable);
      expect(error.details.status).toBe(args[0]);
      expect(error.details.digitalOceanId).toBe(args[1]);
      expect(JSON.stringify(error.details.response), 'a bounded snapshot of the answer keeps its request_id').toContain('request_id');
      expect(error.message).toContain(args[2]);
    });
  }

  it('422 names the field its message is about', async () => {
    expect((await failure(doError(422, 'unprocessable_entity', 'You specified an invalid image for Droplet creation.'))).details.field).toBe('image');
    expect((await failure(doError(422, 'unprocessable_entity', 'Name Only valid hostname characters are allowed.'))).details.field).toBe('name');
  });

  it('429 carries retryAfterMs from ratelimit-reset', async () => {
    const reset = Math.ceil(Date.now() / 1000) + 2;
    const error = await failure(doError(429, 'too_many_requests', 'API Rate limit exceeded.', { 'ratelimit-reset': String(reset), 'ratelimit-remaining': '0', 'ratelimit-limit': '5000' }));
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(error.retryAfterMs).toBeLessThanOrEqual(3000);
    const proxied = await failure(doError(429, 'too_many_requests', 'slow down', { 'retry-after': '3' }));
    expect(proxied.retryAfterMs, 'a proxy Retry-After wins').toBe(3000);
  });

  it('an HTML 502 from a proxy is a retryable API error; a reset is NETWORK', async () => {
    const html = await failure(HTML_BAD_GATEWAY);
    expect(html).toMatchObject({ code: 'API', retryable: true });
    expect(html.message).toContain('HTML');
    expect(await failure('reset')).toMatchObject({ code: 'NETWORK', retryable: true });
  });

  it('a 404 read is null, a 404 delete is false', async () => {
    expect(await api.getDroplet(123456)).toBeNull();
    expect(await api.deleteDroplet(123456)).toBe(false);
    expect(await api.deleteImage(123456)).toBe(false);
  });

  it('a body that does not fit the reference is an ApiError, not a TypeError', async () => {
    const error = await failure({ status: 200, body: JSON.stringify({ sizes: [{ slug: 1 }] }), headers: { 'content-type': 'application/json' } });
    expect(error).toMatchObject({ code: 'API' });
    expect(error.details.unexpected).toBe(true);
  });

  it('an aborted call rejects with ABORTED and cancels the request', async () => {
    fake.http.faults.add({ latencyMs: 2000 });
    const controller = new AbortController();
    const call = api.listSizes(1, controller.signal);
    setTimeout(() => controller.abort(), 20);
    await expect(call).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('request events name the operation and status and carry no token', () => {
    expect(events.some((e) => e.type === 'request' && (e as { operation?: string }).operation === 'sizes_list')).toBe(true);
    expect(inspect(events, { depth: 10 })).not.toContain(TOKEN);
  });
});
