import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CredentialsError,
  InvalidInputError,
  PROVIDER_METHODS,
  SEALED_PREFIX,
  StagelyError,
  createRegistry,
  generateEncryptionKey,
  openCredentials,
  sealCredentials,
  type CloudProvider,
} from '../src/index.js';
import { definePlugin } from '../src/provider.js';
import { ENCRYPTION_KEY_ENV } from '../src/plugins/registry.js';

const TOKEN = 'hc_live_0123456789abcdefSECRET';
const config = { token: TOKEN, region: 'fsn1' };

function thrown(fn: () => unknown): StagelyError {
  try {
    fn();
  } catch (error) {
    if (StagelyError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a throw');
}

/** Nothing secret in the error's message, details or JSON. */
function expectClean(error: StagelyError, ...secrets: string[]): void {
  const shown = `${error.message} ${JSON.stringify(error.details)} ${JSON.stringify(error)} ${String(error.stack)}`;
  for (const secret of secrets) expect(shown).not.toContain(secret);
}

/** The sealed text with one byte of part `index` (0 iv, 1 ciphertext, 2 tag) flipped. */
function tamper(sealed: string, index: number): string {
  const parts = sealed.slice(SEALED_PREFIX.length).split('.');
  const bytes = Buffer.from(parts[index]!, 'base64url');
  bytes[0] = bytes[0]! ^ 0x01;
  parts[index] = bytes.toString('base64url');
  return SEALED_PREFIX + parts.join('.');
}

describe('sealCredentials / openCredentials', () => {
  const key = generateEncryptionKey();

  it('makes 32-byte base64 keys, a new one each time', () => {
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(generateEncryptionKey()).not.toBe(key);
  });

  it('round-trips a config for the same provider, with a fresh IV each time', () => {
    const sealed = sealCredentials(config, key, { provider: 'hetzner' });
    expect(sealed).toMatch(/^stagely:v1:[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(sealed).not.toContain(TOKEN);
    expect(openCredentials(sealed, key, { provider: 'hetzner' })).toEqual(config);
    expect(sealCredentials(config, key, { provider: 'hetzner' })).not.toBe(sealed);
    expect(openCredentials(sealCredentials(TOKEN, key, { provider: 'hetzner' }), [key], { provider: 'hetzner' })).toBe(TOKEN);
  });

  it('takes keys as base64, base64url or bytes', () => {
    const bytes = randomBytes(32);
    const sealed = sealCredentials(config, bytes, { provider: 'aws' });
    expect(openCredentials(sealed, bytes.toString('base64'), { provider: 'aws' })).toEqual(config);
    expect(openCredentials(sealed, bytes.toString('base64url'), { provider: 'aws' })).toEqual(config);
    expect(openCredentials(sealed, `${bytes.toString('base64')}\n`, { provider: 'aws' })).toEqual(config);
    expect(openCredentials(sealed, new Uint8Array(bytes), { provider: 'aws' })).toEqual(config);
  });

  it('refuses the wrong key without echoing key or plaintext', () => {
    const other = generateEncryptionKey();
    const error = thrown(() => openCredentials(sealCredentials(config, key, { provider: 'hetzner' }), other, { provider: 'hetzner' }));
    expect(CredentialsError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/wrong key, sealed for another provider, or tampered with/);
    expectClean(error, key, other, TOKEN);
  });

  it("refuses another provider's sealed credentials", () => {
    const sealed = sealCredentials(config, key, { provider: 'hetzner' });
    const error = thrown(() => openCredentials(sealed, key, { provider: 'digitalocean' }));
    expect(CredentialsError.isInstance(error)).toBe(true);
    expectClean(error, key, TOKEN);
  });

  it.each([
    ['iv', 0],
    ['ciphertext', 1],
    ['tag', 2],
  ])('refuses a tampered %s', (_part, index) => {
    const sealed = sealCredentials(config, key, { provider: 'hetzner' });
    const error = thrown(() => openCredentials(tamper(sealed, index), key, { provider: 'hetzner' }));
    expect(CredentialsError.isInstance(error)).toBe(true);
    expectClean(error, key, TOKEN);
  });

  it.each([
    ['not sealed at all', TOKEN],
    ['another version', 'stagely:v2:AAAA.AAAA.AAAA'],
    ['missing parts', 'stagely:v1:AAAA'],
    ['not base64url', 'stagely:v1:!!!!.AAAA.AAAA'],
    ['a short IV', `stagely:v1:${Buffer.alloc(8).toString('base64url')}.AAAA.${Buffer.alloc(16).toString('base64url')}`],
    ['a truncated tag', `stagely:v1:${Buffer.alloc(12).toString('base64url')}.AAAA.${Buffer.alloc(4).toString('base64url')}`],
    ['no string', 42],
  ])('refuses malformed input: %s', (_what, sealed) => {
    const error = thrown(() => openCredentials(sealed as string, key, { provider: 'hetzner' }));
    expect(CredentialsError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/malformed/);
    expectClean(error, key, TOKEN);
  });

  it('opens with any key of a ring (rotation)', () => {
    const oldKey = generateEncryptionKey();
    const newKey = generateEncryptionKey();
    const sealedOld = sealCredentials(config, oldKey, { provider: 'hetzner' });
    const sealedNew = sealCredentials(config, newKey, { provider: 'hetzner' });
    expect(openCredentials(sealedOld, [newKey, oldKey], { provider: 'hetzner' })).toEqual(config);
    expect(openCredentials(sealedNew, [newKey, oldKey], { provider: 'hetzner' })).toEqual(config);
    const retired = thrown(() => openCredentials(sealedOld, [newKey], { provider: 'hetzner' }));
    expect(CredentialsError.isInstance(retired)).toBe(true);
    const none = thrown(() => openCredentials(sealedOld, [newKey, generateEncryptionKey()], { provider: 'hetzner' }));
    expect(none.message).toMatch(/any of the 2 encryption keys/);
  });

  it.each([
    ['16 bytes of base64', randomBytes(16).toString('base64')],
    ['64 bytes', randomBytes(64)],
    ['not base64', 'correct horse battery staple!'],
    ['empty', ''],
    ['a number', 42],
  ])('refuses a key that is %s, naming encryptionKey and never the key', (_what, badKey) => {
    for (const attempt of [
      () => sealCredentials(config, badKey as string, { provider: 'hetzner' }),
      () => openCredentials(sealCredentials(config, key, { provider: 'hetzner' }), [key, badKey as string], { provider: 'hetzner' }),
    ]) {
      const error = thrown(attempt);
      expect(InvalidInputError.isInstance(error)).toBe(true);
      expect((error as InvalidInputError).field).toBe('encryptionKey');
      if (typeof badKey === 'string' && badKey.length > 0) expectClean(error, badKey);
      expectClean(error, TOKEN);
    }
  });

  it('refuses an empty key ring and a missing provider', () => {
    expect((thrown(() => openCredentials('stagely:v1:x', [], { provider: 'x' })) as InvalidInputError).field).toBe('encryptionKey');
    expect((thrown(() => sealCredentials(config, key, { provider: '' })) as InvalidInputError).field).toBe('provider');
    expect((thrown(() => sealCredentials(undefined, key, { provider: 'x' })) as InvalidInputError).field).toBe('config');
  });
});

describe('sealed values in a registry config', () => {
  const key = generateEncryptionKey();
  const received: unknown[] = [];
  const plugin = definePlugin({
    contractVersion: 1,
    name: 'vault',
    packageName: 'stagely-provider-vault',
    capabilities: { architectures: ['amd64'], spot: false, snapshots: false, sshKeys: false },
    secretFields: ['token'],
    configSchema: {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: (value: unknown) =>
          typeof (value as { token?: unknown }).token === 'string'
            ? { value: value as { token: string; region?: string } }
            : { issues: [{ message: 'token is required', path: ['token'] }] },
      },
    },
    create(config) {
      received.push(config);
      return { name: 'vault', ...Object.fromEntries(PROVIDER_METHODS.map((m) => [m, async () => undefined])) } as unknown as CloudProvider;
    },
  });
  const savedEnv = process.env[ENCRYPTION_KEY_ENV];
  afterEach(() => {
    received.length = 0;
    if (savedEnv === undefined) delete process.env[ENCRYPTION_KEY_ENV];
    else process.env[ENCRYPTION_KEY_ENV] = savedEnv;
  });

  it('opens a sealed field and a sealed whole config', async () => {
    const registry = createRegistry({ plugins: [plugin], encryptionKey: key });
    await registry.get('vault', { token: { sealed: sealCredentials(TOKEN, key, { provider: 'vault' }) }, region: 'r1' });
    await registry.get('vault', { sealed: sealCredentials({ token: TOKEN, region: 'r2' }, key, { provider: 'vault' }) });
    expect(received).toEqual([
      { token: TOKEN, region: 'r1' },
      { token: TOKEN, region: 'r2' },
    ]);
  });

  it('opens a sealed field inside an object without a prototype (as some parsers make)', async () => {
    const registry = createRegistry({ plugins: [plugin], encryptionKey: key });
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, {
      token: { sealed: sealCredentials(TOKEN, key, { provider: 'vault' }) },
    });
    await registry.get('vault', bare);
    expect(received).toEqual([{ token: TOKEN }]);
  });

  it('shares one provider for the same opened config, however it was sealed', async () => {
    const registry = createRegistry({ plugins: [plugin], encryptionKey: key });
    const a = await registry.get('vault', { token: { sealed: sealCredentials(TOKEN, key, { provider: 'vault' }) } });
    const b = await registry.get('vault', { token: { sealed: sealCredentials(TOKEN, key, { provider: 'vault' }) } });
    const c = await registry.get('vault', { token: TOKEN });
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(received).toHaveLength(1);
  });

  it('refuses a value sealed for another provider or with another key, naming the field only', async () => {
    const registry = createRegistry({ plugins: [plugin], encryptionKey: key });
    for (const sealed of [
      sealCredentials(TOKEN, key, { provider: 'hetzner' }),
      sealCredentials(TOKEN, generateEncryptionKey(), { provider: 'vault' }),
    ]) {
      const error = await registry.get('vault', { token: { sealed } }).then(
        () => undefined,
        (e: unknown) => e as StagelyError,
      );
      expect(error && CredentialsError.isInstance(error)).toBe(true);
      expect(error!.message).toMatch(/^config\.token: /);
      expect(error!.details).toEqual({ field: 'config.token' });
      expectClean(error!, key, TOKEN);
    }
    expect(received).toEqual([]);
  });

  it('needs a key for a sealed value, and takes a ring from STAGELY_ENCRYPTION_KEY', async () => {
    delete process.env[ENCRYPTION_KEY_ENV];
    const sealed = sealCredentials(TOKEN, key, { provider: 'vault' });
    const error = await createRegistry({ plugins: [plugin] })
      .get('vault', { token: { sealed } })
      .then(
        () => undefined,
        (e: unknown) => e as StagelyError,
      );
    expect(error?.code).toBe('CREDENTIALS');
    expect(error?.message).toMatch(/no encryption key/);

    process.env[ENCRYPTION_KEY_ENV] = `${generateEncryptionKey()}, ${key}`;
    await createRegistry({ plugins: [plugin] }).get('vault', { token: { sealed } });
    expect(received).toEqual([{ token: TOKEN }]);
  });

  it('checks a key given in code when the registry is made', () => {
    const error = thrown(() => createRegistry({ encryptionKey: 'too-short' }));
    expect((error as InvalidInputError).field).toBe('encryptionKey');
    expectClean(error, 'too-short');
  });
});
