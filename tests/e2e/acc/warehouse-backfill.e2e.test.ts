/**
 * End-to-end: the real server process over stdio (SDK Client) against a real PostgreSQL 15 holding
 * the runbook's databases — gap report → dry run → apply → gap after → no-op re-run; kill -9 in
 * the middle of an apply, then resume with exact counts and no duplicate key; two backfills at
 * once (the second refused by the job lock); and the operator errors (missing view, no successful
 * import run, bad URL, wrong password) with nothing written. Rows are counted in the database, not
 * taken from the tool's report.
 */
import type pg from 'pg';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACC_LOADER, setupAccDatabases, type AccDatabases } from '../../helpers/acc-databases.js';
import { warehouseCounts } from '../../helpers/acc-fixture.js';
import { callTool, callToCompletion, connectStdio, type StdioSession } from '../../helpers/mcp.js';
import { usePostgres } from '../../helpers/use-postgres.js';
import { makeWorkspace, type Workspace } from '../../helpers/workspace.js';

const cluster = usePostgres();
let dbs: AccDatabases;
let ws: Workspace;
const sessions: StdioSession[] = [];
const clients: pg.Client[] = [];

beforeAll(async () => {
  dbs = await setupAccDatabases(cluster());
}, 120_000);

beforeEach(() => {
  ws = makeWorkspace();
});

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.close()));
  await Promise.all(clients.splice(0).map((client) => client.end().catch(() => {})));
  ws.cleanup();
});

async function open(env: Record<string, string>): Promise<StdioSession> {
  const session = await connectStdio({ ...ws.env, ...env });
  sessions.push(session);
  return session;
}

async function db(name: string): Promise<pg.Client> {
  const client = await cluster().connect(name);
  clients.push(client);
  return client;
}

/** Every ACC row's key and updated_at, to prove rows were (not) rewritten. */
async function snapshot(client: pg.Client): Promise<Map<string, string>> {
  const { rows } = await client.query(`SELECT source_issue_id || '/' || source_project_id AS key, updated_at::text AS at FROM dim.issue WHERE source_system = 'ACC'`);
  return new Map(rows.map((row) => [row.key as string, row.at as string]));
}

/**
 * A gate in the warehouse: once dim.issue holds more than `afterAccRows` ACC rows (its own
 * uncommitted rows included), an insert waits for advisory lock 4242 before its batch can commit.
 * Returns the client holding the lock; `waitForBlocked` sees a backfill waiting at the gate.
 */
async function installGate(name: string, afterAccRows: number): Promise<{ waitForBlocked(): Promise<void>; release(): Promise<void> }> {
  const admin = await db(name);
  await admin.query(`
    CREATE FUNCTION dim.gate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF (SELECT count(*) FROM dim.issue WHERE source_system = 'ACC') > ${afterAccRows} THEN PERFORM pg_advisory_xact_lock_shared(4242); END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER gate AFTER INSERT ON dim.issue FOR EACH STATEMENT EXECUTE FUNCTION dim.gate();`);
  const holder = await db(name);
  await holder.query('SELECT pg_advisory_lock(4242)');
  return {
    waitForBlocked: async () => {
      for (let i = 0; i < 600; i++) {
        const { rows } = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event = 'advisory'`, [name]);
        if (rows[0].n > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('no backfill reached the gate');
    },
    release: async () => {
      // Unlock first: dropping the trigger waits for the transaction held at the gate.
      await holder.query('SELECT pg_advisory_unlock(4242)');
      await admin.query('DROP TRIGGER gate ON dim.issue');
    },
  };
}

describe('acc_warehouse_backfill end to end (stdio, real PostgreSQL)', () => {
  it('reports the gap, plans, applies exactly that plan, covers every mapped id, and a re-run writes nothing', async () => {
    const wh = await dbs.freshWarehouse();
    const { client } = await open({ PM_DB_URL: dbs.pmUrl, WAREHOUSE_DB_URL: wh.url });
    const warehouse = await db(wh.name);

    const gap = await callTool(client, 'acc_warehouse_gap_report');
    expect(gap.isError).toBe(false);
    expect(gap.structured).toMatchObject({ mapped_acc_ids: 3696, acc_rows_in_dim_issue: 37, covered: 37, missing: 3659, coverage: '37 / 3,696 = 1.0 %', import_run_id: 101 });

    const dry = await callToCompletion(client, 'acc_warehouse_backfill', {});
    expect(dry.structured).toMatchObject({ status: 'succeeded', dry_run: true, source_rows: 3696, inserted: 3659, updated: 4, unchanged: 33, before: { acc_rows: 37 }, after: { acc_rows: 3696 }, import_run_id: 101 });
    expect(dry.structured.samples[0]).toMatchObject({ action: 'update', changed_fields: ['title'] });
    expect(dry.structured.samples[0].display_id).toMatch(/^ACC-\d+$/);
    expect(await warehouseCounts(warehouse)).toMatchObject({ acc: 37 });

    const applied = await callToCompletion(client, 'acc_warehouse_backfill', { dry_run: false, plan_id: dry.structured.plan_id, batch_size: 1000 });
    expect(applied.structured).toMatchObject({ status: 'succeeded', dry_run: false, plan_id: dry.structured.plan_id, inserted: 3659, updated: 4, unchanged: 33, batches: 4, before: { acc_rows: 37 }, after: { acc_rows: 3696 } });
    expect(applied.structured.gap_before.coverage).toBe('37 / 3,696 = 1.0 %');
    expect(applied.structured.gap_after).toMatchObject({ covered: 3696, missing: 0, coverage: '3,696 / 3,696 = 100.0 %' });
    expect(await warehouseCounts(warehouse)).toEqual({ acc: 3696, distinctAcc: 3696, revizto: 300, total: 3996 });

    const after = await callTool(client, 'acc_warehouse_gap_report');
    expect(after.structured).toMatchObject({ covered: 3696, missing: 0, coverage: '3,696 / 3,696 = 100.0 %' });

    const before = await snapshot(warehouse);
    const again = await callToCompletion(client, 'acc_warehouse_backfill', { dry_run: false });
    expect(again.structured).toMatchObject({ status: 'succeeded', inserted: 0, updated: 0, unchanged: 3696, batches: 0 });
    expect(await snapshot(warehouse)).toEqual(before);

    const stale = await callToCompletion(client, 'acc_warehouse_backfill', { dry_run: false, plan_id: dry.structured.plan_id });
    expect(stale.isError).toBe(true);
    expect(stale.structured.error.kind).toBe('stale_plan');
  });

  it('finishes after kill -9 mid-apply with exact counts, no duplicate key, and committed batches not written again', async () => {
    const wh = await dbs.freshWarehouse();
    const warehouse = await db(wh.name);
    const gate = await installGate(wh.name, 937);
    const env = { PM_DB_URL: dbs.pmUrl, WAREHOUSE_DB_URL: wh.url };
    let session = await open(env);

    const started = await callTool(session.client, 'acc_warehouse_backfill', { dry_run: false, batch_size: 100, wait_seconds: 0 });
    const runId = String(started.structured.run_id);
    await gate.waitForBlocked();
    process.kill(session.pid(), 'SIGKILL');
    await session.close();
    await warehouse.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND usename = $2`, [wh.name, ACC_LOADER.name]);
    await gate.release();
    const committed = await snapshot(warehouse);
    expect(committed.size).toBeGreaterThan(37);
    expect(committed.size).toBeLessThan(3696);

    session = await open(env);
    const listed = await callTool(session.client, 'list_runs', { status: 'interrupted' });
    expect(listed.structured.runs.map((r: { run_id: string }) => r.run_id)).toContain(runId);
    let view = (await callTool(session.client, 'resume_run', { run_id: runId, wait_seconds: 50 })).structured;
    while (view.status === 'running') view = (await callTool(session.client, 'get_run', { run_id: runId, wait_seconds: 50 })).structured;
    expect(view).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(view.result).toMatchObject({ inserted: 3659, updated: 4, unchanged: 33, before: { acc_rows: 37 }, after: { acc_rows: 3696 } });
    expect(view.result.warnings.join(' ')).toMatch(/Resumed after \d+ committed batch/);

    expect(await warehouseCounts(warehouse)).toMatchObject({ acc: 3696, distinctAcc: 3696 });
    const final = await snapshot(warehouse);
    for (const [key, at] of committed) if (at > '2024-11-04 02:25:00+00') expect(final.get(key)).toBe(at);
  });

  it('refuses a second backfill while one is running (the job lock), then the first finishes', async () => {
    const wh = await dbs.freshWarehouse();
    const warehouse = await db(wh.name);
    const gate = await installGate(wh.name, 37);
    const env = { PM_DB_URL: dbs.pmUrl, WAREHOUSE_DB_URL: wh.url };
    const first = await open(env);
    const second = await open(env);

    const started = await callTool(first.client, 'acc_warehouse_backfill', { dry_run: false, wait_seconds: 0 });
    await gate.waitForBlocked();
    const refused = await callTool(second.client, 'acc_warehouse_backfill', { dry_run: false });
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain(`Job acc_warehouse_backfill is locked by run ${String(started.structured.run_id)}`);

    await gate.release();
    let view = (await callTool(first.client, 'get_run', { run_id: started.structured.run_id, wait_seconds: 50 })).structured;
    while (view.status === 'running') view = (await callTool(first.client, 'get_run', { run_id: started.structured.run_id, wait_seconds: 50 })).structured;
    expect(view.result).toMatchObject({ inserted: 3659, updated: 4 });
    expect(await warehouseCounts(warehouse)).toMatchObject({ acc: 3696, distinctAcc: 3696 });
  });
});

describe('acc_warehouse_backfill operator errors (nothing written)', () => {
  async function expectUntouched(name: string, before: Map<string, string>) {
    expect(await snapshot(await db(name))).toEqual(before);
  }

  it('names the missing view', async () => {
    const pm = await dbs.freshPm({ mapped: 10, unmapped: 2, revizto: 1 });
    await dbs.sql(pm.name, 'DROP VIEW dbo.vw_issues_reconciled; DROP VIEW dbo.vw_acc_issue_id_map');
    const wh = await dbs.freshWarehouse();
    const before = await snapshot(await db(wh.name));
    const { client } = await open({ PM_DB_URL: pm.url, WAREHOUSE_DB_URL: wh.url });
    const result = await callToCompletion(client, 'acc_warehouse_backfill', { dry_run: false });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/has no view dbo\.vw_acc_issue_id_map/);
    expect(result.structured.error.action).toMatch(/PM_DB_URL/);
    const gap = await callTool(client, 'acc_warehouse_gap_report');
    expect(gap.isError).toBe(true);
    expect(gap.text).toMatch(/dbo\.vw_acc_issue_id_map/);
    await expectUntouched(wh.name, before);
  });

  it('says "No successful ACC import run found" and writes nothing', async () => {
    const wh = await dbs.freshWarehouse({ importRuns: 'failed-only' });
    const before = await snapshot(await db(wh.name));
    const { client } = await open({ PM_DB_URL: dbs.pmUrl, WAREHOUSE_DB_URL: wh.url });
    const result = await callToCompletion(client, 'acc_warehouse_backfill', { dry_run: false });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/No successful ACC import run found/);
    expect(result.structured.error.kind).toBe('config');
    await expectUntouched(wh.name, before);
  });

  it('explains a URL that cannot be used: malformed, or nothing listening', async () => {
    const wh = await dbs.freshWarehouse();
    const before = await snapshot(await db(wh.name));
    const malformed = await open({ PM_DB_URL: dbs.pmUrl, WAREHOUSE_DB_URL: 'mysql://acc_loader:Loader-Pa55word@127.0.0.1/wh' });
    const bad = await callToCompletion(malformed.client, 'acc_warehouse_backfill', { dry_run: false });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/WAREHOUSE_DB_URL uses the scheme "mysql:"/);
    const refused = await open({ PM_DB_URL: dbs.pmUrl, WAREHOUSE_DB_URL: `postgres://acc_loader:Loader-Pa55word@127.0.0.1:1/${wh.name}` });
    const down = await callToCompletion(refused.client, 'acc_warehouse_backfill', { dry_run: false });
    expect(down.isError).toBe(true);
    expect(down.text).toMatch(/did not answer at 127\.0\.0\.1:1/);
    await expectUntouched(wh.name, before);
  });

  it('turns a wrong password into an auth error and never shows the password', async () => {
    const wh = await dbs.freshWarehouse();
    const before = await snapshot(await db(wh.name));
    const url = cluster().url(wh.name, { name: ACC_LOADER.name, password: 'Not-The-Pa55word' });
    const session = await open({ PM_DB_URL: dbs.pmUrl, WAREHOUSE_DB_URL: url });
    const result = await callToCompletion(session.client, 'acc_warehouse_backfill', { dry_run: false });
    expect(result.isError).toBe(true);
    expect(result.structured.error.kind).toBe('auth');
    expect(result.text).toMatch(/refused the login of user "acc_loader"/);
    const runs = await callTool(session.client, 'get_run', { run_id: result.structured.run_id });
    for (const text of [result.text, JSON.stringify(result.structured), JSON.stringify(runs.structured), session.stderr()]) expect(text).not.toContain('Not-The-Pa55word');
    await expectUntouched(wh.name, before);
  });
});
