/**
 * Paging strategies: how a target's list routes are read to the end. A strategy says what the
 * first page asks for, where the records of an answer are, and what the next page asks for (or
 * that there is none). `readAllPages` drives any of them over a caller-supplied page fetcher, so
 * the same loop serves query-string paging (GET) and body paging (DevRev's POST `*.list`).
 *
 * - `pageNumberPaging`: page number + size, with an optional total (INNERGY: `page`/`pageSize` →
 *   `{Items, TotalCount}`).
 * - `offsetPaging`: 1-based `offset` page number + `pageSize`, with `total` (OpenProject
 *   collections: `{total, count, pageSize, offset, _embedded: {elements}}`).
 * - `cursorPaging`: opaque cursor (DevRev: `{cursor, limit}` → `{works, next_cursor}`; no
 *   `next_cursor` means the last page).
 *
 * Guards against servers that ignore paging: a page that brings no record not seen before ends
 * the read (when the strategy can tell records apart), and `maxPages` bounds it.
 */
import { throwIfCancelled } from '../engine/errors.js';

/** Parameters of one page request (sent as query parameters or JSON body by the fetcher). */
export type PageParams = Record<string, string | number | undefined>;

/** What a strategy knows about the read so far. */
export interface PagingState {
  /** Pages read, the current one included. */
  pages: number;
  /** Records received so far, the current page included. */
  received: number;
  /** Records of the current page. */
  pageItems: number;
}

/** How one API pages its lists. */
export interface PagingStrategy<B, T> {
  /** Parameters of the first page. */
  first(): PageParams;
  /** The records of an answer. */
  items(body: B): T[];
  /** Parameters of the next page, or undefined when this answer was the last page. */
  next(body: B, current: PageParams, state: PagingState): PageParams | undefined;
  /** A record's identity, to notice a server that ignores paging and repeats a page. */
  idOf?(item: T): string;
}

/** Options of {@link readAllPages}. */
export interface ReadAllOptions {
  signal?: AbortSignal | undefined;
  /** Upper bound on pages read. @default 100000 */
  maxPages?: number;
  /** Called after every page (progress). */
  onPage?: (state: PagingState) => void;
}

/** Reads every page of a list and returns all its records, in order (repeats dropped when `idOf` is known). */
export async function readAllPages<B, T>(
  fetchPage: (params: PageParams) => Promise<B>,
  strategy: PagingStrategy<B, T>,
  options: ReadAllOptions = {},
): Promise<T[]> {
  const out: T[] = [];
  const seen = strategy.idOf ? new Set<string>() : undefined;
  const maxPages = options.maxPages ?? 100_000;
  let params: PageParams | undefined = strategy.first();
  const state: PagingState = { pages: 0, received: 0, pageItems: 0 };
  while (params !== undefined && state.pages < maxPages) {
    throwIfCancelled(options.signal);
    const body = await fetchPage(params);
    const items = strategy.items(body);
    state.pages += 1;
    state.pageItems = items.length;
    state.received += items.length;
    let fresh = 0;
    for (const item of items) {
      if (seen) {
        const id = strategy.idOf!(item);
        if (seen.has(id)) continue;
        seen.add(id);
      }
      out.push(item);
      fresh += 1;
    }
    options.onPage?.(state);
    if (items.length === 0 || (seen && fresh === 0)) break;
    params = strategy.next(body, params, state);
  }
  return out;
}

/** Page number + page size (1-based pages), stopping at the total when the answer gives one. */
export function pageNumberPaging<B, T>(options: {
  pageParam?: string;
  sizeParam?: string;
  size: number;
  items: (body: B) => T[] | undefined;
  total?: (body: B) => number | undefined;
  idOf?: (item: T) => string;
}): PagingStrategy<B, T> {
  const pageParam = options.pageParam ?? 'page';
  const sizeParam = options.sizeParam ?? 'pageSize';
  return {
    first: () => ({ [pageParam]: 1, [sizeParam]: options.size }),
    items: (body) => options.items(body) ?? [],
    next: (body, current, state) => {
      const total = options.total?.(body);
      if (typeof total === 'number' ? state.received >= total : state.pageItems < options.size) return undefined;
      return { ...current, [pageParam]: Number(current[pageParam]) + 1 };
    },
    ...(options.idOf ? { idOf: options.idOf } : {}),
  };
}

/** An OpenProject-style collection answer. */
export interface OffsetCollection<T> {
  total?: number;
  count?: number;
  pageSize?: number;
  offset?: number;
  _embedded?: { elements?: T[] };
}

/** OpenProject paging: `offset` is a 1-based page number, `pageSize` records per page, `total` in every answer. */
export function offsetPaging<T>(options: { pageSize: number; idOf?: (item: T) => string }): PagingStrategy<OffsetCollection<T>, T> {
  return {
    first: () => ({ offset: 1, pageSize: options.pageSize }),
    items: (body) => body?._embedded?.elements ?? [],
    next: (body, current, state) => {
      const size = typeof body?.pageSize === 'number' && body.pageSize > 0 ? body.pageSize : options.pageSize;
      const total = body?.total;
      if (typeof total === 'number' ? state.received >= total : state.pageItems < size) return undefined;
      return { ...current, offset: Number(current.offset) + 1 };
    },
    ...(options.idOf ? { idOf: options.idOf } : {}),
  };
}

/** Cursor paging: the answer names the next cursor; none means the last page. */
export function cursorPaging<B, T>(options: {
  cursorParam?: string;
  limitParam?: string;
  limit: number;
  items: (body: B) => T[] | undefined;
  nextCursor: (body: B) => string | null | undefined;
  idOf?: (item: T) => string;
  /** Extra parameters sent with every page (filters). */
  params?: PageParams;
}): PagingStrategy<B, T> {
  const cursorParam = options.cursorParam ?? 'cursor';
  const limitParam = options.limitParam ?? 'limit';
  return {
    first: () => ({ ...options.params, [limitParam]: options.limit }),
    items: (body) => options.items(body) ?? [],
    next: (body, current) => {
      const cursor = options.nextCursor(body);
      return cursor ? { ...current, [cursorParam]: cursor } : undefined;
    },
    ...(options.idOf ? { idOf: options.idOf } : {}),
  };
}
