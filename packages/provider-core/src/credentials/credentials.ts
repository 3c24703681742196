/**
 * Credentials at rest (docs/architecture.md, "Plugins and the registry"): a config, or one field of it, sealed with AES-256-GCM into
 * `stagely:v1:<iv>.<ciphertext>.<tag>` (each part base64url), with a random 96-bit IV and the
 * provider's name as associated data, so a value sealed for one provider does not open for another.
 * node:crypto only.
 *
 * Keys are 32 bytes: a Buffer / Uint8Array, or a base64 (or base64url) string, the form
 * `STAGELY_ENCRYPTION_KEY` holds. Opening takes a key ring and tries each key, so a key can be rotated:
 * put the new key first and keep the old one until everything is sealed again.
 *
 * No error here ever contains a key or a plaintext.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CredentialsError, InvalidInputError } from '../contract/errors.js';

export const SEALED_PREFIX = 'stagely:v1:';

/** 32 bytes, or their base64 / base64url text. */
export type EncryptionKey = string | Uint8Array;
/** One key, or several to try in order (rotation). */
export type EncryptionKeyRing = EncryptionKey | readonly EncryptionKey[];

export interface SealOptions {
  /** The provider the credentials are for, e.g. `hetzner`; bound to the sealed value. */
  provider: string;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;
const BASE64URL_PART = /^[A-Za-z0-9_-]+$/;

/** A new random key, base64: the value to put in `STAGELY_ENCRYPTION_KEY`. */
export function generateEncryptionKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/** The key's 32 bytes; `InvalidInputError` (field `encryptionKey`) otherwise, without echoing it. */
function keyBytes(key: unknown, position?: number): Buffer {
  const which = position === undefined ? 'The encryption key' : `Encryption key #${position + 1} of the ring`;
  let bytes: Buffer;
  if (typeof key === 'string') {
    const text = key.trim();
    if (!BASE64.test(text)) {
      throw new InvalidInputError('encryptionKey', `${which} is not base64 text of ${KEY_BYTES} bytes`);
    }
    bytes = Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
  } else if (key instanceof Uint8Array) {
    bytes = Buffer.from(key);
  } else {
    throw new InvalidInputError('encryptionKey', `${which} must be a base64 string or a Buffer of ${KEY_BYTES} bytes`);
  }
  if (bytes.length !== KEY_BYTES) {
    throw new InvalidInputError(
      'encryptionKey',
      `${which} must be ${KEY_BYTES} bytes; it is ${bytes.length} (generate one with generateEncryptionKey())`,
    );
  }
  return bytes;
}

/** Every key of a ring as 32 bytes; throws `InvalidInputError` (field `encryptionKey`) for a bad one. */
export function parseKeyRing(keys: EncryptionKeyRing): Buffer[] {
  if (typeof keys === 'string' || keys instanceof Uint8Array) return [keyBytes(keys)];
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new InvalidInputError('encryptionKey', 'No encryption key was given: pass a key or a non-empty array of keys');
  }
  return keys.map((k, i) => keyBytes(k, keys.length === 1 ? undefined : i));
}

function associatedData(provider: unknown): Buffer {
  if (typeof provider !== 'string' || provider.length === 0) {
    throw new InvalidInputError('provider', 'Sealed credentials are bound to a provider: pass { provider: "<name>" }');
  }
  return Buffer.from(`${SEALED_PREFIX}${provider}`, 'utf8');
}

/** True for text in the sealed format's envelope (whether or not it will open). */
export function isSealedText(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(SEALED_PREFIX);
}

/**
 * Seals `config` (any JSON value: a whole config, or one field such as a token) for `provider`.
 * Place the result in a config as `{ sealed: '<result>' }`.
 */
export function sealCredentials(config: unknown, key: EncryptionKey, options: SealOptions): string {
  const aad = associatedData(options?.provider);
  const keyBuffer = keyBytes(key);
  const json = JSON.stringify(config);
  if (json === undefined) throw new InvalidInputError('config', 'Only a JSON value can be sealed');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyBuffer, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `${SEALED_PREFIX}${[iv, ciphertext, tag].map((b) => b.toString('base64url')).join('.')}`;
}

function parseSealed(sealed: unknown, provider: string): { iv: Buffer; ciphertext: Buffer; tag: Buffer } {
  const malformed = (): CredentialsError =>
    new CredentialsError(`Sealed credentials for "${provider}" are malformed: expected ${SEALED_PREFIX}<iv>.<ciphertext>.<tag>`, {
      provider,
    });
  if (!isSealedText(sealed)) throw malformed();
  const parts = sealed.slice(SEALED_PREFIX.length).split('.');
  if (parts.length !== 3 || !parts.every((p) => BASE64URL_PART.test(p))) throw malformed();
  const [iv, ciphertext, tag] = parts.map((p) => Buffer.from(p, 'base64url')) as [Buffer, Buffer, Buffer];
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES || ciphertext.length === 0) throw malformed();
  return { iv, ciphertext, tag };
}

/**
 * Opens a value made by `sealCredentials` with the first key of the ring that fits. Throws
 * `CredentialsError` when no key opens it (wrong key, sealed for another provider, or tampered with)
 * or when it is malformed, and `InvalidInputError` (field `encryptionKey`) for a key that is not 32 bytes.
 */
export function openCredentials<T = unknown>(sealed: string, keys: EncryptionKeyRing, options: SealOptions): T {
  const aad = associatedData(options?.provider);
  const provider = options.provider;
  const ring = parseKeyRing(keys);
  const { iv, ciphertext, tag } = parseSealed(sealed, provider);
  for (const key of ring) {
    let plaintext: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad);
      decipher.setAuthTag(tag);
      plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      continue; // not this key (or not this provider, or tampered): try the next one
    }
    try {
      return JSON.parse(plaintext) as T;
    } catch {
      // Authenticated but not JSON: sealed by something else with this key. Never show the plaintext.
      throw new CredentialsError(`Sealed credentials for "${provider}" opened but do not hold a JSON value`, { provider });
    }
  }
  throw new CredentialsError(
    `Sealed credentials for "${provider}" could not be opened with ${ring.length === 1 ? 'the encryption key' : `any of the ${ring.length} encryption keys`}: wrong key, sealed for another provider, or tampered with`,
    { provider },
  );
}
