/**
 * The tag filter of `listInstances`, checked the same way by every provider before any request: a
 * filter that is not an object, or a tag value that is not a string, is an InvalidInputError naming it.
 */
import type { ListFilter } from '../contract/contract.js';
import { InvalidInputError } from '../contract/errors.js';

/** The tags a listing must match (`{}` for none). */
export function filterTags(filter: ListFilter | undefined, provider: string): Record<string, string> {
  if (filter === undefined || filter === null) return {};
  if (typeof filter !== 'object') throw new InvalidInputError('filter', 'filter must be an object', { provider });
  const tags: unknown = filter.tags;
  if (tags === undefined) return {};
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) {
    throw new InvalidInputError('filter.tags', 'filter.tags must map tag keys to values', { provider });
  }
  for (const [key, value] of Object.entries(tags)) {
    if (typeof value !== 'string') throw new InvalidInputError(`filter.tags.${key}`, `filter.tags.${key} must be a string`, { provider });
  }
  return tags as Record<string, string>;
}
