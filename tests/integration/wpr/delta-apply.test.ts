/**
 * The WPR apply pipeline against the fake OpenProject: dry run then apply, zero writes on a re-run,
 * only changed orders on a delta, forced orders, unmapped products, the preflight, stale ids.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WprApplyResult } from '../../../src/pipelines/wpr/apply-result.js';
import { startFakeOpenProject, type FakeOpenProject } from '../../fakes/openproject.js';
import { wprCustomFields, wprProjects } from '../../fakes/openproject-wpr.js';
import { openWprBench, type WprBench } from '../../helpers/wpr-runs.js';
import { wprLine, wprOrders } from '../../helpers/wpr-lines.js';

let fake: FakeOpenProject;
let bench: WprBench;

beforeEach(async () => {
  fake = await startFakeOpenProject({ customFields: wprCustomFields(), projects: wprProjects('flowone', 'niam') });
  bench = openWprBench(fake);
});

afterEach(async () => {
  await bench.close();
  await fake.close();
});

const result = (run: { result: unknown }) => run.result as WprApplyResult;
const writes = () => fake.requests.entries.filter((e) => e.method !== 'GET').length;

describe('wpr apply', () => {
  it('plans in a dry run without writing, then applies exactly that plan', async () => {
    await bench.batch('b1', wprOrders(3, 2));
    const dry = await bench.apply({ batchId: 'b1', dryRun: true });
    expect(dry.status).toBe('succeeded');
    expect(result(dry)).toMatchObject({ orders: 3, orders_changed: 3, created: 9, updated: 0, failures: 0, warnings: 0 });
    expect(writes()).toBe(0);
    const applied = await bench.apply({ batchId: 'b1', planId: dry.plan_id! });
    expect(applied.status).toBe('succeeded');
    expect(result(applied)).toMatchObject({ created: 9, epics: { created: 3 }, stories: { created: 6 } });
    expect(result(applied).order_lines).toEqual([
      '[1/3] order WPO00000001: epics=1, stories=2',
      '[2/3] order WPO00000002: epics=1, stories=2',
      '[3/3] order WPO00000003: epics=1, stories=2',
    ]);
    const wps = fake.workPackages();
    expect(wps).toHaveLength(9);
    for (const story of wps.filter((wp) => wp.type === 'User story')) {
      expect(wps.find((wp) => wp.id === story.parentId)!.fields['WPR Order ID']).toBe(story.fields['WPR Order ID']);
    }
  });

  it('writes nothing, and sends no request at all, when run again on the same batch', async () => {
    await bench.batch('b1', wprOrders(3, 2));
    await bench.apply({ batchId: 'b1' });
    fake.requests.clear();
    const again = await bench.apply({ batchId: 'b1' });
    expect(result(again)).toMatchObject({ orders: 3, orders_changed: 0, created: 0, updated: 0 });
    expect(fake.requests.count()).toBe(0);
  });

  it('writes exactly the changed and new orders of a second batch', async () => {
    await bench.batch('b1', wprOrders(6, 2));
    await bench.apply({ batchId: 'b1' });
    const next = wprOrders(8, 2);
    next[0]!.fields.quantity = 7;
    next[5]!.fields.status = 'Shipped';
    fake.requests.clear();
    await bench.batch('b2', next);
    const delta = await bench.apply({ batchId: 'b2' });
    expect(result(delta)).toMatchObject({ orders: 8, orders_changed: 4, created: 6, updated: 2 });
    expect(fake.requests.count({ method: 'POST' })).toBe(6);
    expect(fake.requests.count({ method: 'PATCH' })).toBe(2);
    expect(fake.workPackages()).toHaveLength(24);
  });

  it('processes forced orders whatever their hash, and warns about forced orders not in the batch', async () => {
    await bench.batch('b1', wprOrders(3, 1));
    await bench.apply({ batchId: 'b1' });
    fake.requests.clear();
    const forced = await bench.apply({ batchId: 'b1', forceOrders: ['WPO00000002', 'WPO404'] });
    expect(result(forced)).toMatchObject({ orders_changed: 1, created: 0, updated: 0, unchanged: 2, warnings: 1 });
    expect(result(forced).warning_messages[0]).toMatch(/force_orders: order WPO404 is not in batch b1/);
    expect(writes()).toBe(0);
  });

  it('skips the orders of unmapped products with one warning per product, listed with the per-product counts', async () => {
    await bench.batch('b1', [...wprOrders(2, 1), wprLine({ order: 'WPO7', item: 1, product: 'Gadget' }), wprLine({ order: 'WPO8', item: 1, product: 'gadget' })]);
    const run = await bench.apply({ batchId: 'b1' });
    expect(result(run)).toMatchObject({ orders: 4, orders_changed: 2, warnings: 1, unmapped_products: [{ product: 'Gadget', orders: 2, lines: 2 }] });
    expect(result(run).per_product).toEqual({
      FlowOne: { project: 'flowone', orders: 2, orders_changed: 2, created: 4, updated: 0, failures: 0 },
      Gadget: { project: null, orders: 2, orders_changed: 0, created: 0, updated: 0, failures: 0 },
    });
  });

  it('stops before the first write with one error naming every missing custom field', async () => {
    await fake.close();
    fake = await startFakeOpenProject({ customFields: wprCustomFields().filter((f) => f.name !== 'WPR Line Key' && f.name !== 'WPR Customer'), projects: wprProjects('flowone') });
    await bench.close();
    bench = openWprBench(fake);
    await bench.batch('b1', wprOrders(2, 1));
    const run = await bench.apply({ batchId: 'b1' });
    expect(run.status).toBe('failed');
    expect(run.error!.kind).toBe('config');
    expect(run.error!.message).toContain('custom field "WPR Customer" is not active for Epic in project "flowone"');
    expect(run.error!.message).toContain('custom field "WPR Line Key" is not active for User story in project "flowone"');
    expect(writes()).toBe(0);
  });

  it('recreates an epic deleted by hand with its stories when the cache is not trusted', async () => {
    await bench.batch('b1', wprOrders(2, 2));
    await bench.apply({ batchId: 'b1' });
    const epic = fake.workPackages().find((wp) => wp.type === 'Epic' && wp.fields['WPR Order ID'] === 'WPO00000001')!;
    await fetch(`${fake.url}/__fake/openproject/work-packages/${epic.id}`, { method: 'DELETE' });
    expect(fake.workPackages()).toHaveLength(3);
    const plain = await bench.apply({ batchId: 'b1' });
    expect(result(plain).orders_changed).toBe(0);
    const verified = await bench.apply({ batchId: 'b1', ignoreCachedIdentity: true });
    expect(result(verified)).toMatchObject({ created: 3, updated: 0, unchanged: 3, failures: 0 });
    const wps = fake.workPackages();
    expect(wps).toHaveLength(6);
    const newEpic = wps.find((wp) => wp.type === 'Epic' && wp.fields['WPR Order ID'] === 'WPO00000001')!;
    expect(wps.filter((wp) => wp.parentId === newEpic.id).map((wp) => wp.fields['WPR Line Key'])).toEqual(['WPO00000001-10', 'WPO00000001-20']);
  });

  it('says which batch is unknown and how to create it', async () => {
    const run = await bench.apply({ batchId: 'nope' });
    expect(run.error).toMatchObject({ kind: 'not_found' });
    expect(run.error!.action).toMatch(/wpr_ingest_orders/);
  });
});
