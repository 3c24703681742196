/**
 * The mock cloud's own input rules, checked before any request: id shapes, list filters, label
 * syntax, user data and snapshot names. A broken rule is an InvalidInputError naming the field.
 */
import { InvalidInputError, MANAGED_BY_TAG } from '@stagely/provider-core/provider';

export const INSTANCE_ID = /^mock-(\d+)$/;
export const SNAPSHOT_ID = /^mock-snapshot-(\d+)$/;
/** Label syntax of the mock cloud (the common subset of what clouds accept). */
const TAG_KEY = /^[a-z0-9]([a-z0-9._/-]{0,61}[a-z0-9])?$/i;
const MAX_TAG_VALUE = 63;
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
/** Clouds cap user data (Hetzner 32 KiB); so does the mock. */
export const MAX_USER_DATA_BYTES = 32 * 1024;

const p = { provider: 'mock' } as const;

export function checkId(id: unknown, pattern: RegExp, field: string): asserts id is string {
  if (typeof id !== 'string' || !pattern.test(id)) {
    const shape = pattern === SNAPSHOT_ID ? 'mock-snapshot-<n>' : 'mock-<n>';
    throw new InvalidInputError(field, `Malformed id: ${field} must look like ${shape}`, p);
  }
}

export function checkTags(tags: Record<string, string>): void {
  for (const [key, value] of Object.entries(tags)) {
    const field = `tags.${key}`;
    if (key === MANAGED_BY_TAG) {
      throw new InvalidInputError(field, `The tag key "${MANAGED_BY_TAG}" is reserved: Stagely sets it on what it creates`, p);
    }
    if (!TAG_KEY.test(key)) {
      throw new InvalidInputError(
        field,
        'A tag key must be 1-63 letters, digits, ".", "_", "/" or "-", starting and ending with a letter or digit',
        p,
      );
    }
    if (value.length > MAX_TAG_VALUE || CONTROL_CHARS.test(value)) {
      throw new InvalidInputError(field, `A tag value must be at most ${MAX_TAG_VALUE} printable characters`, p);
    }
  }
}

export function checkUserData(userData: string | undefined): void {
  if (userData !== undefined && Buffer.byteLength(userData) > MAX_USER_DATA_BYTES) {
    throw new InvalidInputError('userData', `userData must be at most ${MAX_USER_DATA_BYTES} bytes`, p);
  }
}

export function checkSnapshotName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.trim() === '' || name.length > 63 || CONTROL_CHARS.test(name)) {
    throw new InvalidInputError('name', 'A snapshot name must be 1-63 printable characters', p);
  }
}
