/**
 * Path patterns for the fake servers: `/api/projects/:id` style route and fault matching.
 *
 * A pattern is split on `/`; a `:name` segment matches one non-empty segment and captures it
 * (URL-decoded), a final `*` matches the rest of the path (possibly empty), anything else must
 * match literally. Trailing slashes are ignored on both sides.
 */

/** A compiled path pattern. */
export interface PathPattern {
  /** The pattern as written, e.g. `/api/projects/:id`. */
  readonly source: string;
  /** Captured parameters when `path` matches, otherwise `undefined`. */
  match(path: string): Record<string, string> | undefined;
}

const cache = new Map<string, PathPattern>();

/** Strips a trailing slash (except for the root) so `/a/` and `/a` are the same path. */
export function normalizePath(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** Compiles (and caches) a path pattern. */
export function compilePattern(source: string): PathPattern {
  const cached = cache.get(source);
  if (cached) return cached;
  const names: string[] = [];
  const parts = normalizePath(source)
    .split('/')
    .map((segment, index, all) => {
      if (segment === '*' && index === all.length - 1) {
        names.push('*');
        return '(.*)';
      }
      if (segment.startsWith(':') && segment.length > 1) {
        names.push(segment.slice(1));
        return '([^/]+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    });
  // `/api/*` should also match `/api` itself: make the slash before a final `*` optional.
  let body = parts.join('/');
  if (body.endsWith('/(.*)')) body = `${body.slice(0, -5)}(?:/(.*))?`;
  const regex = new RegExp(`^${body}$`);
  const pattern: PathPattern = {
    source,
    match(path) {
      const m = regex.exec(normalizePath(path));
      if (!m) return undefined;
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        const raw = m[i + 1] ?? '';
        try {
          params[name] = decodeURIComponent(raw);
        } catch {
          params[name] = raw;
        }
      });
      return params;
    },
  };
  cache.set(source, pattern);
  return pattern;
}
