/**
 * Every page of a list (docs/architecture.md, "Provider mechanics"), numbered (`?page=2`) or by a
 * token cursor (`NextToken`), each page through core's retry loop so that one failed page does not
 * restart the whole listing.
 */
import { ApiError } from '../contract/errors.js';
import type { EventSink } from '../contract/events.js';
import { withRetry, type RetryPolicy } from './retry.js';

export interface Page<T, C> {
  items: readonly T[];
  /** The cursor of the next page: a page number or a token; null / undefined on the last page. */
  next?: C | null | undefined;
}

export interface CollectPagesOptions {
  provider: string;
  /** The API operation, e.g. `servers.list`. */
  operation: string;
  signal?: AbortSignal | undefined;
  events?: EventSink | undefined;
  /** Each page's retry budget (the provider's `retry` config). */
  retry?: Omit<RetryPolicy, 'signal' | 'provider' | 'operation' | 'events'> | undefined;
  /** A listing longer than this is refused as an API fault rather than read forever; default 10 000. */
  maxPages?: number;
}

/**
 * Calls `fetchPage(undefined)` for the first page, then `fetchPage(next)` until a page has no next
 * cursor. A cursor that comes round again (or a page number that does not grow) ends the listing with
 * an ApiError, since an API that loops would otherwise be read forever or silently cut short.
 */
export async function collectPages<T, C extends string | number = number>(
  fetchPage: (cursor: C | undefined, signal: AbortSignal | undefined) => Promise<Page<T, C>>,
  options: CollectPagesOptions,
): Promise<T[]> {
  const maxPages = options.maxPages ?? 10_000;
  const items: T[] = [];
  const seen = new Set<C>();
  let cursor: C | undefined;
  for (let pages = 1; ; pages++) {
    const current = cursor;
    const page = await withRetry(() => fetchPage(current, options.signal), {
      ...options.retry,
      signal: options.signal,
      events: options.events,
      provider: options.provider,
      operation: options.operation,
    });
    items.push(...page.items);
    const next = page.next;
    if (next === null || next === undefined) return items;
    const loops = seen.has(next) || next === current || (typeof next === 'number' && typeof current === 'number' && next <= current);
    if (loops || pages >= maxPages) {
      throw new ApiError(`The ${options.operation} listing ${loops ? `pointed back to page ${String(next)}` : `ran past ${maxPages} pages`}`, undefined, {
        provider: options.provider,
        details: { operation: options.operation, unexpected: true },
      });
    }
    seen.add(next);
    cursor = next;
  }
}
