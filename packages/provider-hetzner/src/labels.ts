/**
 * Tags as Hetzner labels. Hetzner's label syntax is checked before any request, and a tag that
 * breaks it is refused with an InvalidInputError naming it: never silently rewritten, since a
 * rewritten tag would no longer match what the caller filters on.
 *
 * Syntax (Hetzner API reference, "Labels"): a key is an optional DNS-subdomain prefix and `/`,
 * then a name of 1-63 characters `[a-zA-Z0-9._-]` that starts and ends with a letter or digit; a
 * value is empty or follows the same rule as the name. The prefix `hetzner.cloud/` is reserved.
 */
import { InvalidInputError, MANAGED_BY_TAG, MANAGED_BY_VALUE } from '@stagely/provider-core/provider';

const NAME = /^[a-zA-Z0-9]([a-zA-Z0-9._-]{0,61}[a-zA-Z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_PREFIX = 253;
const RESERVED_PREFIX = 'hetzner.cloud';

/** Why `key` is not a valid Hetzner label key, or undefined when it is. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (slash !== -1) {
    const prefix = key.slice(0, slash);
    if (prefix.length === 0 || prefix.length > MAX_PREFIX || !prefix.split('.').every((part) => DNS_LABEL.test(part))) {
      return `its prefix "${prefix}" must be a lower-case DNS subdomain of at most ${MAX_PREFIX} characters`;
    }
    if (prefix === RESERVED_PREFIX || prefix.endsWith(`.${RESERVED_PREFIX}`)) return `the prefix "${prefix}/" is reserved by Hetzner`;
  }
  if (!NAME.test(name)) {
    return 'its name must be 1-63 letters, digits, ".", "_" or "-", starting and ending with a letter or digit';
  }
  return undefined;
}

/** Why `value` is not a valid Hetzner label value, or undefined when it is. */
export function labelValueProblem(value: string): string | undefined {
  if (value === '' || NAME.test(value)) return undefined;
  return 'a value must be empty or 1-63 letters, digits, ".", "_" or "-", starting and ending with a letter or digit';
}

/**
 * Throws InvalidInputError (`field` `<base>.<key>`) for the first tag Hetzner would refuse, or that
 * claims the reserved managed-by key.
 */
export function checkTags(tags: Record<string, string>, base: string, provider: string): void {
  for (const [key, value] of Object.entries(tags)) {
    const field = `${base}.${key}`;
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) throw new InvalidInputError(field, `Tag key "${key}" is not a valid Hetzner label key: ${keyProblem}`, { provider });
    if (typeof value !== 'string') throw new InvalidInputError(field, `Tag "${key}" must have a string value`, { provider });
    const valueProblem = labelValueProblem(value);
    if (valueProblem) {
      throw new InvalidInputError(field, `Tag "${key}" has a value Hetzner refuses ("${value}"): ${valueProblem}`, { provider });
    }
  }
}

/** Tags for a create: checked, with managed-by=stagely added. The caller may not set managed-by. */
export function managedLabels(tags: Record<string, string>, provider: string): Record<string, string> {
  if (Object.hasOwn(tags, MANAGED_BY_TAG)) {
    throw new InvalidInputError(`tags.${MANAGED_BY_TAG}`, `The tag key "${MANAGED_BY_TAG}" is reserved: Stagely sets it on what it creates`, {
      provider,
    });
  }
  checkTags(tags, 'tags', provider);
  return { ...tags, [MANAGED_BY_TAG]: MANAGED_BY_VALUE };
}

/**
 * A `label_selector` for managed resources that carry every one of `tags`. Keys and values are
 * checked first, so none can smuggle selector syntax (`,`, `!=`, `in (...)`) into the query.
 */
export function managedSelector(tags: Record<string, string> = {}, base = 'filter.tags', provider = 'hetzner'): string {
  checkTags(tags, base, provider);
  const wanted: Record<string, string> = { ...tags, [MANAGED_BY_TAG]: MANAGED_BY_VALUE };
  if (tags[MANAGED_BY_TAG] !== undefined && tags[MANAGED_BY_TAG] !== MANAGED_BY_VALUE) {
    throw new InvalidInputError(`${base}.${MANAGED_BY_TAG}`, `Only instances with ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} are listed`, { provider });
  }
  return Object.entries(wanted)
    .sort(([a], [b]) => (a === MANAGED_BY_TAG ? -1 : b === MANAGED_BY_TAG ? 1 : a.localeCompare(b)))
    .map(([key, value]) => `${key}==${value}`)
    .join(',');
}
