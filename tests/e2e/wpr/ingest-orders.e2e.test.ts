/**
 * End-to-end: the real server process over stdio (SDK Client), the WPR ingest as an operator runs
 * it — ingest → re-ingest under the same batch id (same row count, no duplicates) → a workbook with
 * bad rows (rejected, the rest stored) → a file that is not a workbook (clear error, store
 * unchanged) — then kill -9 in the middle of a large ingest and resume (never half a batch), and
 * the InfluxDB store with a fault injected mid-batch. Stored lines are counted in the store itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeInflux, type FakeInflux } from '../../fakes/influx.js';
import { callTool, callToCompletion, connectStdio, type StdioSession } from '../../helpers/mcp.js';
import { copyWprFixtures, storedBatches, writeLargeReport } from '../../helpers/wpr.js';
import { makeTempDir } from '../../unit/engine/helpers/temp.js';
import { makeWorkspace, type Workspace } from '../../helpers/workspace.js';

const LARGE = 40_000;
const MEDIUM = 12_000;
let large: { dir: string; cleanup(): void };
let largeReport: string;
let mediumReport: string;
let ws: Workspace;
let dir: string;
let session: StdioSession | undefined;

beforeAll(async () => {
  large = makeTempDir('wpr-large-');
  largeReport = path.join(large.dir, 'large.xlsx');
  mediumReport = path.join(large.dir, 'medium.xlsx');
  await writeLargeReport(largeReport, LARGE);
  await writeLargeReport(mediumReport, MEDIUM);
}, 120_000);

afterAll(() => large.cleanup());

beforeEach(() => {
  ws = makeWorkspace();
  dir = copyWprFixtures(ws);
});

afterEach(async () => {
  await session?.close();
  session = undefined;
  ws.cleanup();
});

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('wpr_ingest_orders end to end', () => {
  it('ingests, re-ingests the same batch id, stores the good rows of a bad workbook and refuses a non-workbook', async () => {
    session = await connectStdio(ws.env);
    const { client } = session;
    const progress: Array<{ progress: number; total?: number; message?: string }> = [];

    const first = await callToCompletion(client, 'wpr_ingest_orders', { file: path.join(dir, 'orders_plain.xlsx'), batch_id: 'b1' });
    expect(first.isError, first.text).toBe(false);
    expect(first.structured).toMatchObject({ status: 'succeeded', batch_id: 'b1', rows_read: 10, line_items: 10, orders: 5, rejected: 0, store: 'sqlite' });
    expect((await storedBatches(ws.stateDir)).get('b1')!.lines).toHaveLength(10);

    const again = await callTool(client, 'wpr_ingest_orders', { file: path.join(dir, 'orders_plain.xlsx'), batch_id: 'b1', wait_seconds: 50 }, { onprogress: (p) => progress.push(p) });
    expect(again.structured).toMatchObject({ status: 'succeeded', rows_read: 10, line_items: 10, orders: 5 });
    expect(progress.length, 'the run reported progress to the client').toBeGreaterThan(0);
    let stored = await storedBatches(ws.stateDir);
    expect([...stored.keys()]).toEqual(['b1']);
    expect(stored.get('b1')!.lines).toHaveLength(10);

    const bad = await callToCompletion(client, 'wpr_ingest_orders', { file: path.join(dir, 'orders_report.xlsx'), batch_id: 'b2' });
    expect(bad.structured).toMatchObject({ status: 'succeeded', rows_read: 12, line_items: 7, rejected: 5 });
    expect(bad.structured.rejects).toContainEqual({ sheet: 'WP_Overall_Order_Report', row: 10, reason: "Quantity 'ten' is not a number" });
    stored = await storedBatches(ws.stateDir);
    expect(stored.get('b2')!.lines.map((line) => line.line_key)).toEqual([
      'WPO00182554-1',
      'WPO00182554-2',
      'WPO00182556-1',
      'WPO00182556-2',
      'WPO00182561-2',
      'WPO00182561-10',
      'WPO00182562-1',
    ]);

    const csvAsXlsx = path.join(dir, 'orders.xlsx');
    fs.copyFileSync(path.join(dir, 'orders_plain.csv'), csvAsXlsx);
    const refused = await callToCompletion(client, 'wpr_ingest_orders', { file: csvAsXlsx, batch_id: 'b2' });
    expect(refused.isError).toBe(true);
    expect(refused.structured.status).toBe('failed');
    expect(refused.structured.error).toMatchObject({ kind: 'validation', message: expect.stringMatching(/^orders\.xlsx is not an Excel workbook \(\.xlsx\): .*CSV or text file renamed/), action: expect.stringMatching(/save it as/) });
    expect(refused.text).not.toMatch(/\n\s+at /);
    const after = await storedBatches(ws.stateDir);
    expect([...after.keys()].sort()).toEqual(['b1', 'b2']);
    expect(after.get('b2')!.lines).toEqual(stored.get('b2')!.lines);
    expect(session.stderr()).not.toMatch(/\n\s+at [\w.<>]+ \(/);
  });

  it('after kill -9 mid-ingest keeps the previous batch whole, and resume_run stores the full batch', async () => {
    const report = path.join(dir, 'large.xlsx');
    fs.copyFileSync(largeReport, report);
    session = await connectStdio(ws.env);
    await callToCompletion(session.client, 'wpr_ingest_orders', { file: path.join(dir, 'orders_plain.xlsx'), batch_id: 'big' });

    const started = await callTool(session.client, 'wpr_ingest_orders', { file: report, batch_id: 'big', wait_seconds: 0 });
    expect(started.structured.status).toBe('running');
    const runId = String(started.structured.run_id);
    let reading: { phase: string; done: number; total?: number } | undefined;
    await waitFor(async () => {
      const view = (await callTool(session!.client, 'get_run', { run_id: runId, wait_seconds: 0 })).structured;
      if (view.status === 'running' && view.progress?.phase?.startsWith('reading') && view.progress.done > 2000) reading = view.progress;
      return reading !== undefined;
    }, 60_000);
    // Progress counts sheet rows read (exceljs's streaming writer records no dimension, so no total here).
    expect(reading).toMatchObject({ phase: "reading large.xlsx sheet 'WP_Overall_Order_Report' (rows of the sheet)" });
    process.kill(session.pid(), 'SIGKILL');
    await session.close();

    const afterCrash = await storedBatches(ws.stateDir);
    expect(afterCrash.get('big')!.lines).toHaveLength(10); // the previous batch, whole: never half of the new one

    session = await connectStdio(ws.env);
    const listed = await callTool(session.client, 'list_runs', { status: 'interrupted' });
    expect(listed.structured.runs.map((run: { run_id: string }) => run.run_id)).toContain(runId);
    const resumed = await callTool(session.client, 'resume_run', { run_id: runId, wait_seconds: 50 });
    let view = resumed.structured;
    while (view.status === 'running') view = (await callTool(session.client, 'get_run', { run_id: runId, wait_seconds: 50 })).structured;
    expect(view).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(view.result).toMatchObject({ batch_id: 'big', line_items: LARGE, rows_read: LARGE, rejected: 0, orders: LARGE / 4 });

    const finished = (await storedBatches(ws.stateDir)).get('big')!;
    expect(finished.lines).toHaveLength(LARGE);
    expect(new Set(finished.lines.map((line) => line.line_key)).size).toBe(LARGE);
    const explained = await callTool(session.client, 'explain_record', { system: 'wpr', key: 'WPO00000007-2' });
    expect(explained.structured.events.filter((event: { run_id: string }) => event.run_id === runId)).toEqual([
      expect.objectContaining({ action: 'ingested', target_id: 'big', source: { file: 'large.xlsx', sheet: 'WP_Overall_Order_Report', line: 31 } }),
    ]);
  }, 180_000);
});

describe('wpr_ingest_orders end to end with InfluxDB', () => {
  let influx: FakeInflux;
  beforeEach(async () => {
    influx = await startFakeInflux();
  });
  afterEach(() => influx.close());

  it('stores every line once despite a 503 in the middle of the batch', async () => {
    const env = { ...ws.env, INFLUX_URL: influx.url, INFLUX_TOKEN: influx.token, INFLUX_ORG: influx.org, INFLUX_BUCKET: 'wpr' };
    const report = path.join(dir, 'medium.xlsx');
    fs.copyFileSync(mediumReport, report);
    let writes = 0;
    influx.server.faults.once({ kind: 'status5xx', status: 503, match: { path: '/api/v2/write', where: () => ++writes === 2 } });
    session = await connectStdio(env);
    const result = await callToCompletion(session.client, 'wpr_ingest_orders', { file: report, batch_id: 'influx-big' });
    expect(result.isError, result.text).toBe(false);
    expect(result.structured).toMatchObject({ store: 'influxdb', line_items: MEDIUM });
    expect(influx.points('wpr', 'wpr_order_line')).toHaveLength(MEDIUM);
    expect(influx.server.requests.entries.filter((entry) => entry.status === 503)).toHaveLength(1);
    expect(session.stderr()).not.toMatch(/\n\s+at [\w.<>]+ \(/);
  }, 180_000);
});
