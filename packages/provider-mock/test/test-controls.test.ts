/** The test controls the conformance suite's hooks are wired to: lost answers, inspect, not-found windows, rate limits. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LOSABLE_OPERATIONS } from '../src/index.js';
import { fastProvider, rejection, thrownBy } from './helpers.js';

afterEach(() => vi.useRealTimers());

const ONE_ATTEMPT = { retry: { maxAttempts: 1 } };

describe('loseResponse', () => {
  it('carries out a create but answers with a connection reset; the provider then removes what it made', async () => {
    const { provider, events } = fastProvider({ ...ONE_ATTEMPT, bootDelayMs: 60_000 });
    provider.loseResponse('instances.create');
    const error = await rejection(provider.createInstance({ size: 'small', name: 'made-anyway' }), 'NETWORK');
    expect(error.details.leftBehind).toBeUndefined();
    const requests = events.filter((e) => e.type === 'request').map((e) => e.type === 'request' && [e.operation, e.status]);
    // The create (no answer), then createOnce's cleanup: the look-up by client token, and the delete.
    expect(requests).toEqual([['instances.create', undefined], ['instances.list', 200], ['instances.delete', 200]]);
    expect(await provider.inspect('mock-1')).toMatchObject({ id: 'mock-1', state: 'terminated' });
    expect(await provider.listInstances()).toEqual([]);
    // Only the next create.
    await provider.createInstance({ size: 'small', name: 'made-anyway' });
  });

  it('is ridden out by a retried create: the idempotency token makes it return what the first attempt made', async () => {
    const { provider } = fastProvider();
    provider.loseResponse('instances.create', 2);
    const made = await provider.createInstance({ size: 'small', name: 'once' });
    expect(provider.callCounts.createInstance).toBe(3);
    expect(made).toMatchObject({ id: 'mock-1', name: 'once' });
    expect((await provider.listInstances()).map((i) => i.id)).toEqual(['mock-1']);
    provider.loseResponse('snapshots.create');
    const snapshot = await provider.createSnapshot(made.id, 'golden');
    expect((await provider.listSnapshots()).map((s) => s.id)).toEqual([snapshot.id]);
  });

  it('answers with a gateway 502 instead when asked', async () => {
    const { provider } = fastProvider(ONE_ATTEMPT);
    provider.loseResponse('instances.create', 1, 'bad-gateway');
    const error = await rejection(provider.createInstance({ size: 'small' }), 'API');
    expect(error.details.status).toBe(502);
    expect((await provider.inspect('mock-1'))?.state).toBe('terminated'); // made, then removed by the provider
  });

  it('carries out a terminate and a snapshot whose answers are lost', async () => {
    const { provider } = fastProvider(ONE_ATTEMPT);
    const { id } = await provider.createInstance({ size: 'small' });
    provider.loseResponse('snapshots.create');
    await rejection(provider.createSnapshot(id, 'lost'), 'NETWORK');
    // Made, then removed by the provider, which could not know its id.
    expect(await provider.listSnapshots()).toEqual([]);
    expect((await provider.createSnapshot(id, 'lost')).id).toBe('mock-snapshot-2');
    provider.loseResponse('instances.delete', 2);
    await rejection(provider.terminateInstance(id), 'NETWORK');
    expect((await provider.inspect(id))?.state).toBe('terminated');
    await rejection(provider.terminateInstance(id), 'NETWORK'); // the second lost answer
    await provider.terminateInstance(id);
  });

  it('leaves other operations alone, is cleared by clearFaults, and refuses what it cannot lose', async () => {
    const { provider } = fastProvider(ONE_ATTEMPT);
    provider.loseResponse('instances.create');
    await provider.listInstances();
    provider.clearFaults();
    await provider.createInstance({ size: 'small' });
    thrownBy(() => provider.loseResponse('instances.list' as never), 'INVALID_INPUT', 'operation');
    thrownBy(() => provider.loseResponse('instances.create', 0), 'INVALID_INPUT', 'times');
    expect(Object.keys(LOSABLE_OPERATIONS).sort()).toEqual(['create', 'snapshot', 'terminate']);
  });
});

describe('inspect', () => {
  it('shows what the store holds, with no request made', async () => {
    const { provider, events } = fastProvider({ bootDelayMs: 60_000 });
    const made = await provider.createInstance({
      size: { type: 'a1.small' },
      region: 'mock-2',
      image: { debian: '12' },
      tags: { env: 'x' },
      sshKeys: ['default'],
      userData: '#cloud-config\n',
      spot: true,
    });
    const requests = events.length;
    expect(await provider.inspect(made.id)).toEqual({
      id: made.id,
      state: 'pending',
      tags: { env: 'x', 'managed-by': 'stagely' },
      sshKeys: ['default'],
      userData: '#cloud-config\n',
      type: 'a1.small',
      region: 'mock-2',
      image: 'debian-12-arm64',
      architecture: 'arm64',
      spot: true,
    });
    expect(await provider.inspect('mock-999')).toBeNull();
    expect(events).toHaveLength(requests);
  });
});

describe('notFoundFor', () => {
  it('hides each new instance from getInstance and listings for a while after its create', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { provider } = fastProvider({ bootDelayMs: 0 });
    const before = await provider.createInstance({ size: 'small' });
    provider.notFoundFor(1_000);
    const hidden = await provider.createInstance({ size: 'small' });
    expect(hidden.id).toBe('mock-2');
    expect(await provider.getInstance(hidden.id)).toBeNull();
    expect((await provider.listInstances()).map((i) => i.id)).toEqual([before.id]);
    expect(await provider.inspect(hidden.id)).not.toBeNull(); // the backend has it all along
    vi.setSystemTime(Date.now() + 1_000);
    expect((await provider.getInstance(hidden.id))?.state).toBe('running');
    expect((await provider.listInstances()).map((i) => i.id)).toEqual([before.id, hidden.id]);
    provider.notFoundFor(0);
    expect(await provider.getInstance((await provider.createInstance({ size: 'small' })).id)).not.toBeNull();
    thrownBy(() => provider.notFoundFor(-1), 'INVALID_INPUT', 'ms');
  });
});

describe('rateLimit', () => {
  it('refuses requests beyond the budget with RATE_LIMITED until the window resets', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    // Without the client's limiter, which would hold the next calls until the reset.
    const { provider } = fastProvider({ ...ONE_ATTEMPT, rateLimit: false });
    provider.rateLimit({ requests: 2, windowMs: 1_000 });
    await provider.listInstances();
    vi.setSystemTime(Date.now() + 400);
    await provider.validateCredentials();
    const error = await rejection(provider.listInstances(), 'RATE_LIMITED');
    expect(error.retryAfterMs).toBe(600);
    await rejection(provider.listInstances(), 'RATE_LIMITED'); // refusals do not use the budget up further
    vi.setSystemTime(Date.now() + 600);
    await provider.listInstances();
    provider.rateLimit(undefined);
    for (let i = 0; i < 5; i++) await provider.listInstances();
    thrownBy(() => provider.rateLimit({ requests: 0, windowMs: 1_000 }), 'INVALID_INPUT', 'budget.requests');
  });

  it("is ridden out by concurrent callers: the client's limiter holds them all until the reset", async () => {
    const { provider, events } = fastProvider();
    provider.rateLimit({ requests: 3, windowMs: 60 });
    await Promise.all(Array.from({ length: 12 }, () => provider.validateCredentials()));
    const requests = events.filter((e) => e.type === 'request');
    expect(requests.filter((e) => e.type === 'request' && e.status === 200)).toHaveLength(12);
    expect(requests.some((e) => e.type === 'request' && e.status === 429)).toBe(true);
    for (const event of events.filter((e) => e.type === 'rate-limit')) {
      expect(event.type === 'rate-limit' && event.retryAfterMs).toBeLessThanOrEqual(60);
    }
  });
});
