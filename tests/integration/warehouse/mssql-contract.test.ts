/**
 * Contract tests of the SQL Server dialect over a fake driver (no SQL Server can run here): what it
 * sends, in which order and transaction, with which parameters, and how it reads the answers. The
 * fake applies the MERGE's documented semantics to an in-memory dim.issue. The live test
 * (`mssql-live.test.ts`) runs the same dialect against a real server when WAREHOUSE_DB_URL is set.
 */
import sql from 'mssql';
import { describe, expect, it } from 'vitest';
import { AuthError, ConfigError, TerminalError, TransientError } from '../../../src/engine/errors.js';
import { parseDbUrl } from '../../../src/targets/warehouse/connection-url.js';
import type { BulkTable, MssqlDriver, MssqlParams, MssqlTransaction } from '../../../src/targets/warehouse/mssql/driver.js';
import { mssqlConfig } from '../../../src/targets/warehouse/mssql/driver.js';
import { mssqlError } from '../../../src/targets/warehouse/mssql/errors.js';
import { MssqlPmSource } from '../../../src/targets/warehouse/mssql/source.js';
import { createMssqlStagingSql, DROP_MSSQL_STAGING_SQL, mergeSql } from '../../../src/targets/warehouse/mssql/statements.js';
import { MssqlWarehouse } from '../../../src/targets/warehouse/mssql/warehouse.js';
import type { DimIssueValues } from '../../../src/targets/warehouse/types.js';

const db = parseDbUrl('mssql://loader:Fake-Pa55@sql01:1433/warehouse?encrypt=true&trustServerCertificate=true', 'WAREHOUSE_DB_URL');
const pmDb = parseDbUrl('mssql://loader:Fake-Pa55@sql01/ProjectManagement', 'PM_DB_URL');

const DIM_COLUMNS = ['issue_sk', 'source_system', 'source_issue_id', 'source_project_id', 'issue_bk', 'display_id', 'title', 'import_run_id', 'created_at', 'updated_at', 'current_flag'];
const TEXT = new Set(['source_system', 'source_issue_id', 'source_project_id', 'issue_bk', 'display_id', 'title']);

interface FakeOptions {
  columns?: Record<string, string[]>;
  uniqueIndex?: string | null;
  viewRows?: Record<string, string | null>[];
}

/** A fake driver: records every call; answers catalog queries; applies MERGE semantics to a Map. */
function fakeDriver(options: FakeOptions = {}) {
  const calls: string[] = [];
  const params: MssqlParams[] = [];
  const bulks: BulkTable[] = [];
  const rows = new Map<string, Record<string, string | number | null>>();
  let staged: BulkTable | undefined;
  const columns = options.columns ?? {
    'dim.issue': DIM_COLUMNS,
    'fact.issue_import_runs': ['import_run_id', 'source_system', 'status', 'created_at'],
    'dbo.vw_acc_issue_id_map': ['issue_key', 'acc_issue_number', 'acc_issue_uuid', 'source_project_id', 'acc_title', 'acc_status', 'acc_created_at', 'acc_updated_at'],
  };
  const answer = (text: string, p: MssqlParams = {}): unknown[] => {
    if (text.includes('INFORMATION_SCHEMA.COLUMNS')) {
      return (columns[`${p.schema}.${p.name}`] ?? []).map((name) => ({ column_name: name, data_type: TEXT.has(name) ? 'nvarchar' : 'int', character_maximum_length: name === 'title' ? -1 : TEXT.has(name) ? 200 : null }));
    }
    if (text.includes('sys.indexes')) return options.uniqueIndex === null ? [] : [{ name: options.uniqueIndex ?? 'ux_issue_source_key' }];
    if (text.includes('fact.issue_import_runs')) return [{ import_run_id: 101, created_at: new Date('2024-11-04T02:00:00Z') }];
    if (text.startsWith('DECLARE @changes')) {
      const counts = { inserted: 0, updated: 0 };
      const names = staged!.columns.map((c) => c.name);
      for (const values of staged!.rows) {
        const row = Object.fromEntries(names.map((name, i) => [name, values[i]!])) as Record<string, string | null>;
        const key = `${row.source_issue_id!.toLowerCase()}|${row.source_project_id!.toLowerCase()}`;
        const current = rows.get(key);
        const next = { ...row, import_run_id: p.import_run_id as number };
        if (!current) counts.inserted++;
        else if (Object.entries(next).some(([k, v]) => current[k] !== v)) counts.updated++;
        else continue;
        rows.set(key, next);
      }
      return [counts];
    }
    return [];
  };
  const driver: MssqlDriver & { closed: boolean } = {
    closed: false,
    async query<R>(text: string, p?: MssqlParams) {
      calls.push(`query ${text.split('\n')[0]}`);
      params.push(p ?? {});
      return answer(text, p) as R[];
    },
    async batch(text: string) {
      calls.push(`batch ${text.split('\n')[0]}`);
    },
    async *stream<R>(text: string, p?: MssqlParams) {
      calls.push(`stream ${text.split('\n')[0]}`);
      params.push(p ?? {});
      const source = text.includes('vw_acc_issue_id_map') ? (options.viewRows ?? []) : [...rows.values()].map((row) => ({ ...row, import_run_id: String(row.import_run_id) }));
      for (const row of source) yield row as R;
    },
    async transaction<T>(work: (tx: MssqlTransaction) => Promise<T>) {
      calls.push('begin');
      const saved = new Map(rows);
      const tx: MssqlTransaction = {
        query: async <R>(text: string, p?: MssqlParams) => {
          calls.push(`tx ${text}`);
          params.push(p ?? {});
          return answer(text, p) as R[];
        },
        batch: async (text: string) => {
          calls.push(`batch ${text}`);
        },
        bulk: async (table) => {
          calls.push(`bulk ${table.name} ${table.rows.length}`);
          bulks.push(table);
          staged = table;
        },
      };
      try {
        const result = await work(tx);
        calls.push('commit');
        return result;
      } catch (error) {
        rows.clear();
        for (const [k, v] of saved) rows.set(k, v);
        calls.push('rollback');
        throw error;
      }
    },
    async close() {
      driver.closed = true;
    },
  };
  return { driver, calls, params, bulks, rows };
}

const values = (n: number, over: Partial<DimIssueValues> = {}): DimIssueValues => ({
  sourceIssueId: `66C8A7AA-0000-0000-0000-${String(n).padStart(12, '0')}`,
  sourceProjectId: 'b.p1',
  issueBk: String(n),
  title: `Issue ${n}`,
  displayId: `ACC-${n}`,
  ...over,
});

async function caught(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('the SQL Server warehouse dialect (contract, fake driver)', () => {
  it('checks dim.issue and fact.issue_import_runs through INFORMATION_SCHEMA with parameters, and finds the unique index', async () => {
    const fake = fakeDriver();
    const shape = await new MssqlWarehouse(db, fake.driver).preflight();
    expect(shape).toMatchObject({ hasDisplayId: true, uniqueKeyIndex: 'ux_issue_source_key' });
    expect(fake.params.slice(0, 3)).toEqual([{ schema: 'dim', name: 'issue' }, { schema: 'fact', name: 'issue_import_runs' }, { table: 'dim.issue' }]);
    expect(shape.columns.get('title')?.maxLength).toBeNull();
  });

  it('names a missing column of dim.issue as an operator error', async () => {
    const fake = fakeDriver({ columns: { 'dim.issue': DIM_COLUMNS.filter((c) => c !== 'import_run_id'), 'fact.issue_import_runs': ['import_run_id', 'source_system', 'status', 'created_at'] } });
    const error = await caught(new MssqlWarehouse(db, fake.driver).preflight());
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/^dim\.issue in the warehouse database \(WAREHOUSE_DB_URL mssql:\/\/loader@sql01:1433\/warehouse\) has no column import_run_id/);
  });

  it('names the missing view of the ProjectManagement database', async () => {
    const fake = fakeDriver({ columns: {} });
    const error = await caught(new MssqlPmSource(pmDb, fake.driver).preflight());
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/has no view dbo\.vw_acc_issue_id_map/);
  });

  it('writes a batch in one transaction: create #acc_staging (plain batch), bulk-load, MERGE (parameterised), drop, commit', async () => {
    const fake = fakeDriver();
    const warehouse = new MssqlWarehouse(db, fake.driver);
    const shape = await warehouse.preflight();
    fake.calls.length = 0;
    const outcome = await warehouse.upsertBatch([values(1), values(2)], { importRun: { id: 101, createdAt: null }, shape });
    expect(outcome).toMatchObject({ inserted: 2, updated: 0, unchanged: 0 });
    expect(fake.calls).toEqual([
      'begin',
      `batch ${createMssqlStagingSql(true)}`,
      'bulk #acc_staging 2',
      `tx ${mergeSql({ hasDisplayId: true, uniqueKeyIndex: true, textColumns: TEXT })}`,
      `batch ${DROP_MSSQL_STAGING_SQL}`,
      'commit',
    ]);
    expect(fake.params.at(-1)).toEqual({ source_system: 'ACC', import_run_id: 101 });
    expect(fake.bulks[0]!.columns.map((c) => c.name)).toEqual(['source_issue_id', 'source_project_id', 'issue_bk', 'display_id', 'title']);
    expect(fake.bulks[0]!.rows[0]).toEqual([values(1).sourceIssueId, 'b.p1', '1', 'ACC-1', 'Issue 1']);
  });

  it('counts inserts and updates from OUTPUT $action and the rest as unchanged', async () => {
    const fake = fakeDriver();
    const warehouse = new MssqlWarehouse(db, fake.driver);
    const shape = await warehouse.preflight();
    const importRun = { id: 101, createdAt: null };
    await warehouse.upsertBatch([values(1), values(2)], { importRun, shape });
    const outcome = await warehouse.upsertBatch([values(1), values(2, { title: 'Edited' }), values(3)], { importRun, shape });
    expect(outcome).toMatchObject({ inserted: 1, updated: 1, unchanged: 1 });
  });

  it('takes a table lock in the MERGE when dim.issue has no unique index on the key', async () => {
    const fake = fakeDriver({ uniqueIndex: null });
    const warehouse = new MssqlWarehouse(db, fake.driver);
    const shape = await warehouse.preflight();
    await warehouse.upsertBatch([values(1)], { importRun: { id: 101, createdAt: null }, shape });
    expect(fake.calls.find((c) => c.startsWith('tx DECLARE'))).toContain('MERGE dim.issue WITH (TABLOCKX, HOLDLOCK) AS t');
  });

  it('calls beforeCommit inside the transaction and rolls back when it throws', async () => {
    const fake = fakeDriver();
    const warehouse = new MssqlWarehouse(db, fake.driver);
    const shape = await warehouse.preflight();
    fake.calls.length = 0;
    const error = await caught(
      warehouse.upsertBatch([values(1)], {
        importRun: { id: 101, createdAt: null },
        shape,
        beforeCommit: (outcome) => {
          expect(outcome.inserted).toBe(1);
          throw new Error('ledger full');
        },
      }),
    );
    expect(error.message).toBe('ledger full');
    expect(fake.calls.at(-1)).toBe('rollback');
    expect(fake.rows.size).toBe(0);
  });

  it('reads the import run, the ACC rows and the view as text', async () => {
    const fake = fakeDriver({ viewRows: [{ issue_key: 'ACC:x', acc_issue_number: '7', acc_issue_uuid: '66C8A7AA-0B1C-4D2E-8F90-123456789ABC', source_project_id: 'b.p1', acc_title: null }] });
    const warehouse = new MssqlWarehouse(db, fake.driver);
    expect(await warehouse.latestSuccessfulImportRun()).toEqual({ id: 101, createdAt: '2024-11-04T02:00:00.000Z' });
    const rows = [];
    for await (const row of new MssqlPmSource(pmDb, fake.driver).readMapped()) rows.push(row);
    expect(rows).toEqual([{ issueKey: 'ACC:x', number: '7', uuid: '66C8A7AA-0B1C-4D2E-8F90-123456789ABC', projectId: 'b.p1', title: null }]);
    expect(warehouse.keyComparison).toBe('case-insensitive');
  });

  it('closes its pool', async () => {
    const fake = fakeDriver();
    await new MssqlWarehouse(db, fake.driver).close();
    expect(fake.driver.closed).toBe(true);
  });
});

describe('SQL Server errors and configuration', () => {
  const requestError = (number: number, message: string) => Object.assign(new sql.RequestError(message, 'EREQUEST'), { number });

  it.each([
    [new sql.ConnectionError("Login failed for user 'loader'.", 'ELOGIN'), AuthError, /refused the login of user "loader"/],
    [new sql.ConnectionError('Failed to connect to sql01:1433 - connect ECONNREFUSED', 'ESOCKET'), TransientError, /did not answer at sql01:1433/],
    [new sql.ConnectionError('Failed to connect to sql01:1433 - getaddrinfo ENOTFOUND sql01', 'ESOCKET'), ConfigError, /host "sql01" .* was not found/],
    [requestError(208, "Invalid object name 'dim.issue'."), ConfigError, /Invalid object name 'dim\.issue'\. \(error 208\)/],
    [requestError(229, 'The INSERT permission was denied on the object issue'), AuthError, /lacks a permission/],
    [requestError(1205, 'Transaction was deadlocked'), TransientError, /deadlocked/],
    [requestError(2628, 'String or binary data would be truncated'), TerminalError, /truncated/],
  ])('maps %s to an operator error', (error, Kind, message) => {
    const mapped = mssqlError(error, db, 'write a batch') as Error;
    expect(mapped).toBeInstanceOf(Kind);
    expect(mapped.message).toMatch(message);
  });

  it('leaves errors that are not from the driver alone (bugs stay bugs)', () => {
    const bug = new TypeError('x is undefined');
    expect(mssqlError(bug, db, 'write')).toBe(bug);
  });

  it('builds the pool configuration from the URL', () => {
    expect(mssqlConfig(db)).toMatchObject({ server: 'sql01', port: 1433, database: 'warehouse', user: 'loader', options: { encrypt: true, trustServerCertificate: true } });
    const named = mssqlConfig(parseDbUrl('mssql://u:p@sql01/wh?instanceName=SQLEXPRESS&encrypt=false', 'WAREHOUSE_DB_URL'));
    expect(named).not.toHaveProperty('port');
    expect(named.options).toMatchObject({ instanceName: 'SQLEXPRESS', encrypt: false });
  });
});
