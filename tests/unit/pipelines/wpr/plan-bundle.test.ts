/** Compile: batch lines → one epic per (order, project), one story per line, hashes, unmapped products. */
import { describe, expect, it } from 'vitest';
import { buildProductRegistry } from '../../../../src/config/product-registry.js';
import { loadWprColumns } from '../../../../src/config/wpr-columns.js';
import { NeedsCollector } from '../../../../src/pipelines/wpr/needs.js';
import { compileOrders, newTally, roleFields, unmappedWarnings, type PlannedOrder } from '../../../../src/pipelines/wpr/plan-bundle.js';
import type { WprLine } from '../../../../src/stores/batch-store.js';
import { storeOrder, wprLine, wprOrders } from '../../../helpers/wpr-lines.js';

const registry = buildProductRegistry({ FlowOne: 'flowone', 'Session Border Controller': 'sbc' }, 'product_project_registry.json');

async function compile(lines: WprLine[]) {
  const columns = await loadWprColumns('config');
  const tally = newTally();
  const orders: PlannedOrder[] = [];
  for await (const order of compileOrders(storeOrder(lines), { registry, columns }, tally)) orders.push(order);
  return { orders, tally, columns };
}

describe('compileOrders', () => {
  it('plans one epic per order keyed <order>@<project> and one story per line keyed by its line key', async () => {
    const { orders, tally } = await compile(wprOrders(2, 3));
    expect(orders.map((o) => o.epic.key)).toEqual(['WPO00000001@flowone', 'WPO00000002@flowone']);
    expect(orders[0]!.stories.map((s) => s.key)).toEqual(['WPO00000001-10', 'WPO00000001-20', 'WPO00000001-30']);
    expect(orders[0]!.epic.payload).toEqual({
      project: 'flowone',
      subject: 'WPO00000001 – Acme Corp',
      description: 'WPR order WPO00000001 (FlowOne), 3 lines.',
      fields: { 'WPR Order ID': 'WPO00000001', 'WPR Order Date': '2024-03-01', 'WPR Customer': 'Acme Corp', 'WPR Product': 'FlowOne' },
    });
    expect(orders[0]!.stories[0]!.payload.fields).toEqual({
      'WPR Order ID': 'WPO00000001',
      'WPR Line Key': 'WPO00000001-10',
      'WPR Quantity': 1,
      'WPR Unit Price': 100,
      'WPR Status': 'Open',
      'WPR Requested Delivery': '2024-04-01',
    });
    expect(orders[0]!.stories[0]!.source).toEqual({ file: 'orders.xlsx', sheet: 'WP_Overall_Order_Report', line: 2 });
    expect(tally).toMatchObject({ orders: 2, lines: 6 });
  });

  it('skips the orders of an unmapped product with exactly one warning per product', async () => {
    const lines = [...wprOrders(3, 2, { product: (o) => (o === 2 ? 'Widget' : 'FlowOne') }), wprLine({ order: 'WPO9', item: 1, product: 'widget ' }), wprLine({ order: 'WPO8', item: 1, product: 'Gadget' })];
    const { orders, tally } = await compile(lines);
    expect(orders.map((o) => o.orderId)).toEqual(['WPO00000001', 'WPO00000003']);
    expect([...tally.unmapped.values()]).toEqual([
      { product: 'Widget', orders: 2, lines: 3 },
      { product: 'Gadget', orders: 1, lines: 1 },
    ]);
    const warnings = unmappedWarnings(tally, 'product_project_registry.json');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toBe('Product "Gadget" is not in product_project_registry.json: its 1 order (1 line) were skipped. Add the product and its project identifier to the registry to process them.');
  });

  it('matches products through the registry case- and whitespace-insensitively', async () => {
    const { orders } = await compile([wprLine({ order: 'WPO1', item: 1, product: 'session border  CONTROLLER' })]);
    expect(orders[0]!.epic.key).toBe('WPO1@sbc');
  });

  it('splits an order whose lines map to two projects into one epic per project', async () => {
    const { orders } = await compile([wprLine({ order: 'WPO1', item: 1 }), wprLine({ order: 'WPO1', item: 2, product: 'Session Border Controller' })]);
    expect(orders.map((o) => [o.epic.key, o.stories.map((s) => s.key)])).toEqual([
      ['WPO1@flowone', ['WPO1-1']],
      ['WPO1@sbc', ['WPO1-2']],
    ]);
  });

  it('hashes what would be written: a moved row is no change, a changed value is', async () => {
    const base = (await compile(wprOrders(1, 2))).orders[0]!.hash;
    const moved = wprOrders(1, 2).map((line) => ({ ...line, source: { ...line.source, row: line.source.row + 100, file: 'other.xlsx' } }));
    expect((await compile(moved)).orders[0]!.hash).toBe(base);
    const changed = wprOrders(1, 2);
    changed[1]!.fields.quantity = 3;
    expect((await compile(changed)).orders[0]!.hash).not.toBe(base);
    const unmappedColumn = wprOrders(1, 2).map((line) => ({ ...line, fields: { ...line.fields, ignored_column: 'x' } }));
    expect((await compile(unmappedColumn)).orders[0]!.hash).toBe(base);
  });

  it('builds no payload for an order it is told not to keep, and reports it instead', async () => {
    const columns = await loadWprColumns('config');
    const first = (await compile(wprOrders(3, 2))).orders;
    const applied = new Map(first.map((order) => [order.epic.key, order.hash]));
    const lines = wprOrders(3, 2);
    lines[2]!.fields.status = 'Shipped';
    const skipped: string[] = [];
    const kept: string[] = [];
    const keep = (key: string, hash: string) => applied.get(key) !== hash;
    for await (const order of compileOrders(storeOrder(lines), { registry, columns, keep, onSkipped: (s) => skipped.push(s.orderId) }, newTally())) kept.push(order.orderId);
    expect(kept).toEqual(['WPO00000002']);
    expect(skipped).toEqual(['WPO00000001', 'WPO00000003']);
  });

  it('refuses lines that are not grouped by order (a store bug), rather than splitting an order', async () => {
    const columns = await loadWprColumns('config');
    const lines = [wprLine({ order: 'A', item: 1 }), wprLine({ order: 'B', item: 1 }), wprLine({ order: 'A', item: 2 })];
    const run = async () => {
      for await (const order of compileOrders(lines, { registry, columns }, newTally())) void order;
    };
    await expect(run()).rejects.toThrow(/not contiguous/);
  });

  it('collects for the preflight the fields of each role, the text values and the key routes', async () => {
    const { orders, columns } = await compile([...wprOrders(1, 2), wprLine({ order: 'WPO2', item: 1, fields: { status: 'Shipped' } })]);
    const collector = new NeedsCollector(roleFields(columns));
    for (const order of orders) collector.add(order);
    const needs = collector.needs().get('flowone')!;
    expect(needs.products).toEqual(['FlowOne']);
    expect(needs.story.fields).toEqual(['WPR Order ID', 'WPR Line Key', 'WPR Quantity', 'WPR Unit Price', 'WPR Status', 'WPR Requested Delivery']);
    expect([...needs.story.values.get('WPR Status')!]).toEqual(['Open', 'Shipped']);
    expect(collector.routes.get('WPO2-1')).toEqual({ project: 'flowone', orderId: 'WPO2' });
    expect(collector.routes.get('WPO2@flowone')).toEqual({ project: 'flowone', orderId: 'WPO2' });
  });
});
