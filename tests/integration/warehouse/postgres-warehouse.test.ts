/**
 * The PostgreSQL dialect of the ACC backfill against a real PostgreSQL 15 (a throwaway cluster):
 * preflight, the import run, the seed's figures end to end at the dialect level, the path without
 * a unique index, concurrency, rollback, and connection errors.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { AuthError, ConfigError, TransientError } from '../../../src/engine/errors.js';
import { applyBatches } from '../../../src/pipelines/acc/apply-batches.js';
import { planBackfill } from '../../../src/pipelines/acc/plan.js';
import { preflight, readAccState, requireImportRun } from '../../../src/pipelines/acc/read-state.js';
import { displayId } from '../../../src/targets/warehouse/display-id.js';
import { openPmSource, openWarehouse } from '../../../src/targets/warehouse/index.js';
import type { PmSource, Warehouse } from '../../../src/targets/warehouse/types.js';
import { clearSecrets } from '../../../src/logging/redact.js';
import { SEED_FIGURES, warehouseCounts } from '../../helpers/acc-fixture.js';
import { ACC_LOADER, setupAccDatabases, type AccDatabases } from '../../helpers/acc-databases.js';
import { usePostgres } from '../../helpers/use-postgres.js';

const cluster = usePostgres();
let dbs: AccDatabases;
const open: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  dbs = await setupAccDatabases(cluster());
}, 120_000);

afterEach(async () => {
  await Promise.all(open.splice(0).map((item) => item.close()));
  clearSecrets();
});

function connect(pmUrl: string, warehouseUrl: string): { source: PmSource; warehouse: Warehouse } {
  const source = openPmSource(pmUrl);
  const warehouse = openWarehouse(warehouseUrl);
  open.push(source, warehouse);
  return { source, warehouse };
}

async function superClient(database: string): Promise<pg.Client> {
  const client = await cluster().connect(database);
  open.push({ close: () => client.end() });
  return client;
}

/** Plan and apply against the current state, in batches; returns the plan and the applied totals. */
async function backfill(source: PmSource, warehouse: Warehouse, batchSize = 500) {
  const shape = await preflight(source, warehouse);
  const importRun = await requireImportRun(warehouse);
  const state = await readAccState(source, warehouse, shape, importRun.id);
  const plan = planBackfill(state.comparison);
  const applied = await applyBatches(plan.writes, warehouse, { batchSize, importRun, shape });
  return { state, plan, applied };
}

async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('the PostgreSQL warehouse dialect', () => {
  it('finds the display_id column and the unique index on the target key', async () => {
    const { url } = await dbs.freshWarehouse();
    const { source, warehouse } = connect(dbs.pmUrl, url);
    const shape = await preflight(source, warehouse);
    expect(shape.hasDisplayId).toBe(true);
    expect(shape.uniqueKeyIndex).toBe('dim.ux_dim_issue_source_key');
  });

  it('reports a missing unique index when the key has only a plain index', async () => {
    const { url } = await dbs.freshWarehouse({ uniqueIndex: false, displayIdColumn: false });
    const { source, warehouse } = connect(dbs.pmUrl, url);
    expect(await preflight(source, warehouse)).toMatchObject({ uniqueKeyIndex: null, hasDisplayId: false });
  });

  it('stamps the latest successful ACC import run, not the newer failed one', async () => {
    const { url } = await dbs.freshWarehouse();
    const { warehouse } = connect(dbs.pmUrl, url);
    expect(await requireImportRun(warehouse)).toEqual({ id: SEED_FIGURES.latestSuccessfulAccRun, createdAt: '2024-11-04T02:00:00.000Z' });
  });

  it('says "No successful ACC import run found" as an operator error when there is none', async () => {
    const { url } = await dbs.freshWarehouse({ importRuns: 'failed-only' });
    const { warehouse } = connect(dbs.pmUrl, url);
    const error = await caught(requireImportRun(warehouse));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/^No successful ACC import run found/);
  });

  it('backfills the seed: 3,659 inserted, 4 updated, 33 unchanged, then nothing on a second run', async () => {
    const { url, name } = await dbs.freshWarehouse();
    const { source, warehouse } = connect(dbs.pmUrl, url);
    const wh = await superClient(name);
    const revizto = (await wh.query(`SELECT max(updated_at) AS at, count(*)::int AS n FROM dim.issue WHERE source_system = 'Revizto'`)).rows[0];

    const first = await backfill(source, warehouse);
    expect(first.state.source).toMatchObject({ read: SEED_FIGURES.mapped, rejects: [], duplicates: 0 });
    expect(first.plan).toMatchObject({ inserted: 3659, updated: 4, unchanged: 33 });
    expect(first.applied).toMatchObject({ inserted: 3659, updated: 4, unchanged: 0, batches: 8 });
    expect(await warehouseCounts(wh)).toMatchObject({ acc: 3696, distinctAcc: 3696, revizto: 300 });
    expect((await wh.query(`SELECT max(updated_at) AS at, count(*)::int AS n FROM dim.issue WHERE source_system = 'Revizto'`)).rows[0]).toEqual(revizto);

    const second = await backfill(source, warehouse);
    expect(second.plan).toMatchObject({ inserted: 0, updated: 0, unchanged: 3696 });
    expect(second.applied.batches).toBe(0);
  });

  it('writes the seed values: key, number, title, display id, import run, timestamps and current_flag', async () => {
    const { url, name } = await dbs.freshWarehouse();
    const { source, warehouse } = connect(dbs.pmUrl, url);
    const wh = await superClient(name);
    const pm = await superClient('pm');
    await backfill(source, warehouse);
    const written = await wh.query(
      `SELECT source_issue_id, source_project_id, issue_bk, title, display_id, import_run_id, current_flag, created_at = updated_at AS fresh
         FROM dim.issue WHERE source_system = 'ACC'`,
    );
    const expected = await pm.query('SELECT acc_issue_uuid::text AS uuid, source_project_id, acc_issue_number::text AS number, acc_title FROM dbo.vw_acc_issue_id_map');
    const byKey = new Map(written.rows.map((row) => [`${row.source_issue_id}/${row.source_project_id}`, row]));
    for (const view of expected.rows) {
      const row = byKey.get(`${view.uuid}/${view.source_project_id}`);
      expect(row).toMatchObject({ issue_bk: view.number, title: view.acc_title, display_id: `ACC-${view.number}`, import_run_id: 101, current_flag: 1 });
    }
    const stale = await wh.query(`SELECT count(*)::int AS n FROM dim.issue WHERE source_system = 'ACC' AND title LIKE '(old)%'`);
    expect(stale.rows[0].n).toBe(0);
    // The 33 rows that already matched kept their timestamps; the 4 edited ones got a new updated_at.
    const kept = await wh.query(`SELECT count(*)::int AS n FROM dim.issue WHERE source_system = 'ACC' AND updated_at = '2024-11-04 02:25+00'`);
    expect(kept.rows[0].n).toBe(33);
    const edited = await wh.query(`SELECT count(*)::int AS n FROM dim.issue WHERE source_system = 'ACC' AND created_at = '2024-11-04 02:25+00' AND updated_at > created_at`);
    expect(edited.rows[0].n).toBe(4);
  });

  it('round-trips titles with tabs, newlines, backslashes, quotes, \\N and NULL exactly', async () => {
    const { url } = await dbs.freshWarehouse();
    const { source, warehouse } = connect(dbs.pmUrl, url);
    const { state } = await backfill(source, warehouse);
    const shape = await warehouse.preflight();
    const back = new Map<string, string | null>();
    for await (const row of warehouse.readAccRows(shape)) back.set(row.sourceIssueId, row.title);
    const awkward = state.source.values.filter((v) => v.title === null || /[\t\n\r\\'“]/.test(v.title));
    expect(awkward.length).toBeGreaterThan(100);
    for (const values of state.source.values) expect(back.get(values.sourceIssueId)).toBe(values.title);
  });

  it('works without a unique index by locking dim.issue against other writers for each batch', async () => {
    const { url, name } = await dbs.freshWarehouse({ uniqueIndex: false });
    const { source, warehouse } = connect(dbs.pmUrl, url);
    const other = await superClient(name);
    await other.query("SET lock_timeout = '50ms'");
    const shape = await preflight(source, warehouse);
    const importRun = await requireImportRun(warehouse);
    const state = await readAccState(source, warehouse, shape, importRun.id);
    const plan = planBackfill(state.comparison);
    const blocked: string[] = [];
    const applied = await applyBatches(plan.writes, warehouse, {
      batchSize: 2000,
      importRun,
      shape,
      beforeCommit: async () => {
        const error = await caught(other.query(`INSERT INTO dim.issue (source_system, source_issue_id, source_project_id, created_at, updated_at) VALUES ('ETL', 'x', 'y', now(), now())`));
        blocked.push((error as { code?: string }).code ?? error.message);
      },
    });
    expect(blocked).toEqual(['55P03', '55P03']);
    expect(applied).toMatchObject({ inserted: 3659, updated: 4 });
    expect(await warehouseCounts(other)).toMatchObject({ acc: 3696, distinctAcc: 3696 });
  });

  it('leaves display ids alone where dim.issue has no display_id column', async () => {
    const { url, name } = await dbs.freshWarehouse({ displayIdColumn: false });
    const { source, warehouse } = connect(dbs.pmUrl, url);
    const result = await backfill(source, warehouse);
    expect(result.applied).toMatchObject({ inserted: 3659, updated: 4 });
    expect(await warehouseCounts(await superClient(name))).toMatchObject({ acc: 3696 });
  });

  it('writes each key once when two backfills upsert the same rows at the same time', async () => {
    const { url, name } = await dbs.freshWarehouse({ existingAcc: 0 });
    const a = connect(dbs.pmUrl, url);
    const b = connect(dbs.pmUrl, url);
    const [ra, rb] = await Promise.all([backfill(a.source, a.warehouse, 700), backfill(b.source, b.warehouse, 900)]);
    expect(ra.applied.inserted + rb.applied.inserted).toBe(3696);
    expect(await warehouseCounts(await superClient(name))).toMatchObject({ acc: 3696, distinctAcc: 3696 });
  });

  it('rolls a batch back when its intent cannot be recorded', async () => {
    const { url, name } = await dbs.freshWarehouse();
    const { source, warehouse } = connect(dbs.pmUrl, url);
    const shape = await preflight(source, warehouse);
    const importRun = await requireImportRun(warehouse);
    const state = await readAccState(source, warehouse, shape, importRun.id);
    const plan = planBackfill(state.comparison);
    const error = await caught(
      applyBatches(plan.writes, warehouse, {
        batchSize: 1000,
        importRun,
        shape,
        beforeCommit: ({ batch }) => {
          if (batch === 1) throw new Error('ledger full');
        },
      }),
    );
    expect(error.message).toBe('ledger full');
    // Only batch 0 committed: its inserts are there, batch 1 left nothing.
    const insertedByBatch0 = plan.writes.slice(0, 1000).filter((write) => write.action === 'insert').length;
    expect(await warehouseCounts(await superClient(name))).toMatchObject({ acc: 37 + insertedByBatch0 });
  });

  it('shows display ids the way the reconciled view does, for every ACC and Revizto issue', async () => {
    const pm = await superClient('pm');
    const { rows } = await pm.query(`
      SELECT r.source_system, r.source_issue_id, m.acc_issue_number::text AS number, r.display_id
        FROM dbo.vw_issues_reconciled r LEFT JOIN dbo.vw_acc_issue_id_map m ON m.issue_key = r.issue_key`);
    expect(rows).toHaveLength(SEED_FIGURES.mapped + SEED_FIGURES.unmapped + SEED_FIGURES.revizto);
    for (const row of rows) {
      const ours = row.source_system === 'ACC' ? displayId({ system: 'ACC', number: row.number, uuid: row.source_issue_id }) : displayId({ system: 'Revizto', id: row.source_issue_id });
      expect(ours).toBe(row.display_id);
    }
  });
});

describe('PostgreSQL preflight and connection errors', () => {
  it('names the missing view of the ProjectManagement database', async () => {
    const { url: pmUrl, name } = await dbs.freshPm({ mapped: 5, unmapped: 1, revizto: 1 });
    await dbs.sql(name, 'DROP VIEW dbo.vw_issues_reconciled; DROP VIEW dbo.vw_acc_issue_id_map');
    const { url } = await dbs.freshWarehouse();
    const { source, warehouse } = connect(pmUrl, url);
    const error = await caught(preflight(source, warehouse));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/ProjectManagement database \(PM_DB_URL postgres:\/\/acc_loader@127\.0\.0\.1:\d+\/pm_\d+\) has no view dbo\.vw_acc_issue_id_map/);
  });

  it('names a missing column of dim.issue', async () => {
    const { url, name } = await dbs.freshWarehouse();
    await dbs.sql(name, 'ALTER TABLE dim.issue DROP COLUMN title');
    const { source, warehouse } = connect(dbs.pmUrl, url);
    const error = await caught(preflight(source, warehouse));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/^dim\.issue in the warehouse database .* has no column title/);
  });

  it('turns a wrong password into an auth error that never shows the password', async () => {
    const { name } = await dbs.freshWarehouse();
    const url = cluster().url(name, { name: ACC_LOADER.name, password: 'Wrong-Pa55word' });
    const { source, warehouse } = connect(dbs.pmUrl, url);
    const error = await caught(preflight(source, warehouse));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toMatch(/refused the login of user "acc_loader"/);
    expect(`${error.message} ${(error as AuthError).action}`).not.toContain('Wrong-Pa55word');
  });

  it('names a database that does not exist', async () => {
    const { source, warehouse } = connect(dbs.pmUrl, cluster().url('no_such_db', ACC_LOADER));
    const error = await caught(preflight(source, warehouse));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/Database "no_such_db" does not exist/);
  });

  it('says which host and port did not answer', async () => {
    const { source, warehouse } = connect(dbs.pmUrl, `postgres://acc_loader:x@127.0.0.1:1/warehouse`);
    const error = await caught(preflight(source, warehouse));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toMatch(/did not answer at 127\.0\.0\.1:1/);
  });

  it('names the permission a user lacks to write dim.issue', async () => {
    const { url, name } = await dbs.freshWarehouse();
    await dbs.sql(name, `REVOKE INSERT, UPDATE ON dim.issue FROM ${ACC_LOADER.name}`);
    const { source, warehouse } = connect(dbs.pmUrl, url);
    const error = await caught(backfill(source, warehouse));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toMatch(/lacks a permission .*permission denied for table issue/);
  });
});
