/**
 * The warehouse on PostgreSQL: read-only preflight (tables, columns, the unique index on the target
 * key), the latest successful ACC import run, a COPY stream of the ACC rows of `dim.issue`, and
 * the batch upsert — COPY into staging, then one set-based statement, in one transaction.
 */
import type pg from 'pg';
import { ACC_SYSTEM, DIM_ISSUE, DIM_ISSUE_COLUMNS, DISPLAY_ID_COLUMN, IMPORT_RUN_COLUMNS, IMPORT_RUNS, qualified, SUCCESS_STATUS } from '../schema.js';
import type { DbUrl } from '../connection-url.js';
import { requireColumns } from '../preflight.js';
import type { BatchOutcome, DimIssueState, DimIssueValues, ImportRun, UpsertOptions, Warehouse, WarehouseShape } from '../types.js';
import { whileSent } from '../while-writing.js';
import { encodeCopyRow } from './copy-text.js';
import { checkout, copyIn, copyOut, createPgPool, listColumns, query } from './pool.js';
import {
  COUNT_ACC_SQL,
  createStagingSql,
  insertMissingSql,
  LATEST_IMPORT_RUN_SQL,
  LOCK_SQL,
  READ_ACC_KEYS_SQL,
  readAccRowsSql,
  STAGING,
  stagingColumns,
  UNIQUE_KEY_INDEX_PARAMS,
  UNIQUE_KEY_INDEX_SQL,
  updateChangedSql,
  upsertSql,
} from './statements.js';

/** `dim.issue` and `fact.issue_import_runs` on PostgreSQL. */
export class PostgresWarehouse implements Warehouse {
  readonly dialect = 'postgres' as const;
  readonly keyComparison = 'exact' as const;
  readonly display: string;
  private readonly pool: pg.Pool;

  constructor(private readonly db: DbUrl) {
    this.display = db.display;
    this.pool = createPgPool(db, 2);
  }

  async preflight(): Promise<WarehouseShape> {
    const columns = requireColumns(this.db, DIM_ISSUE, await listColumns(this.pool, this.db, DIM_ISSUE), DIM_ISSUE_COLUMNS);
    requireColumns(this.db, IMPORT_RUNS, await listColumns(this.pool, this.db, IMPORT_RUNS), IMPORT_RUN_COLUMNS);
    const { rows } = await query<{ name: string }>(this.pool, this.db, 'read the indexes of dim.issue', UNIQUE_KEY_INDEX_SQL, UNIQUE_KEY_INDEX_PARAMS);
    return { hasDisplayId: columns.has(DISPLAY_ID_COLUMN), uniqueKeyIndex: rows[0]?.name ?? null, columns };
  }

  async latestSuccessfulImportRun(): Promise<ImportRun | null> {
    const { rows } = await query<{ import_run_id: string | number; created_at: Date | string | null }>(
      this.pool,
      this.db,
      `read ${qualified(IMPORT_RUNS)}`,
      LATEST_IMPORT_RUN_SQL,
      [ACC_SYSTEM, SUCCESS_STATUS],
    );
    const row = rows[0];
    if (!row) return null;
    const createdAt = row.created_at instanceof Date ? row.created_at.toISOString() : row.created_at;
    return { id: row.import_run_id, createdAt };
  }

  async *readAccRows(shape: WarehouseShape, signal?: AbortSignal): AsyncIterable<DimIssueState> {
    const sql = readAccRowsSql(shape.hasDisplayId);
    for await (const [sourceIssueId, sourceProjectId, issueBk, title, displayId, importRunId] of copyOut(this.pool, this.db, 'read dim.issue', sql, signal)) {
      yield { sourceIssueId: sourceIssueId ?? '', sourceProjectId: sourceProjectId ?? '', issueBk: issueBk ?? null, title: title ?? null, displayId: displayId ?? null, importRunId: importRunId ?? null };
    }
  }

  async *readAccKeys(signal?: AbortSignal): AsyncIterable<Pick<DimIssueState, 'sourceIssueId' | 'sourceProjectId'>> {
    for await (const [sourceIssueId, sourceProjectId] of copyOut(this.pool, this.db, 'read the keys of dim.issue', READ_ACC_KEYS_SQL, signal)) {
      yield { sourceIssueId: sourceIssueId ?? '', sourceProjectId: sourceProjectId ?? '' };
    }
  }

  async countAccRows(): Promise<number> {
    const { rows } = await query<{ n: string }>(this.pool, this.db, 'count the ACC rows of dim.issue', COUNT_ACC_SQL, [ACC_SYSTEM]);
    return Number(rows[0]?.n ?? 0);
  }

  async upsertBatch(rows: readonly DimIssueValues[], options: UpsertOptions): Promise<BatchOutcome> {
    const { hasDisplayId, uniqueKeyIndex } = options.shape;
    const client = await checkout(this.pool, this.db);
    let broken = false;
    try {
      try {
        // One round trip: the transaction and its staging table (simple query, no parameters).
        await query(client, this.db, 'begin a batch and create its staging table', `BEGIN; ${createStagingSql(hasDisplayId)}`);
        await copyIn(client, this.db, 'load a batch into staging', STAGING, stagingColumns(hasDisplayId), stagingText(rows, options, hasDisplayId));
        const { inserted, updated } = uniqueKeyIndex ? await this.upsert(client, hasDisplayId, options.whileWriting) : await this.lockedUpdateInsert(client, hasDisplayId, options.whileWriting);
        const outcome: BatchOutcome = { inserted, updated, unchanged: rows.length - inserted - updated };
        await options.beforeCommit?.(outcome);
        await query(client, this.db, 'commit a batch', 'COMMIT');
        return outcome;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw error;
      }
    } catch (error) {
      broken ||= isConnectionError(error);
      throw error;
    } finally {
      client.release(broken ? true : undefined);
    }
  }

  private async upsert(client: pg.PoolClient, hasDisplayId: boolean, whileWriting?: () => void): Promise<{ inserted: number; updated: number }> {
    // node-postgres sends the statement at once; the database works on it while `whileWriting` runs.
    const sent = query<{ inserted: number; updated: number }>(client, this.db, 'upsert a batch into dim.issue', upsertSql(hasDisplayId));
    const { rows } = await whileSent(sent, whileWriting);
    return rows[0] ?? { inserted: 0, updated: 0 };
  }

  /** Without a unique index: lock out other writers, update what differs, insert what is missing. */
  private async lockedUpdateInsert(client: pg.PoolClient, hasDisplayId: boolean, whileWriting?: () => void): Promise<{ inserted: number; updated: number }> {
    await query(client, this.db, 'lock dim.issue', LOCK_SQL);
    const updated = await whileSent(query<{ n: number }>(client, this.db, 'update dim.issue', updateChangedSql(hasDisplayId)), whileWriting);
    const inserted = await query<{ n: number }>(client, this.db, 'insert into dim.issue', insertMissingSql(hasDisplayId));
    return { inserted: inserted.rows[0]?.n ?? 0, updated: updated.rows[0]?.n ?? 0 };
  }

  async close(): Promise<void> {
    if (!this.pool.ended && !this.pool.ending) await this.pool.end();
  }
}

/** The staging rows as COPY text. */
function stagingText(rows: readonly DimIssueValues[], options: UpsertOptions, hasDisplayId: boolean): string {
  const runId = String(options.importRun.id);
  let text = '';
  for (const row of rows) {
    text += encodeCopyRow(
      hasDisplayId
        ? [ACC_SYSTEM, row.sourceIssueId, row.sourceProjectId, row.issueBk, row.displayId, row.title, runId, 1]
        : [ACC_SYSTEM, row.sourceIssueId, row.sourceProjectId, row.issueBk, row.title, runId, 1],
    );
  }
  return text;
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown; cause?: { code?: unknown } })?.cause?.code ?? (error as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('08') || code.startsWith('E'));
}

