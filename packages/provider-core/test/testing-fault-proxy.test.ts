import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { json, startFakeServer, startFaultProxy, xml, type FakeServer, type FaultProxy } from '../src/testing/index.js';

let backend: FakeServer;
let proxy: FaultProxy;
let items: string[];

beforeEach(async () => {
  items = [];
  backend = await startFakeServer();
  backend.post(
    '/v1/items',
    (req) => {
      items.push((req.body as { name: string }).name);
      return json(201, { id: items.length, auth: req.headers.authorization ?? null, query: req.query }, { 'x-request-id': `r-${items.length}` });
    },
    'items.create',
  );
  backend.get('/v1/items', () => json(200, { items }), 'items.list');
  backend.route({ method: 'POST', path: '/', action: 'RunInstances' }, () => xml(200, '<RunInstancesResponse/>'));
  proxy = await startFaultProxy({ target: backend.url });
});

afterEach(async () => {
  await proxy.close();
  await backend.close();
});

const create = (name: string) =>
  fetch(`${proxy.url}/v1/items?dry=0`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
    body: JSON.stringify({ name }),
  });

/** The error a request ends with when its connection is reset (fetch wraps it). */
async function failureOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ?? String(error);
  }
  return 'no failure';
}

describe('startFaultProxy', () => {
  it('forwards method, path, query, headers and body, and relays the answer', async () => {
    expect(proxy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await create('a');
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe('r-1');
    expect(await res.json()).toEqual({ id: 1, auth: 'Bearer t', query: { dry: '0' } });
    expect(items).toEqual(['a']);
    expect(proxy.log).toEqual([{ method: 'POST', path: '/v1/items', search: 'dry=0', operation: undefined, status: 201, faulted: false }]);
  });

  it('a before fault answers in place of the backend, which never sees the call', async () => {
    proxy.faults.add({ method: 'POST', path: '/v1/items', respond: json(503, { error: 'unavailable' }) });
    const res = await create('a');
    expect(res.status).toBe(503);
    expect(items).toEqual([]);
    expect(backend.count()).toBe(0);
    expect((await create('b')).status).toBe(201);
    expect(items).toEqual(['b']);
  });

  it('a before reset keeps the call from the backend', async () => {
    proxy.faults.add({ path: '/v1/items', reset: true });
    expect(await failureOf(create('a'))).toBe('ECONNRESET');
    expect(backend.count()).toBe(0);
    expect(proxy.log[0]).toMatchObject({ faulted: true, status: null });
  });

  it('an after fault lets the backend carry the call out, then replaces the answer', async () => {
    proxy.faults.add({ method: 'POST', path: '/v1/items', phase: 'after', respond: json(502, { error: 'bad gateway' }) });
    const res = await create('a');
    expect(res.status).toBe(502);
    expect(items, 'the backend made the item').toEqual(['a']);
    expect(proxy.log[0]).toMatchObject({ status: 502, faulted: true, handledStatus: 201 });
  });

  it('an after reset loses the answer of a call the backend carried out', async () => {
    proxy.faults.add({ path: '/v1/items', method: 'POST', phase: 'after', reset: true });
    expect(await failureOf(create('a'))).toBe('ECONNRESET');
    expect(items).toEqual(['a']);
    expect(proxy.log[0]).toMatchObject({ status: null, faulted: true, handledStatus: 201 });
    const listed = await fetch(`${proxy.url}/v1/items`);
    expect(await listed.json()).toEqual({ items: ['a'] });
  });

  it('an after fault with latency holds the answer until the client gives up', async () => {
    proxy.faults.add({ path: '/v1/items', method: 'POST', phase: 'after', latencyMs: 60_000 });
    const failure = await new Promise<string>((resolve) => {
      const req = request(`${proxy.url}/v1/items`, { method: 'POST', headers: { 'content-type': 'application/json' } }, () => resolve('answered'));
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      req.end(JSON.stringify({ name: 'a' }));
      // Give up once the backend has carried the call out: the log shows it while the answer is held.
      const poll = setInterval(() => {
        if (proxy.log.length > 0) {
          clearInterval(poll);
          req.destroy(Object.assign(new Error('client gave up'), { code: 'CLIENT_GAVE_UP' }));
        }
      }, 5);
    });
    expect(failure).toBe('CLIENT_GAVE_UP');
    expect(items).toEqual(['a']);
    expect(proxy.log[0]).toMatchObject({ faulted: true, handledStatus: 201, status: null });
  });

  it('names AWS query calls by their Action, so faults can pick them', async () => {
    proxy.faults.add({ operation: 'RunInstances', phase: 'after', respond: json(500, { error: 'lost' }) });
    const post = (action: string) => fetch(`${proxy.url}/`, { method: 'POST', body: new URLSearchParams({ Action: action, Version: '2016-11-15' }) });
    expect((await post('DescribeInstances')).status).toBe(404);
    expect((await post('RunInstances')).status).toBe(500);
    expect(backend.count('RunInstances'), 'the backend ran it').toBe(1);
    const clean = await post('RunInstances');
    expect(clean.status).toBe(200);
    expect(await clean.text()).toBe('<RunInstancesResponse/>');
    expect(proxy.count('RunInstances')).toBe(2);
    expect(proxy.log.map((e) => e.operation)).toEqual(['DescribeInstances', 'RunInstances', 'RunInstances']);
  });

  it('takes a custom operationOf, and keeps a path prefix of its target', async () => {
    const prefixed = await startFaultProxy({ target: `${backend.url}/v1`, operationOf: (call) => `${call.method} ${call.path}` });
    try {
      const res = await fetch(`${prefixed.url}/items`);
      expect(await res.json()).toEqual({ items: [] });
      expect(prefixed.count('GET /items')).toBe(1);
    } finally {
      await prefixed.close();
    }
  });

  it('answers 502 when the backend cannot be reached', async () => {
    const lonely = await startFaultProxy({ target: backend.url });
    await backend.close();
    try {
      const res = await fetch(`${lonely.url}/v1/items`);
      expect(res.status).toBe(502);
      expect(lonely.log[0]?.error).toBeDefined();
    } finally {
      await lonely.close();
      backend = await startFakeServer();
    }
  });

  it('refuses a target that is not http:', async () => {
    await expect(startFaultProxy({ target: 'https://127.0.0.1:1' })).rejects.toThrow(RangeError);
  });
});
