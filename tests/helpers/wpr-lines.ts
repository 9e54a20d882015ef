/**
 * WPR test data: order lines built from compact specs, an in-memory BatchStore (the interface the
 * ingest fills; used until a test needs the real store), and OpenProject target set-up helpers.
 */
import { orderContentHash, type BatchStore, type BatchSummary, type WprLine, type WprValue } from '../../src/stores/batch-store.js';

/** A compact line spec: order, line item, product, and any other canonical field. */
export interface LineSpec {
  order: string;
  item: string | number;
  product?: string;
  fields?: Record<string, WprValue>;
  row?: number;
}

/** A WprLine from a spec (defaults: product FlowOne, a description, quantity 1, status Open). */
export function wprLine(spec: LineSpec): WprLine {
  const item = String(spec.item);
  return {
    line_key: `${spec.order}-${item}`,
    order_id: spec.order,
    line_item: item,
    product: spec.product ?? 'FlowOne',
    fields: {
      order_date: '2024-03-01',
      customer: 'Acme Corp',
      description: `Item ${item} of ${spec.order}`,
      quantity: 1,
      unit_price: 100,
      status: 'Open',
      requested_delivery: '2024-04-01',
      ...spec.fields,
    },
    source: { file: 'orders.xlsx', sheet: 'WP_Overall_Order_Report', row: spec.row ?? 2 },
  };
}

/** `orders` orders of `linesPerOrder` lines each (WPO00000001…), rows numbered from 2. */
export function wprOrders(orders: number, linesPerOrder: number, options: { product?: (order: number) => string; from?: number } = {}): WprLine[] {
  const lines: WprLine[] = [];
  let row = 2;
  for (let o = options.from ?? 1; o < (options.from ?? 1) + orders; o += 1) {
    const order = `WPO${String(o).padStart(8, '0')}`;
    for (let i = 1; i <= linesPerOrder; i += 1) lines.push(wprLine({ order, item: i * 10, product: options.product?.(o) ?? 'FlowOne', row: row++ }));
  }
  return lines;
}

/** Sorts lines the way a BatchStore yields them: by order id, then line item. */
export function storeOrder(lines: readonly WprLine[]): WprLine[] {
  return [...lines].sort((a, b) => (a.order_id === b.order_id ? a.line_item.localeCompare(b.line_item, undefined, { numeric: true }) : a.order_id < b.order_id ? -1 : 1));
}

/** A BatchStore in memory (same contract as the SQLite one, without persistence). */
export class MemoryBatchStore implements BatchStore {
  readonly kind = 'sqlite' as const;
  private readonly batches = new Map<string, { summary: BatchSummary; lines: WprLine[] }>();

  async writeBatch(batch: { batch_id: string; file: string | null; sheet: string | null }, lines: AsyncIterable<WprLine> | Iterable<WprLine>): Promise<BatchSummary> {
    const all: WprLine[] = [];
    for await (const line of lines) all.push(line);
    const summary: BatchSummary = { ...batch, store: 'sqlite', lines: all.length, orders: new Set(all.map((l) => l.order_id)).size, created_at: new Date().toISOString() };
    this.batches.set(batch.batch_id, { summary, lines: storeOrder(all) });
    return summary;
  }

  async listBatches(): Promise<BatchSummary[]> {
    return [...this.batches.values()].map((b) => b.summary).reverse();
  }

  async getBatch(batchId: string): Promise<BatchSummary | undefined> {
    return this.batches.get(batchId)?.summary;
  }

  async *readBatch(batchId: string): AsyncIterable<WprLine> {
    for (const line of this.batches.get(batchId)?.lines ?? []) yield line;
  }

  async orderHashes(batchId: string): Promise<Map<string, string>> {
    const byOrder = new Map<string, WprLine[]>();
    for (const line of this.batches.get(batchId)?.lines ?? []) byOrder.set(line.order_id, [...(byOrder.get(line.order_id) ?? []), line]);
    return new Map([...byOrder].map(([order, lines]) => [order, orderContentHash(lines)]));
  }

  async close(): Promise<void> {}
}
