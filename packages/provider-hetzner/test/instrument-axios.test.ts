/**
 * Core's axios helper through a real axios instance over loopback HTTP (core itself has no axios
 * dependency, so its test lives here, where axios is installed).
 */
import { createRateLimiter, createRedactor, instrumentAxios, sleep, type StagelyEvent } from '@stagely/provider-core/provider';
import { json, startFakeServer, text, type FakeServer } from '@stagely/provider-core/testing';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TOKEN = 'instrument-axios-token-41d0';
let server: FakeServer;

beforeAll(async () => {
  server = await startFakeServer();
  server
    .get('/ok', () => json(200, { ok: true }, { 'RateLimit-Limit': '10', 'RateLimit-Remaining': '2', 'RateLimit-Reset': String(Math.ceil(Date.now() / 1000) + 5) }), 'ok')
    .get('/busy', () => json(503, { error: { code: 'maintenance', message: 'later' } }), 'busy')
    .get('/limited', () => json(429, { error: { code: 'rate_limit_exceeded', message: 'slow down' } }, { 'Retry-After': '30' }), 'limited')
    .get('/html', () => text(502, '<html><body>bad gateway</body></html>'), 'html')
    .get('/slow', () => json(200, {}), 'slow');
});
afterAll(() => server.close());

function client(events: StagelyEvent[] = []) {
  const instance = axios.create({ baseURL: server.url, headers: { Authorization: `Bearer ${TOKEN}` }, timeout: 2000, proxy: false });
  // The limiter's clock stands still: what it learns is then independent of how long requests take.
  const limiter = createRateLimiter({ provider: 'acme', budget: { requests: 100, windowMs: 1000 }, scheduler: { now: () => 0, sleep } });
  const http = instrumentAxios(instance, {
    provider: 'acme',
    api: 'Acme API',
    events: (e) => events.push(e),
    limiter,
    redact: createRedactor([TOKEN]),
    timeoutMs: 2000,
    errors: {
      table: { maintenance: 'TRANSIENT', rate_limit_exceeded: 'RATE_LIMITED' },
      readBody: (data) => {
        const error = (data as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
        return typeof error?.code === 'string' ? { id: error.code, message: String(error.message) } : undefined;
      },
    },
  });
  return { instance, http, limiter };
}

describe('instrumentAxios', () => {
  it('reports each request as an event with the call operation and status, and teaches the limiter', async () => {
    const events: StagelyEvent[] = [];
    const { instance, http, limiter } = client(events);
    const answer = await http.call('things.get', undefined, () => instance.get('/ok'));
    expect(answer.data).toEqual({ ok: true });
    expect(events).toEqual([{ type: 'request', provider: 'acme', operation: 'things.get', status: 200, durationMs: expect.any(Number) }]);
    expect(limiter.state().tokens).toBe(2);
  });

  it('maps API errors with the table and keeps nothing of the raw error', async () => {
    const { instance, http } = client();
    const error = await http.call('things.get', undefined, () => instance.get('/busy')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'API', retryable: true, details: { status: 503, apiCode: 'maintenance', operation: 'things.get' } });
    expect((error as Error).cause).toBeUndefined();
    expect(JSON.stringify(error)).not.toContain(TOKEN);
    const html = await http.call('things.get', undefined, () => instance.get('/html')).catch((e: unknown) => e);
    expect(html).toMatchObject({ code: 'API', retryable: true, message: expect.stringContaining('HTML') });
  });

  it('a 429 holds the limiter for every caller', async () => {
    const { instance, http, limiter } = client();
    await expect(http.call('things.get', undefined, () => instance.get('/limited'))).rejects.toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 30_000 });
    expect(limiter.state()).toMatchObject({ holdUntil: 30_000, tokens: 1 });
  });

  it('puts the call signal on its requests, so an abort cancels the HTTP request itself', async () => {
    const { instance, http } = client();
    server.faults.add({ operation: 'slow', latencyMs: 5000 });
    const controller = new AbortController();
    const call = http.call('things.slow', controller.signal, () => instance.get('/slow'));
    setImmediate(() => controller.abort());
    await expect(call).rejects.toMatchObject({ code: 'ABORTED' });
    server.faults.clear();
  });

  it('a reset is a NetworkError; a failure that is not HTTP an ApiError marked unexpected, redacted', async () => {
    const { instance, http } = client();
    server.faults.add({ operation: 'ok', reset: true });
    await expect(http.call('things.get', undefined, () => instance.get('/ok'))).rejects.toMatchObject({ code: 'NETWORK', retryable: true });
    const bug = await http.call('things.get', undefined, async () => {
      throw new TypeError(`Cannot read properties of null ${TOKEN}`);
    }).catch((e: unknown) => e);
    expect(bug).toMatchObject({ code: 'API', retryable: false, details: { unexpected: true } });
    expect((bug as Error).message).not.toContain(TOKEN);
  });
});
