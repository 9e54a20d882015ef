/**
 * wpr_ingest_orders in-process (SDK client over an in-memory transport): what is stored (read from
 * the store itself), the rejects file, provenance through explain_record, the batch list resource,
 * refusals that leave the store as it was, and the InfluxDB store against the fake.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/env.js';
import { Ledger } from '../../../src/engine/ledger/ledger.js';
import { ProgressTracker } from '../../../src/engine/progress.js';
import { getLogger, setLogLevel } from '../../../src/logging/logger.js';
import { ingestWprOrders } from '../../../src/pipelines/wpr/ingest/ingest.js';
import { startFakeInflux, type FakeInflux } from '../../fakes/influx.js';
import { callToCompletion, callTool, connectInProcess, type InProcessSession } from '../../helpers/mcp.js';
import { copyWprFixtures, storedBatches } from '../../helpers/wpr.js';
import { makeWorkspace, type Workspace } from '../../helpers/workspace.js';
import { WPR_HEADER, writeWorkbook } from '../../helpers/xlsx.js';

let ws: Workspace;
let dir: string;
let session: InProcessSession | undefined;
let influx: FakeInflux | undefined;

beforeEach(() => {
  setLogLevel('error');
  ws = makeWorkspace();
  dir = copyWprFixtures(ws);
});

afterEach(async () => {
  await session?.close();
  session = undefined;
  await influx?.close();
  influx = undefined;
  ws.cleanup();
});

describe('wpr_ingest_orders in-process', () => {
  it('stores the good rows, writes every reject with sheet, row and reason, and records provenance', async () => {
    session = await connectInProcess(ws.env, ws.dir);
    const result = await callToCompletion(session.client, 'wpr_ingest_orders', { file: path.join(dir, 'orders_report.xlsx'), batch_id: 'aug-21' });
    expect(result.isError, result.text).toBe(false);
    expect(result.structured).toMatchObject({
      status: 'succeeded',
      dry_run: false,
      batch_id: 'aug-21',
      rows_read: 12,
      orders: 4,
      line_items: 7,
      rejected: 5,
      store: 'sqlite',
      sheet: 'WP_Overall_Order_Report',
      header_row: 4,
    });
    const stored = (await storedBatches(ws.stateDir)).get('aug-21')!;
    expect(stored.lines).toHaveLength(7);
    expect(stored.summary).toMatchObject({ file: 'orders_report.xlsx', sheet: 'WP_Overall_Order_Report', lines: 7, orders: 4 });

    const rejectsFile = result.structured.rejects_file as string;
    expect(rejectsFile).toBe(path.join(ws.outputDir, 'wpr_rejects_aug-21.csv'));
    const rows = parse(fs.readFileSync(rejectsFile), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((row) => [row.sheet, row.row, row.reason])).toEqual([
      ['WP_Overall_Order_Report', '9', 'no Order ID'],
      ['WP_Overall_Order_Report', '10', "Quantity 'ten' is not a number"],
      ['WP_Overall_Order_Report', '11', "Order Date '13/45/2024' is not a date (a real date, M/D/YYYY or YYYY-MM-DD)"],
      ['WP_Overall_Order_Report', '12', "duplicate WPR Line Key 'WPO00182554-1' (first at row 5)"],
      ['WP_Overall_Order_Report', '17', 'no Line Item'],
    ]);
    expect(result.structured.next_action).toMatch(/5 row\(s\) were rejected/);

    const explained = await callTool(session.client, 'explain_record', { system: 'wpr', key: 'WPO00182556-2' });
    expect(explained.structured.events).toEqual([
      expect.objectContaining({
        tool: 'wpr_ingest_orders',
        kind: 'line',
        action: 'ingested',
        target_id: 'aug-21',
        source: { file: 'orders_report.xlsx', sheet: 'WP_Overall_Order_Report', line: 8 },
        content_hash: expect.stringMatching(/^[a-f0-9]{64}$/),
      }),
    ]);
  });

  it('lists the stored batches in the migration://wpr/batches resource', async () => {
    session = await connectInProcess(ws.env, ws.dir);
    await callToCompletion(session.client, 'wpr_ingest_orders', { file: path.join(dir, 'orders_plain.xlsx'), batch_id: 'first' });
    await callToCompletion(session.client, 'wpr_ingest_orders', { file: path.join(dir, 'orders_text.xlsx') });
    const resource = await session.client.readResource({ uri: 'migration://wpr/batches' });
    const listed = JSON.parse((resource.contents[0] as { text: string }).text) as { store: string; batches: Array<{ batch_id: string; lines: number }> };
    expect(listed.store).toBe('sqlite');
    expect(listed.batches.map((batch) => batch.lines)).toEqual([10, 10]);
    expect(listed.batches[0]!.batch_id).toMatch(/^\d{14}$/);
    expect(listed.batches[1]!.batch_id).toBe('first');
  });

  it('refuses a sheet where no row can be stored, leaving the earlier batch of that id as it was', async () => {
    session = await connectInProcess(ws.env, ws.dir);
    await callToCompletion(session.client, 'wpr_ingest_orders', { file: path.join(dir, 'orders_plain.xlsx'), batch_id: 'b' });
    const bad = path.join(dir, 'all_bad.xlsx');
    await writeWorkbook(bad, [{ name: 'WP_Overall_Order_Report', rows: [WPR_HEADER, [null, null, 'C', 'P', 1], ['A', null, 'C', 'P', null]] }]);
    const result = await callToCompletion(session.client, 'wpr_ingest_orders', { file: bad, batch_id: 'b' });
    expect(result.isError).toBe(true);
    expect(result.structured.error.message).toMatch(/no line could be stored \(2 row\(s\) read, 2 rejected\), so batch b was not written/);
    expect((await storedBatches(ws.stateDir)).get('b')!.lines).toHaveLength(10);
    expect(fs.readFileSync(path.join(ws.outputDir, 'wpr_rejects_b.csv'), 'utf8')).toMatch(/no Order ID/);
  });

  it('warns about unknown and absent columns', async () => {
    session = await connectInProcess(ws.env, ws.dir);
    const file = path.join(dir, 'extra.xlsx');
    await writeWorkbook(file, [{ name: 'WP_Overall_Order_Report', rows: [['Order ID', 'Product', 'Line Item', 'Sales Rep'], ['A', 'P', 1, 'Kim']] }]);
    const result = await callToCompletion(session.client, 'wpr_ingest_orders', { file });
    expect(result.structured.warnings).toEqual([
      "ignored column(s) 'Sales Rep' (not in config/wpr_columns.json)",
      'no column for order_date, customer, description, quantity, unit_price, status, requested_delivery: stored as empty values',
    ]);
  });

  it('refuses a workbook outside the data roots before reading it', async () => {
    session = await connectInProcess(ws.env, ws.dir);
    const result = await callTool(session.client, 'wpr_ingest_orders', { file: '/etc/hostname' });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/outside the data roots/);
  });
});

describe('ingestWprOrders progress', () => {
  it('counts sheet rows read of the last row the sheet records, then lines recorded for provenance', async () => {
    const config = loadConfig(ws.env, ws.dir);
    const ledger = Ledger.open(config.stateDir);
    const progress = new ProgressTracker(0);
    const snapshots: Array<{ phase: string; done: number; total: number | undefined }> = [];
    progress.onUpdate(({ phase, done, total }) => snapshots.push({ phase, done, total }));
    try {
      await ingestWprOrders({ file: path.join(dir, 'orders_report.xlsx'), batchId: 'p', outputDir: ws.outputDir }, { runId: 'r-progress', config, ledger, logger: getLogger(), progress, signal: new AbortController().signal });
    } finally {
      ledger.close();
    }
    const reading = snapshots.filter((s) => s.phase === "reading orders_report.xlsx sheet 'WP_Overall_Order_Report' (rows of the sheet)");
    expect(reading.every((s) => s.total === 20)).toBe(true);
    expect(reading.at(-1)!.done).toBe(20);
    expect(snapshots.at(-1)).toEqual({ phase: 'recording provenance of batch p', done: 7, total: 7 });
  });
});

describe('wpr_ingest_orders with the InfluxDB store', () => {
  it('writes one point per line to InfluxDB and says so in store', async () => {
    influx = await startFakeInflux();
    const env = { ...ws.env, INFLUX_URL: influx.url, INFLUX_TOKEN: influx.token, INFLUX_ORG: influx.org, INFLUX_BUCKET: 'wpr' };
    session = await connectInProcess(env, ws.dir);
    let writes = 0;
    influx.server.faults.once({ kind: 'status5xx', status: 503, match: { path: '/api/v2/write', where: () => ++writes === 1 } });
    const result = await callToCompletion(session.client, 'wpr_ingest_orders', { file: path.join(dir, 'orders_report.xlsx'), batch_id: 'influx-1' });
    expect(result.isError, result.text).toBe(false);
    expect(result.structured).toMatchObject({ store: 'influxdb', line_items: 7, rejected: 5, orders: 4 });
    expect(influx.points('wpr', 'wpr_order_line')).toHaveLength(7);
    expect(influx.server.requests.entries.some((entry) => entry.status === 503)).toBe(true);
    const resource = await session.client.readResource({ uri: 'migration://wpr/batches' });
    expect(JSON.parse((resource.contents[0] as { text: string }).text)).toMatchObject({ store: 'influxdb', batches: [{ batch_id: 'influx-1', lines: 7, orders: 4 }] });
  });

  it('stops with a clear error when InfluxDB refuses the token', async () => {
    influx = await startFakeInflux();
    const env = { ...ws.env, INFLUX_URL: influx.url, INFLUX_TOKEN: 'not-the-token', INFLUX_ORG: influx.org, INFLUX_BUCKET: 'wpr' };
    session = await connectInProcess(env, ws.dir);
    const result = await callToCompletion(session.client, 'wpr_ingest_orders', { file: path.join(dir, 'orders_plain.xlsx') });
    expect(result.isError).toBe(true);
    expect(result.structured.error).toMatchObject({ kind: 'auth', message: expect.stringMatching(/answered 401/), action: expect.stringMatching(/INFLUX_TOKEN/) });
    expect(JSON.stringify(result)).not.toContain('not-the-token');
    expect(influx.points()).toHaveLength(0);
  });
});
