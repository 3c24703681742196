/**
 * Path patterns for fake routes: `/v1/servers/:id` binds `id`; a last segment `*` matches the rest
 * of the path. Fake APIs have a handful of fixed shapes, so segment matching is all that is needed.
 */
export type PathParams = Record<string, string>;

export function matchPath(pattern: string, path: string): PathParams | null {
  const want = split(pattern);
  const got = split(path);
  const params: PathParams = {};
  for (let i = 0; i < want.length; i++) {
    const segment = want[i]!;
    if (segment === '*' && i === want.length - 1) return params;
    const value = got[i];
    if (value === undefined) return null;
    if (segment.startsWith(':')) {
      try {
        params[segment.slice(1)] = decodeURIComponent(value);
      } catch {
        return null;
      }
    } else if (segment !== value) {
      return null;
    }
  }
  return got.length === want.length ? params : null;
}

function split(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}
