import { isStagelyError, type StagelyError } from '@stagely/provider-core';
import { describe, expect, it } from 'vitest';
import { FAULTS, RATE_LIMIT_RETRY_AFTER_MS, type Fault } from '../src/index.js';
import { fastProvider, rejection, thrownBy } from './helpers.js';

describe('failNext', () => {
  const terminal: Array<[Fault, string, number | undefined]> = [
    ['unauthorized', 'AUTHENTICATION', 401],
    ['forbidden', 'PERMISSION_DENIED', 403],
    ['NOT_FOUND', 'NOT_FOUND', 404],
    ['CONFLICT', 'CONFLICT', 409],
  ];
  it.each(terminal)('%s fails the next request with %s, without retrying', async (fault, code, status) => {
    const { provider, events } = fastProvider();
    provider.failNext(fault);
    await rejection(provider.listInstances(), code as never);
    expect(provider.callCounts.listInstances).toBe(1);
    expect(events.find((e) => e.type === 'request')).toMatchObject({ operation: 'instances.list', status });
    expect(await provider.listInstances()).toEqual([]); // only the next request
  });

  it('retries a 429 through withRetry: once, then success', async () => {
    const { provider, events } = fastProvider();
    provider.failNext('rate-limited');
    await provider.validateCredentials();
    expect(provider.callCounts.validateCredentials).toBe(2);
    const rateLimit = events.find((e) => e.type === 'rate-limit');
    expect(rateLimit).toMatchObject({ provider: 'mock', operation: 'account.get', retryAfterMs: RATE_LIMIT_RETRY_AFTER_MS });
    const retry = events.find((e) => e.type === 'retry');
    expect(retry).toMatchObject({ attempt: 1, code: 'RATE_LIMITED' });
    expect(retry?.type === 'retry' && retry.delayMs).toBeGreaterThanOrEqual(RATE_LIMIT_RETRY_AFTER_MS);
  });

  it('surfaces a persistent 429 as RATE_LIMITED with retryAfterMs, after the policy\'s attempts', async () => {
    const { provider } = fastProvider({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 } });
    provider.failNext('rate-limited', 10);
    const error = await rejection(provider.listInstances(), 'RATE_LIMITED');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(RATE_LIMIT_RETRY_AFTER_MS);
    expect(provider.callCounts.listInstances).toBe(3);
  });

  it('retries server errors and connection resets, then surfaces API and NETWORK', async () => {
    const { provider } = fastProvider({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    provider.failNext('server-error');
    expect(await provider.listInstances()).toEqual([]);
    provider.failNext('server-error', 2);
    const api = await rejection(provider.listInstances(), 'API');
    expect(api.details.status).toBe(500);
    provider.failNext('connection-reset', 2);
    await rejection(provider.getInstance('mock-1'), 'NETWORK');
  });

  it('never creates twice when a create is retried', async () => {
    const { provider } = fastProvider();
    provider.failNext('server-error', 2);
    await provider.createInstance({ size: 'small', name: 'once' });
    expect(provider.callCounts.createInstance).toBe(3);
    expect((await provider.listInstances()).map((i) => i.name)).toEqual(['once']);
  });

  it('keeps quota faults for the next create, and creates nothing', async () => {
    const { provider } = fastProvider();
    provider.failNext('quota');
    expect(await provider.listInstances()).toEqual([]);
    await provider.validateCredentials();
    const error = await rejection(provider.createInstance({ size: 'small' }), 'QUOTA_EXCEEDED');
    expect(error.retryable).toBe(false);
    expect(await provider.listInstances()).toEqual([]);
    await provider.createInstance({ size: 'small' });
  });

  it('accepts any error code, and clearFaults drops what is pending', async () => {
    const { provider } = fastProvider();
    provider.failNext('CAPACITY');
    await rejection(provider.createInstance({ size: 'small' }), 'CAPACITY');
    provider.failNext('INVALID_INPUT', 5);
    provider.clearFaults();
    await provider.validateCredentials();
    expect(FAULTS).toContain('connection-reset');
    expect(FAULTS).toContain('TIMEOUT');
  });

  it("fails with core's own class for every code, reported with the status the API would answer", async () => {
    const { provider, events } = fastProvider({ retry: { maxAttempts: 1 } });
    const statuses = new Map<Fault, number | undefined>();
    for (const fault of FAULTS) {
      provider.failNext(fault);
      const error = await provider.createInstance({ size: 'small' }).catch((e: unknown) => e);
      provider.clearFaults();
      expect(isStagelyError(error), String(fault)).toBe(true);
      const { code } = error as StagelyError;
      // The base class has no static code: a bare StagelyError would lack its code's typed fields.
      expect(((error as StagelyError).constructor as typeof StagelyError).code, `${String(fault)}: the class for ${code}`).toBe(code);
      // The create's own request (after an ambiguous failure, createOnce's cleanup makes more).
      const request = events.filter((e) => e.type === 'request' && e.operation === 'instances.create').at(-1);
      statuses.set(fault, request?.type === 'request' ? request.status : undefined);
    }
    expect(Object.fromEntries(['rate-limited', 'quota', 'server-error', 'connection-reset', 'TIMEOUT'].map((f) => [f, statuses.get(f as Fault)]))).toEqual({
      'rate-limited': 429,
      quota: 403,
      'server-error': 500,
      'connection-reset': undefined,
      TIMEOUT: 504,
    });
  });

  it('refuses an unknown fault or a bad count', () => {
    const { provider } = fastProvider();
    thrownBy(() => provider.failNext('meteor' as never), 'INVALID_INPUT', 'fault');
    thrownBy(() => provider.failNext('forbidden', 0), 'INVALID_INPUT', 'times');
  });
});

describe('the token', () => {
  it('"invalid" makes every call fail with AUTHENTICATION', async () => {
    const { provider } = fastProvider({ token: 'invalid' });
    await rejection(provider.validateCredentials(), 'AUTHENTICATION');
    await rejection(provider.listInstances(), 'AUTHENTICATION');
    await rejection(provider.createInstance({ size: 'small' }), 'AUTHENTICATION');
    expect(provider.callCounts).toEqual({ validateCredentials: 1, listInstances: 1, createInstance: 1 });
  });

  it('never appears in errors, events or the provider itself', async () => {
    const token = 'tok-5e3c7a9f1d';
    const { provider, events } = fastProvider({ token, retry: { maxAttempts: 1 } });
    const errors = [];
    for (const fault of FAULTS) {
      provider.failNext(fault);
      errors.push(await provider.createInstance({ size: 'small' }).catch((error: unknown) => error));
      provider.clearFaults();
    }
    // A caller echoing the token back in a spec does not get it printed either.
    errors.push(await provider.createInstance({ size: { type: token } }).catch((error: unknown) => error));
    errors.push(await provider.createInstance({ size: 'small', sshKeys: [token] }).catch((error: unknown) => error));
    const { inspect } = await import('node:util');
    const seen = [
      ...errors.map((e) => `${String(e)} ${JSON.stringify(e)} ${inspect(e, { depth: 5 })}`),
      JSON.stringify(events),
      JSON.stringify(provider),
      inspect(provider, { depth: 5, showHidden: true }),
    ].join('\n');
    expect(errors.length).toBe(FAULTS.length + 2);
    for (const error of errors) expect(error).toBeInstanceOf(Error);
    expect(seen).not.toContain(token);
  });
});
