import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeHttpError, json, noContent, startFakeServer, xml, type FakeServer } from '../src/testing/index.js';

let server: FakeServer;

beforeEach(async () => {
  server = await startFakeServer({ seed: 7 });
});

afterEach(async () => {
  await server.close();
});

describe('startFakeServer routing', () => {
  it('listens on loopback and hands handlers params, query, parsed JSON body and headers', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    let seen: unknown;
    server.post(
      '/v1/servers/:id/actions/:action',
      (req) => {
        seen = { params: req.params, query: req.query, body: req.body, auth: req.headers.authorization, op: req.operation };
        return json(201, { ok: true }, { 'x-request-id': 'r-1' });
      },
      'servers.action',
    );
    const res = await fetch(`${server.url}/v1/servers/42/actions/power%20on?dry=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
      body: JSON.stringify({ a: [1, 2] }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe('r-1');
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ ok: true });
    expect(seen).toEqual({
      params: { id: '42', action: 'power on' },
      query: { dry: '1' },
      body: { a: [1, 2] },
      auth: 'Bearer t',
      op: 'servers.action',
    });
    expect(server.log).toEqual([
      { method: 'POST', path: '/v1/servers/42/actions/power%20on', search: 'dry=1', operation: 'servers.action', status: 201, faulted: false },
    ]);
  });

  it('routes EC2-style form posts to / on their Action and answers XML', async () => {
    server.route({ method: 'POST', path: '/', action: 'DescribeInstances' }, (req) =>
      xml(200, `<DescribeInstancesResponse><n>${(req.body as Record<string, string>)['Filter.1.Name']}</n></DescribeInstancesResponse>`),
    );
    server.route({ method: 'POST', path: '/', action: 'RunInstances' }, () => xml(200, '<RunInstancesResponse/>'));
    const post = (form: Record<string, string>) =>
      fetch(`${server.url}/`, { method: 'POST', body: new URLSearchParams(form) });

    const described = await post({ Action: 'DescribeInstances', Version: '2016-11-15', 'Filter.1.Name': 'tag:managed-by' });
    expect(described.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await described.text()).toBe('<DescribeInstancesResponse><n>tag:managed-by</n></DescribeInstancesResponse>');
    expect(await (await post({ Action: 'RunInstances' })).text()).toBe('<RunInstancesResponse/>');
    expect((await post({ Action: 'TerminateInstances' })).status).toBe(404);
    expect(server.log.map((e) => e.operation)).toEqual(['DescribeInstances', 'RunInstances', undefined]);
    expect(server.count('RunInstances')).toBe(1);
  });

  it('gives text bodies as text, an empty body as undefined, and answers unknown routes with 404', async () => {
    const bodies: unknown[] = [];
    server.put('/raw', (req) => {
      bodies.push(req.body);
      return noContent();
    });
    expect((await fetch(`${server.url}/raw`, { method: 'PUT', body: 'plain', headers: { 'content-type': 'text/plain' } })).status).toBe(204);
    expect((await fetch(`${server.url}/raw`, { method: 'PUT' })).status).toBe(204);
    expect(bodies).toEqual(['plain', undefined]);
    const missing = await fetch(`${server.url}/nothing/here`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ path: '/nothing/here' });
  });

  it('answers a thrown FakeHttpError with its response, and any other exception with a logged 500', async () => {
    server.get('/v1/servers/:id', (req) => {
      if (req.params.id === 'boom') throw new Error('fake bug');
      throw new FakeHttpError(json(404, { error: { code: 'not_found' } }));
    });
    const notFound = await fetch(`${server.url}/v1/servers/9`);
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({ error: { code: 'not_found' } });
    const broken = await fetch(`${server.url}/v1/servers/boom`);
    expect(broken.status).toBe(500);
    expect(server.log[1]?.error).toContain('fake bug');
  });
});

describe('fault plan on the fake server', () => {
  beforeEach(() => {
    server.get('/v1/servers', () => json(200, { servers: [] }), 'servers.list');
    server.post('/v1/servers', () => json(201, { server: {} }), 'servers.create');
  });

  it('answers the next N matching calls with the injected status, body and headers, then recovers', async () => {
    server.faults.add({
      operation: 'servers.list',
      times: 2,
      respond: json(429, { error: { code: 'rate_limit_exceeded' } }, { 'Retry-After': '3', 'RateLimit-Reset': '1700000000' }),
    });
    const first = await fetch(`${server.url}/v1/servers`);
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(first.headers.get('ratelimit-reset')).toBe('1700000000');
    expect(await first.json()).toEqual({ error: { code: 'rate_limit_exceeded' } });
    // A call the rule does not pick is untouched and does not use it up.
    expect((await fetch(`${server.url}/v1/servers`, { method: 'POST' })).status).toBe(201);
    expect((await fetch(`${server.url}/v1/servers`)).status).toBe(429);
    expect((await fetch(`${server.url}/v1/servers`)).status).toBe(200);
    expect(server.count({ operation: 'servers.list' })).toBe(3);
    expect(server.log.filter((e) => e.faulted).map((e) => e.status)).toEqual([429, 429]);
    expect(server.faults.size).toBe(0);
  });

  it('resets the connection mid-request: fetch fails, the log says so, the next call works', async () => {
    server.faults.add({ method: 'POST', path: '/v1/servers', reset: true });
    const error = await fetch(`${server.url}/v1/servers`, { method: 'POST', body: '{}' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(server.log).toEqual([
      { method: 'POST', path: '/v1/servers', search: '', operation: 'servers.create', status: null, faulted: true },
    ]);
    expect((await fetch(`${server.url}/v1/servers`, { method: 'POST', body: '{}' })).status).toBe(201);
  });

  it('adds latency to a call: a slowed call is still held after a later one has been answered', async () => {
    server.faults.add({ operation: 'servers.list', latencyMs: 60_000 });
    const slow = fetch(`${server.url}/v1/servers`).then(
      (res) => res.status,
      () => 'failed' as const,
    );
    // Not slowed: the rule was used up by the first call.
    expect((await fetch(`${server.url}/v1/servers`)).status).toBe(200);
    expect(server.log).toHaveLength(1);
    // Closing destroys the held connection instead of waiting a minute.
    await server.close();
    expect(await slow).toBe('failed');
    expect(server.log).toHaveLength(1);
  });

  it('latency delays the answer by at least its amount', async () => {
    server.faults.add({ path: '/v1/*', latencyMs: 40 });
    const started = performance.now();
    expect((await fetch(`${server.url}/v1/servers`)).status).toBe(200);
    // A lower bound only (timers never fire early by more than a millisecond); no upper bound.
    expect(performance.now() - started).toBeGreaterThanOrEqual(39);
  });

  it('applies a rule at a seeded rate, the same way for the same seed', async () => {
    const pattern = async (seed: number) => {
      const s = await startFakeServer({ seed });
      try {
        s.get('/x', () => json(200, {}));
        s.faults.add({ path: '/x', rate: 0.5, times: Infinity, respond: json(503, { error: 'unavailable' }) });
        const statuses: number[] = [];
        for (let i = 0; i < 24; i++) statuses.push((await fetch(`${s.url}/x`)).status);
        return statuses;
      } finally {
        await s.close();
      }
    };
    const first = await pattern(11);
    expect(first).toContain(503);
    expect(first).toContain(200);
    expect(await pattern(11)).toEqual(first);
    expect(await pattern(12)).not.toEqual(first);
  });
});

describe('faults after handling: the call is carried out, then its answer is lost or replaced', () => {
  let created: number[];
  beforeEach(() => {
    created = [];
    server.post('/v1/servers', () => {
      created.push(created.length + 1);
      return json(201, { server: { id: created.length } });
    }, 'servers.create');
  });

  const failed = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (e: unknown) => e,
    );

  it('a reset after handling: the server was made, the client sees a reset, the log has both', async () => {
    server.faults.add({ operation: 'servers.create', phase: 'after', reset: true });
    expect(await failed(fetch(`${server.url}/v1/servers`, { method: 'POST', body: '{}' }))).toBeInstanceOf(TypeError);
    expect(created).toEqual([1]);
    expect(server.log).toEqual([
      { method: 'POST', path: '/v1/servers', search: '', operation: 'servers.create', status: null, faulted: true, handledStatus: 201 },
    ]);
    // Used up: the next create is answered.
    const next = await fetch(`${server.url}/v1/servers`, { method: 'POST', body: '{}' });
    expect([next.status, await next.json()]).toEqual([201, { server: { id: 2 } }]);
    expect(server.log[1]).toEqual({ method: 'POST', path: '/v1/servers', search: '', operation: 'servers.create', status: 201, faulted: false });
  });

  it('a replaced answer after handling: the server was made, the client sees a proxy 502', async () => {
    const badGateway = { status: 502, body: '<html>502 Bad Gateway</html>', headers: { 'content-type': 'text/html' } };
    server.faults.add({ operation: 'servers.create', phase: 'after', respond: badGateway, times: 2 });
    for (const _ of [1, 2]) {
      const res = await fetch(`${server.url}/v1/servers`, { method: 'POST', body: '{}' });
      expect([res.status, res.headers.get('content-type'), await res.text()]).toEqual([502, 'text/html', badGateway.body]);
    }
    expect(created).toEqual([1, 2]);
    expect(server.log.map((e) => [e.status, e.handledStatus, e.faulted])).toEqual([
      [502, 201, true],
      [502, 201, true],
    ]);
    expect(server.faults.size).toBe(0);
  });

  it('an answer held after handling: logged and carried out while the client still waits, and lost when it gives up', async () => {
    server.faults.add({ operation: 'servers.create', phase: 'after', latencyMs: 60_000 });
    const controller = new AbortController();
    const creating = failed(fetch(`${server.url}/v1/servers`, { method: 'POST', body: '{}', signal: controller.signal }));
    await vi.waitFor(() => expect(created).toEqual([1]));
    expect(server.log).toEqual([
      { method: 'POST', path: '/v1/servers', search: '', operation: 'servers.create', status: null, faulted: true, handledStatus: 201 },
    ]);
    controller.abort();
    expect(((await creating) as Error).name).toBe('AbortError');
    expect(server.log[0]?.status).toBeNull();
  });

  it('a short hold after handling still sends the real answer, late', async () => {
    server.faults.add({ operation: 'servers.create', phase: 'after', latencyMs: 20 });
    const res = await fetch(`${server.url}/v1/servers`, { method: 'POST', body: '{}' });
    expect([res.status, await res.json()]).toEqual([201, { server: { id: 1 } }]);
    expect(server.log.map((e) => [e.status, e.handledStatus, e.faulted])).toEqual([[201, 201, true]]);
  });

  it('a fault before handling wins: the handler never runs and the after rule waits for the next call', async () => {
    server.faults.add({ operation: 'servers.create', phase: 'after', reset: true });
    server.faults.add({ operation: 'servers.create', respond: json(503, { error: 'unavailable' }) });
    expect((await fetch(`${server.url}/v1/servers`, { method: 'POST', body: '{}' })).status).toBe(503);
    expect(created).toEqual([]);
    expect(server.faults.size).toBe(1);
    expect(await failed(fetch(`${server.url}/v1/servers`, { method: 'POST', body: '{}' }))).toBeInstanceOf(TypeError);
    expect(created).toEqual([1]);
  });
});

describe('decorate: one hook over every answer, injected faults included', () => {
  it('adds headers to handler answers, unknown routes, crashes and faults of either phase, never overriding their own', async () => {
    const decorated = await startFakeServer({
      decorate: (response, request) => ({ ...response, headers: { 'x-operation': request.operation || 'none', 'x-trace': 'fake', ...response.headers } }),
    });
    try {
      decorated.get('/v1/servers', () => json(200, { servers: [] }), 'servers.list');
      decorated.get('/v1/boom', () => {
        throw new Error('fake bug');
      }, 'boom');
      const headersOf = async (path: string) => {
        const res = await fetch(`${decorated.url}${path}`);
        return [res.status, res.headers.get('x-operation'), res.headers.get('x-trace')];
      };
      expect(await headersOf('/v1/servers')).toEqual([200, 'servers.list', 'fake']);
      expect(await headersOf('/nowhere')).toEqual([404, 'none', 'fake']);
      expect(await headersOf('/v1/boom')).toEqual([500, 'boom', 'fake']);
      decorated.faults.add({ operation: 'servers.list', respond: json(429, {}, { 'x-trace': 'own' }) });
      expect(await headersOf('/v1/servers')).toEqual([429, 'servers.list', 'own']);
      decorated.faults.add({ operation: 'servers.list', phase: 'after', respond: json(504, {}) });
      expect(await headersOf('/v1/servers')).toEqual([504, 'servers.list', 'fake']);
      expect(decorated.log.map((e) => e.status)).toEqual([200, 404, 500, 429, 504]);
    } finally {
      await decorated.close();
    }
  });

  it('a decorator that throws answers 500 and is kept in the log', async () => {
    const broken = await startFakeServer({
      decorate: () => {
        throw new Error('decorator bug');
      },
    });
    try {
      broken.get('/x', () => json(200, {}));
      expect((await fetch(`${broken.url}/x`)).status).toBe(500);
      expect(broken.log[0]?.status).toBe(500);
      expect(broken.log[0]?.error).toContain('decorator bug');
    } finally {
      await broken.close();
    }
  });
});
