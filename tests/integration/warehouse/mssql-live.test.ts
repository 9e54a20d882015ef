/**
 * Live test of the SQL Server dialect: runs only when WAREHOUSE_DB_URL is an `mssql://` URL (e.g. a
 * throwaway `mcr.microsoft.com/mssql/server` container), and is reported as skipped otherwise. The
 * login needs CREATE DATABASE: the test builds its own database (dropped at the end) with the
 * runbook's objects, backfills it twice, and checks the rows.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyBatches } from '../../../src/pipelines/acc/apply-batches.js';
import { planBackfill } from '../../../src/pipelines/acc/plan.js';
import { preflight, readAccState, requireImportRun } from '../../../src/pipelines/acc/read-state.js';
import { parseDbUrl } from '../../../src/targets/warehouse/connection-url.js';
import { createMssqlDriver, type MssqlDriver } from '../../../src/targets/warehouse/mssql/driver.js';
import { MssqlPmSource } from '../../../src/targets/warehouse/mssql/source.js';
import { MssqlWarehouse } from '../../../src/targets/warehouse/mssql/warehouse.js';

const url = process.env.WAREHOUSE_DB_URL ?? '';
const live = /^(mssql|sqlserver):\/\//i.test(url);
const database = `migration_mcp_live_${randomBytes(4).toString('hex')}`;

/** The runbook's objects in T-SQL (one batch each: CREATE SCHEMA and CREATE VIEW must stand alone). */
const SCHEMA = [
  'CREATE SCHEMA dim',
  'CREATE SCHEMA fact',
  `CREATE TABLE dbo.issues_current (issue_key nvarchar(200) PRIMARY KEY, source_system nvarchar(20) NOT NULL, source_issue_id nvarchar(100) NOT NULL,
     source_project_id nvarchar(100) NOT NULL, title nvarchar(500) NULL, status nvarchar(20) NOT NULL, created_at datetime2 NOT NULL, updated_at datetime2 NOT NULL)`,
  'CREATE TABLE dbo.acc_issue_numbers (acc_issue_uuid uniqueidentifier PRIMARY KEY, acc_issue_number int NOT NULL, source_project_id nvarchar(100) NOT NULL)',
  `CREATE VIEW dbo.vw_acc_issue_id_map AS
   SELECT ic.issue_key, n.acc_issue_number, n.acc_issue_uuid, ic.source_project_id, ic.title AS acc_title, ic.status AS acc_status,
          ic.created_at AS acc_created_at, ic.updated_at AS acc_updated_at
     FROM dbo.issues_current ic JOIN dbo.acc_issue_numbers n ON n.acc_issue_uuid = CONVERT(uniqueidentifier, ic.source_issue_id)
    WHERE ic.source_system = N'ACC'`,
  `CREATE TABLE fact.issue_import_runs (import_run_id int PRIMARY KEY, source_system nvarchar(20) NOT NULL, status nvarchar(20) NOT NULL, created_at datetime2 NOT NULL)`,
  `CREATE TABLE dim.issue (issue_sk bigint IDENTITY PRIMARY KEY, source_system nvarchar(20) NOT NULL, source_issue_id nvarchar(100) NOT NULL,
     source_project_id nvarchar(100) NOT NULL, issue_bk nvarchar(40) NULL, display_id nvarchar(60) NULL, title nvarchar(500) NULL, import_run_id int NULL,
     created_at datetime2 NOT NULL, updated_at datetime2 NOT NULL, current_flag bit NOT NULL DEFAULT 1)`,
  'CREATE UNIQUE INDEX ux_dim_issue_source_key ON dim.issue (source_system, source_issue_id, source_project_id)',
];

/** 250 ACC issues (200 mapped), titles with awkward characters; 7 already in dim.issue, 2 of them stale. */
const DATA = [
  `WITH n AS (SELECT TOP (250) ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) AS i FROM sys.all_objects a CROSS JOIN sys.all_objects b)
   INSERT INTO dbo.issues_current
   SELECT CONCAT(N'ACC:', CONVERT(nvarchar(36), CONVERT(uniqueidentifier, HASHBYTES('MD5', CONCAT('acc-issue-', i))))), N'ACC',
          CONVERT(nvarchar(36), CONVERT(uniqueidentifier, HASHBYTES('MD5', CONCAT('acc-issue-', i)))), CONCAT(N'b.project-', i % 3),
          CASE WHEN i % 7 = 0 THEN NULL WHEN i % 5 = 0 THEN CONCAT(N'Tab', CHAR(9), N'and', CHAR(10), N'newline ', i) ELSE CONCAT(N'Façade “', i, N'” ✓') END,
          N'open', SYSDATETIME(), SYSDATETIME()
     FROM n`,
  `INSERT INTO dbo.acc_issue_numbers
   SELECT TOP (200) CONVERT(uniqueidentifier, source_issue_id), ROW_NUMBER() OVER (PARTITION BY source_project_id ORDER BY issue_key), source_project_id
     FROM dbo.issues_current ORDER BY issue_key`,
  `INSERT INTO fact.issue_import_runs VALUES (101, N'ACC', N'Success', '2024-11-04T02:00:00'), (103, N'ACC', N'Failed', '2025-01-09T02:00:00')`,
  `WITH loaded AS (SELECT TOP (7) ROW_NUMBER() OVER (ORDER BY issue_key) AS rn, * FROM dbo.vw_acc_issue_id_map ORDER BY issue_key)
   INSERT INTO dim.issue (source_system, source_issue_id, source_project_id, issue_bk, display_id, title, import_run_id, created_at, updated_at, current_flag)
   SELECT N'ACC', CONVERT(nvarchar(36), acc_issue_uuid), source_project_id, CONVERT(nvarchar(40), acc_issue_number),
          CONCAT(N'ACC-', acc_issue_number), CASE WHEN rn <= 2 THEN N'(old)' ELSE acc_title END, 101, '2024-11-04T02:25:00', '2024-11-04T02:25:00', 1
     FROM loaded`,
];

describe.skipIf(!live)('the SQL Server dialect against a live server (skipped unless WAREHOUSE_DB_URL=mssql://…)', () => {
  let master: MssqlDriver;
  let testUrl: string;

  beforeAll(async () => {
    const server = parseDbUrl(url, 'WAREHOUSE_DB_URL');
    master = createMssqlDriver(server);
    await master.batch(`CREATE DATABASE ${database}`);
    const parsed = new URL(url);
    parsed.pathname = `/${database}`;
    testUrl = parsed.toString();
    const driver = createMssqlDriver(parseDbUrl(testUrl, 'WAREHOUSE_DB_URL'));
    try {
      for (const statement of [...SCHEMA, ...DATA]) await driver.batch(statement);
    } finally {
      await driver.close();
    }
  }, 120_000);

  afterAll(async () => {
    if (!master) return;
    await master.batch(`ALTER DATABASE ${database} SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE ${database}`).catch(() => {});
    await master.close();
  });

  it('backfills with one MERGE per batch, then writes nothing on a second run', async () => {
    const source = new MssqlPmSource(parseDbUrl(testUrl, 'PM_DB_URL'));
    const warehouse = new MssqlWarehouse(parseDbUrl(testUrl, 'WAREHOUSE_DB_URL'));
    try {
      const run = async () => {
        const shape = await preflight(source, warehouse);
        expect(shape).toMatchObject({ hasDisplayId: true, uniqueKeyIndex: 'ux_dim_issue_source_key' });
        const importRun = await requireImportRun(warehouse);
        expect(importRun.id).toBe(101);
        const state = await readAccState(source, warehouse, shape, importRun.id);
        const plan = planBackfill(state.comparison);
        const applied = await applyBatches(plan.writes, warehouse, { batchSize: 60, importRun, shape });
        return { plan, applied, state };
      };
      const first = await run();
      expect(first.state.source.rejects).toEqual([]);
      expect(first.plan).toMatchObject({ inserted: 193, updated: 2, unchanged: 5 });
      expect(first.applied).toMatchObject({ inserted: 193, updated: 2, unchanged: 0 });
      expect(await warehouse.countAccRows()).toBe(200);
      const second = await run();
      expect(second.plan).toMatchObject({ inserted: 0, updated: 0, unchanged: 200 });
      const shape = await warehouse.preflight();
      const back = new Map<string, string | null>();
      for await (const row of warehouse.readAccRows(shape)) back.set(row.sourceIssueId.toLowerCase(), row.title);
      for (const values of first.state.source.values) expect(back.get(values.sourceIssueId.toLowerCase())).toBe(values.title);
    } finally {
      await Promise.all([source.close(), warehouse.close()]);
    }
  });
});
