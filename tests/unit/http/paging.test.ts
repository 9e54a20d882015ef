import { describe, expect, it } from 'vitest';
import { cursorPaging, offsetPaging, pageNumberPaging, readAllPages, type PageParams } from '../../../src/http/paging.js';

const records = Array.from({ length: 7 }, (_, i) => ({ Id: `r${i + 1}` }));

describe('readAllPages', () => {
  it('reads page-number pages until the total is reached', async () => {
    const asked: PageParams[] = [];
    const items = await readAllPages(
      async (params) => {
        asked.push(params);
        const page = Number(params.page);
        return { Items: records.slice((page - 1) * 3, page * 3), TotalCount: records.length };
      },
      pageNumberPaging<{ Items: typeof records; TotalCount: number }, (typeof records)[number]>({ size: 3, items: (b) => b.Items, total: (b) => b.TotalCount, idOf: (r) => r.Id }),
    );
    expect(items.map((r) => r.Id)).toEqual(records.map((r) => r.Id));
    expect(asked).toEqual([{ page: 1, pageSize: 3 }, { page: 2, pageSize: 3 }, { page: 3, pageSize: 3 }]);
  });

  it('stops when a server ignoring paging repeats the same page', async () => {
    let calls = 0;
    const items = await readAllPages(
      async () => {
        calls += 1;
        return { Items: records.slice(0, 3) };
      },
      pageNumberPaging<{ Items: typeof records }, (typeof records)[number]>({ size: 3, items: (b) => b.Items, idOf: (r) => r.Id }),
    );
    expect(items).toHaveLength(3);
    expect(calls).toBe(2);
  });

  it('reads OpenProject collections by 1-based offset and stops at total', async () => {
    const offsets: unknown[] = [];
    const items = await readAllPages(async (params) => {
      offsets.push(params.offset);
      const page = Number(params.offset);
      const elements = records.slice((page - 1) * 2, page * 2);
      return { _type: 'Collection', total: records.length, count: elements.length, pageSize: 2, offset: page, _embedded: { elements } };
    }, offsetPaging<{ Id: string }>({ pageSize: 2 }));
    expect(items).toHaveLength(7);
    expect(offsets).toEqual([1, 2, 3, 4]);
  });

  it('follows DevRev cursors until an answer has no next_cursor, keeping the filters', async () => {
    const asked: PageParams[] = [];
    const items = await readAllPages(
      async (params) => {
        asked.push(params);
        const at = params.cursor === undefined ? 0 : Number(params.cursor);
        return { works: records.slice(at, at + 4), next_cursor: at + 4 < records.length ? String(at + 4) : undefined };
      },
      cursorPaging<{ works: typeof records; next_cursor?: string }, (typeof records)[number]>({ limit: 4, items: (b) => b.works, nextCursor: (b) => b.next_cursor, params: { type: 'issue' } }),
    );
    expect(items).toHaveLength(7);
    expect(asked).toEqual([{ type: 'issue', limit: 4 }, { type: 'issue', limit: 4, cursor: '4' }]);
  });

  it('stops on cancellation between pages', async () => {
    const abort = new AbortController();
    const read = readAllPages(async () => {
      abort.abort();
      return { works: records, next_cursor: 'x' };
    }, cursorPaging<{ works: typeof records; next_cursor?: string }, (typeof records)[number]>({ limit: 7, items: (b) => b.works, nextCursor: (b) => b.next_cursor }), { signal: abort.signal });
    await expect(read).rejects.toMatchObject({ kind: 'cancelled' });
  });
});
