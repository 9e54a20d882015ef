/**
 * The warehouse on SQL Server: read-only preflight (tables, columns, the unique index on the target
 * key), the latest successful ACC import run, a row stream of the ACC rows of `dim.issue`, and the
 * batch upsert — bulk-load `#acc_staging`, one MERGE … OUTPUT $action, in one transaction.
 */
import type { DbUrl } from '../connection-url.js';
import { requireColumns } from '../preflight.js';
import { ACC_SYSTEM, DIM_ISSUE, DIM_ISSUE_COLUMNS, DISPLAY_ID_COLUMN, IMPORT_RUN_COLUMNS, IMPORT_RUNS, qualified, SUCCESS_STATUS } from '../schema.js';
import type { BatchOutcome, DimIssueState, DimIssueValues, ImportRun, UpsertOptions, Warehouse, WarehouseShape } from '../types.js';
import { whileSent } from '../while-writing.js';
import { listMssqlColumns } from './catalog.js';
import { createMssqlDriver, type MssqlDriver } from './driver.js';
import {
  createMssqlStagingSql,
  DROP_MSSQL_STAGING_SQL,
  mergeSql,
  MSSQL_COUNT_ACC_SQL,
  MSSQL_LATEST_IMPORT_RUN_SQL,
  MSSQL_READ_ACC_KEYS_SQL,
  MSSQL_STAGING,
  MSSQL_UNIQUE_KEY_INDEX_SQL,
  mssqlReadAccRowsSql,
  mssqlStagingColumns,
} from './statements.js';

interface AccRow {
  source_issue_id: string;
  source_project_id: string;
  issue_bk: string | null;
  title: string | null;
  display_id: string | null;
  import_run_id: string | null;
}

/** `dim.issue` and `fact.issue_import_runs` on SQL Server. */
export class MssqlWarehouse implements Warehouse {
  readonly dialect = 'mssql' as const;
  /** SQL Server's default collations compare text case-insensitively, keys included. */
  readonly keyComparison = 'case-insensitive' as const;
  readonly display: string;

  constructor(
    private readonly db: DbUrl,
    private readonly driver: MssqlDriver = createMssqlDriver(db),
  ) {
    this.display = db.display;
  }

  async preflight(): Promise<WarehouseShape> {
    const columns = requireColumns(this.db, DIM_ISSUE, await listMssqlColumns(this.driver, this.db, DIM_ISSUE), DIM_ISSUE_COLUMNS);
    requireColumns(this.db, IMPORT_RUNS, await listMssqlColumns(this.driver, this.db, IMPORT_RUNS), IMPORT_RUN_COLUMNS);
    const [index] = await this.driver.query<{ name: string }>(MSSQL_UNIQUE_KEY_INDEX_SQL, { table: qualified(DIM_ISSUE) }, 'read the indexes of dim.issue');
    return { hasDisplayId: columns.has(DISPLAY_ID_COLUMN), uniqueKeyIndex: index?.name ?? null, columns };
  }

  async latestSuccessfulImportRun(): Promise<ImportRun | null> {
    const [row] = await this.driver.query<{ import_run_id: string | number; created_at: Date | string | null }>(
      MSSQL_LATEST_IMPORT_RUN_SQL,
      { source_system: ACC_SYSTEM, status: SUCCESS_STATUS },
      `read ${qualified(IMPORT_RUNS)}`,
    );
    if (!row) return null;
    return { id: row.import_run_id, createdAt: row.created_at instanceof Date ? row.created_at.toISOString() : row.created_at };
  }

  async *readAccRows(shape: WarehouseShape): AsyncIterable<DimIssueState> {
    for await (const row of this.driver.stream<AccRow>(mssqlReadAccRowsSql(shape.hasDisplayId), { source_system: ACC_SYSTEM }, 'read dim.issue')) {
      yield { sourceIssueId: row.source_issue_id, sourceProjectId: row.source_project_id, issueBk: row.issue_bk, title: row.title, displayId: row.display_id, importRunId: row.import_run_id };
    }
  }

  async *readAccKeys(): AsyncIterable<Pick<DimIssueState, 'sourceIssueId' | 'sourceProjectId'>> {
    for await (const row of this.driver.stream<AccRow>(MSSQL_READ_ACC_KEYS_SQL, { source_system: ACC_SYSTEM }, 'read the keys of dim.issue')) {
      yield { sourceIssueId: row.source_issue_id, sourceProjectId: row.source_project_id };
    }
  }

  async countAccRows(): Promise<number> {
    const [row] = await this.driver.query<{ n: string | number }>(MSSQL_COUNT_ACC_SQL, { source_system: ACC_SYSTEM }, 'count the ACC rows of dim.issue');
    return Number(row?.n ?? 0);
  }

  async upsertBatch(rows: readonly DimIssueValues[], options: UpsertOptions): Promise<BatchOutcome> {
    const { hasDisplayId, uniqueKeyIndex, columns } = options.shape;
    const textColumns = new Set([...columns.values()].filter((column) => column.isText).map((column) => column.name.toLowerCase()));
    return this.driver.transaction(async (tx) => {
      // A plain batch: a #table created through sp_executesql would vanish when that call ends.
      await tx.batch(createMssqlStagingSql(hasDisplayId));
      await tx.bulk({
        name: MSSQL_STAGING,
        columns: mssqlStagingColumns(hasDisplayId),
        rows: rows.map((row) =>
          hasDisplayId ? [row.sourceIssueId, row.sourceProjectId, row.issueBk, row.displayId, row.title] : [row.sourceIssueId, row.sourceProjectId, row.issueBk, row.title],
        ),
      });
      const sent = tx.query<{ inserted: number; updated: number }>(mergeSql({ hasDisplayId, uniqueKeyIndex: uniqueKeyIndex !== null, textColumns }), {
        source_system: ACC_SYSTEM,
        import_run_id: options.importRun.id,
      });
      const [counts] = await whileSent(sent, options.whileWriting);
      await tx.batch(DROP_MSSQL_STAGING_SQL);
      const inserted = counts?.inserted ?? 0;
      const updated = counts?.updated ?? 0;
      const outcome: BatchOutcome = { inserted, updated, unchanged: rows.length - inserted - updated };
      await options.beforeCommit?.(outcome);
      return outcome;
    }, 'upsert a batch into dim.issue');
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}
