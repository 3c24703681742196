/**
 * Sealed values inside a provider config. Any node of the form `{ sealed: 'stagely:v1:...' }` (an
 * object whose only key is `sealed`) is replaced by the value it opens to: a single field
 * (`{ token: { sealed } , region: 'fsn1' }`) or the whole config (`{ sealed }` at the root).
 * Opened values are not searched again.
 */
import { CredentialsError, InvalidInputError, isStagelyError } from '../contract/errors.js';
import { isPlainObject } from '../plugins/canonical.js';
import { openCredentials, type EncryptionKeyRing } from './credentials.js';

export interface OpenedConfig {
  config: unknown;
  /** Every string that came out of a sealed value: scrubbed from anything shown to a user. */
  secrets: string[];
}

function isSealedNode(value: unknown): value is { sealed: unknown } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === 'sealed';
}

/** Every string anywhere in `value`, appended to `into`. */
export function collectStrings(value: unknown, into: string[]): void {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, into);
  else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) collectStrings(item, into);
}

/**
 * Opens every sealed node of `config` for `provider`. `keys` is asked for only when a sealed node is
 * found. Throws `CredentialsError` naming the field (never its value) when one cannot be opened.
 */
export function openSealedConfig(
  config: unknown,
  provider: string,
  keys: () => EncryptionKeyRing | undefined,
): OpenedConfig {
  const secrets: string[] = [];
  const ancestors = new Set<object>();
  const visit = (value: unknown, path: string): unknown => {
    if (isSealedNode(value)) {
      const ring = keys();
      if (ring === undefined) {
        throw new CredentialsError(
          `${path} is sealed but no encryption key was given (the registry's encryptionKey option, or STAGELY_ENCRYPTION_KEY)`,
          { provider, details: { field: path } },
        );
      }
      let opened: unknown;
      try {
        opened = openCredentials(value.sealed as string, ring, { provider });
      } catch (error) {
        if (isStagelyError(error, 'CREDENTIALS')) {
          throw new CredentialsError(`${path}: ${error.message}`, { provider, details: { field: path } });
        }
        throw error;
      }
      collectStrings(opened, secrets);
      return opened;
    }
    const isTree = typeof value === 'object' && value !== null && (Array.isArray(value) || isPlainObject(value));
    if (!isTree) return value; // a Date, a custom fetch, an agent: handed over as it is
    if (ancestors.has(value)) throw new InvalidInputError(path, `${path} refers to itself: a config must be a tree`);
    ancestors.add(value);
    const copy = Array.isArray(value)
      ? value.map((item, i) => visit(item, `${path}.${i}`))
      : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v, `${path}.${k}`)]));
    ancestors.delete(value);
    return copy;
  };
  return { config: visit(config, 'config'), secrets };
}
