/**
 * Pagination as clouds do it, with a page size the fake keeps small so that clients must follow
 * pages: page / per_page with totals (Hetzner, DigitalOcean) and opaque tokens (EC2 NextToken).
 */

export interface PageOptions {
  /** 1-based page number as the client sent it (string from a query is fine); default 1. */
  page?: number | string | undefined;
  /** Items per page the client asked for; default `defaultPerPage`. */
  perPage?: number | string | undefined;
  /** Default 25. */
  defaultPerPage?: number;
  /** A cap whatever the client asks; set it small (2) so listing crosses pages. */
  maxPerPage?: number;
}

export interface NumberedPage<T> {
  items: T[];
  page: number;
  perPage: number;
  previousPage: number | null;
  nextPage: number | null;
  lastPage: number;
  totalEntries: number;
}

/** Thrown for a page number, size or token the API would refuse; the fake maps it to its 400. */
export class PaginationError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.name = 'PaginationError';
    this.field = field;
  }
}

export function paginateNumbered<T>(items: readonly T[], options: PageOptions = {}): NumberedPage<T> {
  const page = positiveInt('page', options.page, 1);
  const asked = positiveInt('per_page', options.perPage, options.defaultPerPage ?? 25);
  const perPage = Math.min(asked, options.maxPerPage ?? asked);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    page,
    perPage,
    previousPage: page > 1 ? page - 1 : null,
    nextPage: page < lastPage ? page + 1 : null,
    lastPage,
    totalEntries: items.length,
  };
}

export interface TokenPageOptions {
  /** The client's NextToken; absent for the first page. */
  token?: string | undefined;
  /** The client's MaxResults; default `defaultPageSize`. */
  maxResults?: number | string | undefined;
  /** Default 25. */
  defaultPageSize?: number;
  /** A cap whatever the client asks; set it small so listing crosses pages. */
  maxPageSize?: number;
}

export interface TokenPage<T> {
  items: T[];
  /** Absent on the last page. */
  nextToken: string | undefined;
}

export function paginateToken<T>(items: readonly T[], options: TokenPageOptions = {}): TokenPage<T> {
  const asked = positiveInt('MaxResults', options.maxResults, options.defaultPageSize ?? 25);
  const size = Math.min(asked, options.maxPageSize ?? asked);
  const offset = options.token === undefined || options.token === '' ? 0 : decodeToken(options.token);
  const end = offset + size;
  return { items: items.slice(offset, end), nextToken: end < items.length ? encodeToken(end) : undefined };
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodeToken(token: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown };
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // falls through to the error below
  }
  throw new PaginationError('NextToken', `Invalid NextToken: ${token}`);
}

function positiveInt(field: string, value: number | string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 1) throw new PaginationError(field, `${field} must be a positive integer, got ${String(value)}`);
  return n;
}
