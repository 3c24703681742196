/**
 * Tags as EC2 takes them, checked before any request: EC2's limits (a key of 1-128 characters, a
 * value of at most 256, at most 50 tags on a resource) and its reserved `aws:` prefix. A tag that
 * breaks them is refused with an InvalidInputError naming it, never rewritten (a rewritten tag would
 * no longer match what the caller filters on). The instance's name is EC2's `Name` tag.
 */
import { InvalidInputError, MANAGED_BY_TAG, MANAGED_BY_VALUE } from '@stagely/provider-core/provider';

export const MAX_TAG_KEY = 128;
export const MAX_TAG_VALUE = 256;
export const MAX_TAGS = 50;
/** The tag EC2's console shows as the instance's name. */
export const NAME_TAG = 'Name';

export interface Ec2TagPair {
  Key: string;
  Value: string;
}

/** Throws InvalidInputError (`<base>.<key>`) for the first tag EC2 would refuse or that is reserved. */
export function checkTags(tags: Record<string, string>, base: string, provider: string): void {
  for (const [key, value] of Object.entries(tags)) {
    const field = `${base}.${key}`;
    if (key.length === 0 || key.length > MAX_TAG_KEY) {
      throw new InvalidInputError(field, `EC2 tag keys are 1-${MAX_TAG_KEY} characters; "${key.slice(0, 40)}…" has ${key.length}`, { provider });
    }
    if (key.toLowerCase().startsWith('aws:')) throw new InvalidInputError(field, `Tag keys starting with "aws:" are reserved by AWS`, { provider });
    if (typeof value !== 'string') throw new InvalidInputError(field, `Tag "${key}" must have a string value`, { provider });
    if (value.length > MAX_TAG_VALUE) {
      throw new InvalidInputError(field, `EC2 tag values are at most ${MAX_TAG_VALUE} characters; the value of "${key}" has ${value.length}`, { provider });
    }
  }
}

/**
 * The tags of a new instance (and its volume): the caller's, checked, with managed-by=stagely and
 * the name. The caller may set neither managed-by nor Name (the spec's `name` is the Name).
 */
export function instanceTags(tags: Record<string, string>, name: string, provider: string): Ec2TagPair[] {
  for (const reserved of [MANAGED_BY_TAG, NAME_TAG]) {
    if (Object.hasOwn(tags, reserved)) {
      const why = reserved === NAME_TAG ? 'it holds the instance name: set the spec\'s name instead' : 'Stagely sets it on what it creates';
      throw new InvalidInputError(`tags.${reserved}`, `The tag key "${reserved}" is reserved: ${why}`, { provider });
    }
  }
  checkTags(tags, 'tags', provider);
  const all = { ...tags, [MANAGED_BY_TAG]: MANAGED_BY_VALUE, [NAME_TAG]: name };
  if (Object.keys(all).length > MAX_TAGS) {
    throw new InvalidInputError('tags', `EC2 takes at most ${MAX_TAGS} tags on a resource; with managed-by and Name this spec has ${Object.keys(all).length}`, { provider });
  }
  return Object.entries(all).map(([Key, Value]) => ({ Key, Value }));
}

/** Tags for a managed resource other than an instance (an AMI and its snapshots). */
export function managedTags(extra: Record<string, string>): Ec2TagPair[] {
  return Object.entries({ ...extra, [MANAGED_BY_TAG]: MANAGED_BY_VALUE }).map(([Key, Value]) => ({ Key, Value }));
}

/** EC2 filter values treat `*` and `?` as wildcards; a backslash makes them literal. */
export function literalFilterValue(value: string): string {
  return value.replace(/[\\*?]/g, (c) => `\\${c}`);
}

/**
 * Filters for managed resources that carry every one of `tags` (checked first). Only
 * managed-by=stagely is listed; asking for another managed-by value is bad input.
 */
export function managedFilters(tags: Record<string, string>, base: string, provider: string): Array<{ Name: string; Values: string[] }> {
  checkTags(tags, base, provider);
  if (tags[MANAGED_BY_TAG] !== undefined && tags[MANAGED_BY_TAG] !== MANAGED_BY_VALUE) {
    throw new InvalidInputError(`${base}.${MANAGED_BY_TAG}`, `Only resources with ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} are listed`, { provider });
  }
  const wanted = { ...tags, [MANAGED_BY_TAG]: MANAGED_BY_VALUE };
  return Object.entries(wanted).map(([key, value]) => ({ Name: `tag:${key}`, Values: [literalFilterValue(value)] }));
}

/** EC2's tag list as a record. */
export function tagRecord(tags: ReadonlyArray<{ Key?: string | undefined; Value?: string | undefined }> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) out[tag.Key] = tag.Value ?? '';
  return out;
}

/** True when `actual` carries every one of `wanted` exactly (the client-side check behind a filter). */
export function hasTags(actual: Record<string, string>, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([key, value]) => actual[key] === value);
}
