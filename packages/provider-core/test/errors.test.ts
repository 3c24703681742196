import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import * as core from '../src/index.js';
import {
  AbortedError,
  ApiError,
  AuthenticationError,
  CapacityError,
  ConflictError,
  CredentialsError,
  IncompatiblePluginError,
  InvalidInputError,
  NetworkError,
  NotFoundError,
  NotSupportedError,
  PermissionDeniedError,
  ProviderNotInstalledError,
  QuotaExceededError,
  RateLimitError,
  StagelyError,
  TimeoutError,
  UnknownProviderError,
  isStagelyError,
} from '../src/index.js';

type Core = typeof core;

describe('error classes', () => {
  const cases: [StagelyError, string, boolean][] = [
    [new AuthenticationError('no'), 'AUTHENTICATION', false],
    [new PermissionDeniedError('no'), 'PERMISSION_DENIED', false],
    [new QuotaExceededError('no'), 'QUOTA_EXCEEDED', false],
    [new RateLimitError('slow', { retryAfterMs: 1500 }), 'RATE_LIMITED', true],
    [new CapacityError('none'), 'CAPACITY', false],
    [new NotFoundError('gone'), 'NOT_FOUND', false],
    [new InvalidInputError('size', 'bad'), 'INVALID_INPUT', false],
    [new NotSupportedError('snapshots', 'no'), 'NOT_SUPPORTED', false],
    [new ConflictError('taken'), 'CONFLICT', false],
    [new TimeoutError('waitUntilReady', 1200), 'TIMEOUT', true],
    [new NetworkError('reset'), 'NETWORK', true],
    [new ApiError('bad gateway', 502), 'API', true],
    [new ApiError('bad request', 400), 'API', false],
    [new ApiError('no status', undefined), 'API', false],
    [new AbortedError(), 'ABORTED', false],
    [new CredentialsError('tampered'), 'CREDENTIALS', false],
    [new UnknownProviderError('who'), 'UNKNOWN_PROVIDER', false],
    [new ProviderNotInstalledError('x', ['@stagely/provider-x'], 'npm i @stagely/provider-x'), 'PROVIDER_NOT_INSTALLED', false],
    [new IncompatiblePluginError('v2'), 'INCOMPATIBLE_PLUGIN', false],
  ];

  it.each(cases)('%s has its code, retryable flag, name and static code', (error, code, retryable) => {
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(StagelyError);
    expect(error.name).toBe(error.constructor.name);
    expect((error.constructor as typeof StagelyError).code).toBe(code);
    expect(isStagelyError(error, code as StagelyError['code'])).toBe(true);
  });

  it('carries the typed fields each code promises, in details too', () => {
    const input = new InvalidInputError('tags.env', 'bad', { details: { field: 'something else', hint: 'x' } });
    expect([input.field, input.details]).toEqual(['tags.env', { field: 'tags.env', hint: 'x' }]);
    expect(new NotSupportedError('snapshots', 'no').details).toEqual({ feature: 'snapshots' });
    const timeout = new TimeoutError('waitUntilReady', 1200);
    expect([timeout.operation, timeout.elapsedMs, timeout.message]).toEqual(['waitUntilReady', 1200, 'waitUntilReady timed out after 1200 ms']);
    expect(new ApiError('x', 503).status).toBe(503);
    expect(new CapacityError('none').details).toEqual({ retryElsewhere: true });
    expect(new RateLimitError('slow', { retryAfterMs: 1500 }).retryAfterMs).toBe(1500);
    const missing = new ProviderNotInstalledError('x', ['@stagely/provider-x', 'stagely-provider-x'], 'npm install @stagely/provider-x');
    expect(missing.message).toContain('@stagely/provider-x, stagely-provider-x');
    expect(missing.message).toContain('npm install @stagely/provider-x');
  });

  it('keeps the cause on the error but never in toJSON', () => {
    const raw = Object.assign(new Error('401'), { config: { headers: { Authorization: 'Bearer secret-token' } } });
    const error = new AuthenticationError('Token refused', { provider: 'hetzner', cause: raw });
    expect(error.cause).toBe(raw);
    expect(error.toJSON()).toEqual({
      name: 'AuthenticationError',
      code: 'AUTHENTICATION',
      message: 'Token refused',
      provider: 'hetzner',
      retryable: false,
      details: {},
    });
    expect(JSON.stringify(error)).not.toContain('secret-token');
    expect(JSON.stringify(new RateLimitError('slow', { retryAfterMs: 10 }))).toContain('"retryAfterMs":10');
  });
});

describe('isInstance', () => {
  it('recognises StagelyErrors, and on a subclass only its own code', () => {
    const rate = new RateLimitError('slow');
    expect(StagelyError.isInstance(rate)).toBe(true);
    expect(RateLimitError.isInstance(rate)).toBe(true);
    expect(NetworkError.isInstance(rate)).toBe(false);
    expect(isStagelyError(rate, 'NETWORK')).toBe(false);
    for (const value of [new Error('x'), { code: 'RATE_LIMITED', retryable: true }, null, undefined, 'RATE_LIMITED', 42]) {
      expect(StagelyError.isInstance(value)).toBe(false);
      expect(RateLimitError.isInstance(value)).toBe(false);
    }
  });

  it('narrows the type on a subclass', () => {
    const caught: unknown = new InvalidInputError('size', 'bad');
    if (!InvalidInputError.isInstance(caught)) throw new Error('not recognised');
    expectTypeOf(caught).toEqualTypeOf<InvalidInputError>();
    expect(caught.field).toBe('size');
  });

  /** Errors made by `other` are recognised by this copy and the other way round, instanceof aside. */
  function checkAcrossCopies(other: Core) {
    expect(other.StagelyError).not.toBe(StagelyError);
    const theirs = new other.RateLimitError('slow', { retryAfterMs: 5 });
    expect(theirs).not.toBeInstanceOf(StagelyError);
    expect(StagelyError.isInstance(theirs)).toBe(true);
    expect(RateLimitError.isInstance(theirs)).toBe(true);
    expect(NetworkError.isInstance(theirs)).toBe(false);
    expect(isStagelyError(theirs, 'RATE_LIMITED')).toBe(true);
    expect(theirs.name).toBe('RateLimitError');

    const ours = new InvalidInputError('size', 'bad');
    expect(other.StagelyError.isInstance(ours)).toBe(true);
    expect(other.InvalidInputError.isInstance(ours)).toBe(true);
    expect(other.NotFoundError.isInstance(ours)).toBe(false);
    expect(other.isStagelyError(ours, 'INVALID_INPUT')).toBe(true);
  }

  it('works across a second, fresh module instance of core', async () => {
    vi.resetModules();
    checkAcrossCopies((await import('../src/index.js')) as Core);
  });

  // The built package, as a second installed copy would be: both the CJS and the ESM build.
  const dist = fileURLToPath(new URL('../dist/', import.meta.url));
  it('works across the built CJS and ESM copies (run the build first)', async () => {
    expect(existsSync(`${dist}index.cjs`), 'dist/ is missing: run `pnpm --filter @stagely/provider-core build`').toBe(true);
    checkAcrossCopies(createRequire(import.meta.url)(`${dist}index.cjs`) as Core);
    checkAcrossCopies((await import(/* @vite-ignore */ `${dist}index.js`)) as Core);
    const cjs = createRequire(import.meta.url)(`${dist}index.cjs`) as Core;
    const esm = (await import(/* @vite-ignore */ `${dist}index.js`)) as Core;
    expect(cjs.StagelyError.isInstance(new esm.TimeoutError('x', 1))).toBe(true);
    expect(esm.TimeoutError.isInstance(new cjs.TimeoutError('x', 1))).toBe(true);
  });
});
