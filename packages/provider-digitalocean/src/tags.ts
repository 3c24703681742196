/**
 * The contract's key/value tags as DigitalOcean tag names. DigitalOcean tags are plain strings of
 * letters, digits, `_`, `-` and `:` (at most 255 characters), so `key=value` is written `key:value`:
 * the key may not contain `:` (the first colon separates), the value may. That is reversible, and
 * a tag that cannot be written so is refused with an InvalidInputError naming it, never rewritten:
 * a rewritten tag would no longer match what the caller filters on.
 *
 * Each create also carries a marker `stagely-request:<random>` that ties the Droplet to the call
 * that made it (names are not unique on DigitalOcean); it is not shown in `Instance.tags`.
 */
import { InvalidInputError, MANAGED_BY_TAG, MANAGED_BY_VALUE } from '@stagely/provider-core/provider';
import { randomBytes } from 'node:crypto';

const KEY = /^[a-zA-Z0-9_-]+$/;
const VALUE = /^[a-zA-Z0-9_:-]*$/;
const MAX_TAG = 255;
const SEPARATOR = ':';

/** The tag key of the per-request marker. */
export const REQUEST_TAG = 'stagely-request';
/** The DigitalOcean tag every managed Droplet carries, and that listing filters on. */
export const MANAGED_TAG = encodeTag(MANAGED_BY_TAG, MANAGED_BY_VALUE);

/** `key:value`. Assumes a checked pair (see tagProblem). */
export function encodeTag(key: string, value: string): string {
  return `${key}${SEPARATOR}${value}`;
}

/** Why `key=value` cannot be a DigitalOcean tag, or undefined when it can. */
export function tagProblem(key: string, value: unknown): string | undefined {
  if (!KEY.test(key)) return 'a key must be letters, digits, "_" or "-" (DigitalOcean tags allow nothing else, and ":" separates key from value)';
  if (typeof value !== 'string') return 'the value must be a string';
  if (!VALUE.test(value)) return 'a value must be letters, digits, "_", "-" or ":" (DigitalOcean tags allow nothing else)';
  if (key.length + 1 + value.length > MAX_TAG) return `key and value together must fit in ${MAX_TAG - 1} characters`;
  return undefined;
}

/** Throws InvalidInputError (`<base>.<key>`) for the first tag DigitalOcean cannot hold. */
export function checkTags(tags: Record<string, string>, base: string, provider: string): void {
  for (const [key, value] of Object.entries(tags)) {
    const problem = tagProblem(key, value);
    if (problem) throw new InvalidInputError(`${base}.${key}`, `Tag "${key}" cannot be a DigitalOcean tag: ${problem}`, { provider });
  }
}

/** A fresh marker value for one create. */
export function requestMarker(): string {
  return encodeTag(REQUEST_TAG, randomBytes(8).toString('hex'));
}

/**
 * The tag names for a create: the caller's tags checked, managed-by=stagely and the request marker
 * added. The caller may not set managed-by or the marker.
 */
export function createTags(tags: Record<string, string>, marker: string, provider: string): string[] {
  for (const reserved of [MANAGED_BY_TAG, REQUEST_TAG]) {
    if (Object.hasOwn(tags, reserved)) {
      throw new InvalidInputError(`tags.${reserved}`, `The tag key "${reserved}" is reserved: Stagely sets it on what it creates`, { provider });
    }
  }
  checkTags(tags, 'tags', provider);
  return [MANAGED_TAG, ...Object.entries(tags).map(([key, value]) => encodeTag(key, value)), marker];
}

/**
 * DigitalOcean tag names as the contract's tags: `key:value` split at the first colon, a tag
 * without one as `key` with an empty value. The request marker is left out.
 */
export function decodeTags(names: readonly string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const name of names) {
    const at = name.indexOf(SEPARATOR);
    const [key, value] = at === -1 ? [name, ''] : [name.slice(0, at), name.slice(at + 1)];
    if (key !== REQUEST_TAG) tags[key] = value;
  }
  return tags;
}

/**
 * The extra filter of a listing (which asks DigitalOcean for the managed tag): checked like
 * create's tags, so a filter that no Droplet could carry is refused instead of matching nothing.
 */
export function filterMatcher(filter: Record<string, string>, provider: string): (tags: Record<string, string>) => boolean {
  checkTags(filter, 'filter.tags', provider);
  const wanted = Object.entries(filter);
  return (tags) => wanted.every(([key, value]) => tags[key] === value);
}
