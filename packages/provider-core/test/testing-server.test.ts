import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
