import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { InvalidInputError } from '../src/index.js';
import { applySizeOverrides, commonProviderConfigShape, parseProviderConfig, type SizeTable } from '../src/provider.js';

const TOKEN = 'tok_5e4d3c2b1a-do-not-show';
const schema = v.strictObject({ token: v.pipe(v.string(), v.minLength(8)), ...commonProviderConfigShape });

/** The InvalidInputError `config` is refused with. */
function refusal(config: unknown): InvalidInputError {
  try {
    parseProviderConfig(schema, config, 'acme');
  } catch (error) {
    if (InvalidInputError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`accepted: ${JSON.stringify(config)}`);
}

describe('parseProviderConfig', () => {
  it('returns the parsed config with the shared defaults', () => {
    expect(parseProviderConfig(schema, { token: TOKEN, retry: { maxAttempts: 2 } }, 'acme')).toEqual({
      token: TOKEN,
      strict: false,
      retry: { maxAttempts: 2 },
      requestTimeoutMs: 30_000,
      operationPollMs: 1000,
      notFoundGraceMs: 60_000,
    });
  });

  it.each([
    [{ token: TOKEN, endpoint: 'not a url' }, 'endpoint'],
    [{ token: TOKEN, retry: { maxAttempts: 0 } }, 'retry.maxAttempts'],
    [{ token: TOKEN, readinessPoll: { growth: 0.5 } }, 'readinessPoll.growth'],
    [{ token: TOKEN, rateLimit: { requests: 0, windowMs: 1000 } }, 'rateLimit.requests'],
    [{ token: TOKEN, notFoundGraceMs: -1 }, 'notFoundGraceMs'],
    [{ token: TOKEN, sizes: { small: { amd64: ' ' } } }, 'sizes.small.amd64'],
    [{ token: TOKEN, sizes: { huge: { amd64: 'x' } } }, 'sizes.huge'],
    [{ token: TOKEN, tokn: TOKEN }, 'tokn'],
    [{ token: TOKEN, retry: { maxAttempt: 2 } }, 'retry.maxAttempt'],
    [{ token: 'short' }, 'token'],
    ['not an object', 'config'],
  ])('refuses %j naming the field %s', (config, field) => {
    const error = refusal(config);
    expect(error.field).toBe(field);
    expect(error.provider).toBe('acme');
    expect(error.message).toContain(`Invalid acme provider config: ${field} `);
    expect(JSON.stringify(error)).not.toContain(TOKEN);
  });
});

describe('applySizeOverrides', () => {
  const defaults: SizeTable = {
    small: { amd64: 's-x86', arm64: 's-arm' },
    medium: { amd64: 'm-x86', arm64: 'm-arm' },
    large: { amd64: 'l-x86', arm64: 'l-arm' },
  };

  it('replaces only the entries the config names, leaving the defaults unchanged', () => {
    const table = applySizeOverrides(defaults, { small: { arm64: 'tiny-arm' }, large: { amd64: 'huge-x86', arm64: undefined } });
    expect(table).toEqual({
      small: { amd64: 's-x86', arm64: 'tiny-arm' },
      medium: { amd64: 'm-x86', arm64: 'm-arm' },
      large: { amd64: 'huge-x86', arm64: 'l-arm' },
    });
    expect(defaults.small.arm64).toBe('s-arm');
  });

  it('is the defaults without overrides', () => {
    expect(applySizeOverrides(defaults, undefined)).toEqual(defaults);
  });
});
