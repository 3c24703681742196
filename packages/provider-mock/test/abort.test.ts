import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMockProvider } from '../src/index.js';
import { FAST, fastProvider, rejection } from './helpers.js';

describe('abort', () => {
  it('a create aborted during its latency rejects with AbortedError and leaves nothing behind', async () => {
    const stateFile = join(mkdtempSync(join(tmpdir(), 'stagely-mock-abort-')), 'state.json');
    const { provider, events } = fastProvider({ latencyMs: 50, stateFile });
    const controller = new AbortController();
    const pending = provider.createInstance({ size: 'small', name: 'never' }, { signal: controller.signal });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort(); // the request is now waiting out its latency
    const error = await rejection(pending, 'ABORTED');
    expect(error.provider).toBe('mock');
    // The create never reached the cloud; createOnce's cleanup looked for what it made and found nothing.
    const requests = events.filter((e) => e.type === 'request').map((e) => e.type === 'request' && [e.operation, e.status]);
    expect(requests).toEqual([['instances.create', undefined], ['instances.list', 200]]);
    // The same account, seen through a provider without latency.
    const observer = fastProvider({ stateFile }).provider;
    expect(await observer.listInstances()).toEqual([]);
    expect(await observer.getInstance('mock-1')).toBeNull();
  });

  it('an already aborted signal makes no request at all', async () => {
    const { provider } = fastProvider();
    const signal = AbortSignal.abort();
    await rejection(provider.createInstance({ size: 'small' }, { signal }), 'ABORTED');
    await rejection(provider.listInstances(undefined, { signal }), 'ABORTED');
    await rejection(provider.getInstance('mock-1', { signal }), 'ABORTED');
    await rejection(provider.terminateInstance('mock-1', { signal }), 'ABORTED');
    await rejection(provider.validateCredentials({ signal }), 'ABORTED');
    await rejection(provider.listSnapshots({ signal }), 'ABORTED');
    await rejection(provider.listSshKeys({ signal }), 'ABORTED');
    await rejection(provider.waitUntilReady('mock-1', { signal }), 'ABORTED');
    expect(provider.callCounts).toEqual({});
  });

  it('stops a listing between pages', async () => {
    const controller = new AbortController();
    // Abort as soon as the first page has been answered.
    const provider = createMockProvider({ ...FAST, pageSize: 1 }, {
      events: (event) => event.type === 'request' && event.operation === 'instances.list' && controller.abort(),
    });
    for (let i = 0; i < 3; i++) await provider.createInstance({ size: 'small' });
    await rejection(provider.listInstances(undefined, { signal: controller.signal }), 'ABORTED');
    expect(provider.callCounts.listInstances).toBe(1);
  });

  it('stops a retry loop while it backs off', async () => {
    const controller = new AbortController();
    const provider = createMockProvider(
      { ...FAST, retry: { baseDelayMs: 10_000, maxDelayMs: 10_000 } },
      { events: (event) => event.type === 'retry' && controller.abort() },
    );
    provider.failNext('server-error', 5);
    await rejection(provider.listInstances(undefined, { signal: controller.signal }), 'ABORTED');
    expect(provider.callCounts.listInstances).toBe(1);
  });

  it('stops waitUntilReady, leaving the instance as it was', async () => {
    const { provider } = fastProvider({ bootDelayMs: 60_000 });
    const { id } = await provider.createInstance({ size: 'small' });
    const controller = new AbortController();
    const waiting = provider.waitUntilReady(id, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user pressed ctrl-c')), 10);
    const error = await rejection(waiting, 'ABORTED');
    expect(error.message).toContain('ctrl-c');
    expect((await provider.getInstance(id))?.state).toBe('pending');
  });
});
