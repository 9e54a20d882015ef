/**
 * The request log of a fake server: one entry per request (control requests under `/__fake/`
 * excluded), with what was answered and which fault or rate limit applied.
 */
import { compilePattern } from './routing.js';
import type { FaultKind } from './fault-injection.js';

/** One logged request. */
export interface RequestLogEntry {
  /** 1-based arrival number. */
  seq: number;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Matched route pattern (e.g. `/api/projects/:id`), `null` when none matched or not routed. */
  route: string | null;
  /** Status answered (or that would have been answered for `lostResponse`); `null` when reset before answering. */
  status: number | null;
  /** Fault applied, if any. */
  fault: FaultKind | null;
  /** True when the request was refused with 429. */
  rateLimited: boolean;
  /** False when the client never got an answer (reset, lost response, client gone). */
  delivered: boolean;
  /** Arrival time, epoch ms. */
  timestamp: number;
  /** Time from arrival to answer (or reset), ms; `null` while in flight. */
  durationMs: number | null;
}

/** Which entries to count; `path` is a pattern (`/api/projects/:id`) or an exact path. */
export interface RequestFilter {
  method?: string;
  path?: string;
  status?: number;
  fault?: FaultKind;
}

/** Aggregated counters of a fake, as `stats()` and `GET /__fake/stats` return them. */
export interface RequestStats {
  requests: number;
  /** Keyed `"<METHOD> <route pattern or path>"`. */
  byRoute: Record<string, number>;
  /** Keyed `"<METHOD> <concrete path>"`. */
  byPath: Record<string, number>;
  /** Keyed by status code; `"none"` for requests that got no status (reset). */
  byStatus: Record<string, number>;
  /** 429s sent. */
  rateLimited: number;
  /** Faults applied, per kind. */
  faults: Record<FaultKind, number>;
}

/** Append-only log with simple queries. */
export class RequestLog {
  readonly #entries: RequestLogEntry[] = [];
  #seq = 0;

  /** Starts an entry for an arriving request. */
  start(method: string, path: string, query: URLSearchParams): RequestLogEntry {
    const entry: RequestLogEntry = {
      seq: ++this.#seq,
      method,
      path,
      query: Object.fromEntries(query),
      route: null,
      status: null,
      fault: null,
      rateLimited: false,
      delivered: false,
      timestamp: Date.now(),
      durationMs: null,
    };
    this.#entries.push(entry);
    return entry;
  }

  /** All entries, oldest first (a copy of the array; entries are live objects). */
  get entries(): RequestLogEntry[] {
    return [...this.#entries];
  }

  /** Entries matching `filter`. */
  filter(filter: RequestFilter = {}): RequestLogEntry[] {
    const pattern = filter.path ? compilePattern(filter.path) : undefined;
    return this.#entries.filter(
      (e) =>
        (!filter.method || e.method === filter.method.toUpperCase()) &&
        (!pattern || pattern.match(e.path) !== undefined) &&
        (filter.status === undefined || e.status === filter.status) &&
        (filter.fault === undefined || e.fault === filter.fault),
    );
  }

  /** Number of entries matching `filter`, e.g. `count({method: 'POST', path: '/api/projects'})`. */
  count(filter: RequestFilter = {}): number {
    return this.filter(filter).length;
  }

  /** Forgets every entry. */
  clear(): void {
    this.#entries.length = 0;
  }

  /** Aggregates the log. */
  stats(): RequestStats {
    const faults: Record<FaultKind, number> = { status5xx: 0, reset: 0, lostResponse: 0, delay: 0, html: 0 };
    const stats: RequestStats = { requests: this.#entries.length, byRoute: {}, byPath: {}, byStatus: {}, rateLimited: 0, faults };
    const bump = (map: Record<string, number>, key: string) => {
      map[key] = (map[key] ?? 0) + 1;
    };
    for (const e of this.#entries) {
      bump(stats.byRoute, `${e.method} ${e.route ?? e.path}`);
      bump(stats.byPath, `${e.method} ${e.path}`);
      bump(stats.byStatus, e.status === null ? 'none' : String(e.status));
      if (e.rateLimited) stats.rateLimited += 1;
      if (e.fault) faults[e.fault] += 1;
    }
    return stats;
  }
}
