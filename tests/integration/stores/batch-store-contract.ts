/**
 * The behaviour every WPR BatchStore promises (see src/stores/batch-store.ts), as a suite each
 * implementation runs: the embedded SQLite store, InfluxDB against the fake (2.x and 1.8
 * compatibility routes), and InfluxDB live when INFLUX_URL is set.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { CancelledError } from '../../../src/engine/errors.js';
import { compareLines, lineContentHash, orderContentHash, type BatchStore, type WprLine } from '../../../src/stores/batch-store.js';

/** `count` lines spread over orders of `perOrder` lines, with every kind of value. */
export function makeLines(count: number, perOrder = 3, prefix = 'WPO'): WprLine[] {
  return Array.from({ length: count }, (_, i) => {
    const order = `${prefix}${String(Math.floor(i / perOrder)).padStart(6, '0')}`;
    const item = String((i % perOrder) * 5 + 1); // 1, 6, 11: sorts as numbers
    return {
      line_key: `${order}-${item}`,
      order_id: order,
      line_item: item,
      product: i % 7 === 0 ? '' : ['FlowOne', 'NIAM', 'Session Border Controller'][i % 3]!,
      fields: {
        order_date: '2024-01-15',
        customer: i % 5 === 0 ? null : `Customer "${i % 11}", Inc.`,
        description: `Line ${i}\nsecond line`,
        quantity: i % 4 === 0 ? null : (i % 9) + 0.5,
        unit_price: 1250.25 + i,
        status: 'Open',
        requested_delivery: i % 2 ? null : '2024-02-01',
      },
      source: { file: 'orders.xlsx', sheet: 'WP_Overall_Order_Report', row: i + 5 },
    };
  });
}

async function collect(lines: AsyncIterable<WprLine>): Promise<WprLine[]> {
  const out: WprLine[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

async function* failingAfter(lines: WprLine[], count: number): AsyncGenerator<WprLine> {
  for (const [i, line] of lines.entries()) {
    if (i === count) throw new Error('the source failed half way');
    yield line;
  }
}

/** Options of {@link describeBatchStoreContract}. */
export interface ContractOptions {
  /** Prefix of every batch id (a live store may hold other batches). @default '' */
  prefix?: string;
  /** Skip the suite (a live store that is not configured). */
  skip?: boolean;
}

/** Registers the contract tests; `open` gives a store for each test (empty, or at least without these ids). */
export function describeBatchStoreContract(name: string, open: () => Promise<BatchStore>, expectedKind: 'sqlite' | 'influxdb', options: ContractOptions = {}): void {
  describe.skipIf(options.skip === true)(`BatchStore contract: ${name}`, () => {
    // Ids are unique per test, so a live store that keeps earlier tests' batches does not interfere.
    let test = 0;
    let prefix = '';
    beforeEach(() => {
      prefix = `${options.prefix ?? ''}t${++test}-`;
    });
    const id = (name: string) => `${prefix}${name}`;
    const meta = (batch_id: string) => ({ batch_id: id(batch_id), file: 'orders.xlsx', sheet: 'WP_Overall_Order_Report' });
    const listed = async (store: BatchStore) => (await store.listBatches()).filter((batch) => batch.batch_id.startsWith(prefix));

    it('reads back every line of a batch, ordered by order id then line item as a number', async () => {
      const store = await open();
      const lines = makeLines(40).reverse();
      const summary = await store.writeBatch(meta('b1'), lines);
      expect(summary).toMatchObject({ batch_id: id('b1'), store: expectedKind, file: 'orders.xlsx', sheet: 'WP_Overall_Order_Report', lines: 40, orders: 14 });
      const read = await collect(store.readBatch(id('b1')));
      expect(read).toEqual([...lines].sort(compareLines));
      expect(read.slice(0, 3).map((line) => line.line_item)).toEqual(['1', '6', '11']);
      await store.close();
    });

    it('lists batches newest first and finds one by id', async () => {
      const store = await open();
      await store.writeBatch(meta('older'), makeLines(3));
      await new Promise((resolve) => setTimeout(resolve, 5));
      await store.writeBatch(meta('newer'), makeLines(6, 3, 'X'));
      const list = await listed(store);
      expect(list.map((batch) => [batch.batch_id, batch.lines, batch.orders, batch.store])).toEqual([
        [id('newer'), 6, 2, expectedKind],
        [id('older'), 3, 1, expectedKind],
      ]);
      expect(await store.getBatch(id('older'))).toMatchObject({ lines: 3, created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
      expect(await store.getBatch(id('unknown'))).toBeUndefined();
      expect(await collect(store.readBatch(id('unknown')))).toEqual([]);
      await store.close();
    });

    it('replaces a batch written again with the same id, and keeps other batches', async () => {
      const store = await open();
      await store.writeBatch(meta('b1'), makeLines(30));
      await store.writeBatch(meta('b2'), makeLines(5, 3, 'Z'));
      await new Promise((resolve) => setTimeout(resolve, 5));
      const again = makeLines(12);
      again[0]!.fields.status = 'Shipped';
      await store.writeBatch(meta('b1'), again);
      expect(await collect(store.readBatch(id('b1')))).toEqual([...again].sort(compareLines));
      expect((await store.getBatch(id('b1')))?.lines).toBe(12);
      expect(await collect(store.readBatch(id('b2')))).toHaveLength(5);
      expect((await listed(store)).map((batch) => batch.batch_id).sort()).toEqual([id('b1'), id('b2')]);
      await store.close();
    });

    it('keeps the previous batch whole when writing fails half way (no half batch)', async () => {
      const store = await open();
      const first = makeLines(20);
      await store.writeBatch(meta('b1'), first);
      await expect(store.writeBatch(meta('b1'), failingAfter(makeLines(50, 2, 'N'), 25))).rejects.toThrow('the source failed half way');
      expect(await collect(store.readBatch(id('b1')))).toEqual([...first].sort(compareLines));
      await expect(store.writeBatch(meta('b-new'), failingAfter(makeLines(50), 30))).rejects.toThrow();
      expect(await store.getBatch(id('b-new'))).toBeUndefined();
      expect(await collect(store.readBatch(id('b-new')))).toEqual([]);
      await store.close();
    });

    it('stops with CancelledError when its signal is aborted, leaving nothing', async () => {
      const store = await open();
      const controller = new AbortController();
      controller.abort();
      await expect(store.writeBatch(meta('cancelled'), makeLines(10), controller.signal)).rejects.toBeInstanceOf(CancelledError);
      expect(await store.getBatch(id('cancelled'))).toBeUndefined();
      await store.close();
    });

    it('hashes each order from its lines, whatever their source rows', async () => {
      const store = await open();
      const lines = makeLines(9);
      await store.writeBatch(meta('h'), lines);
      const hashes = await store.orderHashes(id('h'));
      expect([...hashes.keys()]).toEqual(['WPO000000', 'WPO000001', 'WPO000002']);
      expect(hashes.get('WPO000001')).toBe(orderContentHash(lines.slice(3, 6).map((line) => ({ ...line, source: { ...line.source, row: 999 } }))));
      await store.close();
    });

    it('gives the source and content hash of every line, in batch order, when it keeps them', async () => {
      const store = await open();
      const lines = makeLines(12);
      await store.writeBatch(meta('s'), lines);
      if (store.lineSources) {
        const sources = [];
        for await (const source of store.lineSources(id('s'))) sources.push(source);
        expect(sources).toEqual([...lines].sort(compareLines).map((line) => ({ line_key: line.line_key, source: line.source, content_hash: lineContentHash(line) })));
      }
      await store.close();
    });

    it('stores an empty batch', async () => {
      const store = await open();
      expect(await store.writeBatch(meta('empty'), [])).toMatchObject({ lines: 0, orders: 0 });
      expect(await collect(store.readBatch(id('empty')))).toEqual([]);
      await store.close();
    });
  });
}
