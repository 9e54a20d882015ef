/**
 * What the ACC backfill needs from the two databases, whatever their dialect: a source of mapped
 * ACC issues (`PmSource`, the ProjectManagement DB) and the warehouse (`Warehouse`). One module per
 * dialect implements them (`postgres/`, `mssql/`); the pipeline sees only these interfaces.
 */
import type { SqlDialect } from './connection-url.js';

/** One row of `dbo.vw_acc_issue_id_map`, as text (validated by the pipeline, not here). */
export interface AccSourceRow {
  issueKey: string | null;
  number: string | null;
  uuid: string | null;
  projectId: string | null;
  title: string | null;
}

/** The values the backfill writes to `dim.issue` for one ACC issue. */
export interface DimIssueValues {
  sourceIssueId: string;
  sourceProjectId: string;
  issueBk: string;
  title: string | null;
  displayId: string;
}

/** An ACC row of `dim.issue` as it is now (text), for planning and the gap report. */
export interface DimIssueState {
  sourceIssueId: string;
  sourceProjectId: string;
  issueBk: string | null;
  title: string | null;
  /** null when the row has none, or when the warehouse has no display_id column. */
  displayId: string | null;
  importRunId: string | null;
}

/** A column the preflight found: its name and, for character columns, its maximum length. */
export interface ColumnInfo {
  name: string;
  dataType: string;
  /** Characters; null when unbounded (text, nvarchar(max)) or not a character type. */
  maxLength: number | null;
  isText: boolean;
}

/** What the preflight learnt about `dim.issue`. */
export interface WarehouseShape {
  /** Whether `dim.issue` has a `display_id` column (then display ids are written). */
  hasDisplayId: boolean;
  /** The unique index on (source_system, source_issue_id, source_project_id), or null when missing. */
  uniqueKeyIndex: string | null;
  /** Columns of `dim.issue` by lower-case name. */
  columns: Map<string, ColumnInfo>;
}

/** The latest successful ACC import run. */
export interface ImportRun {
  /** As the database returns it (number or text); written back with the same type. */
  id: string | number;
  createdAt: string | null;
}

/** The outcome of one committed batch (counted by the database as it wrote). */
export interface BatchOutcome {
  inserted: number;
  updated: number;
  /** Rows of the batch whose values were already in the warehouse (not written). */
  unchanged: number;
}

/** Per-batch options of an upsert. */
export interface UpsertOptions {
  importRun: ImportRun;
  shape: WarehouseShape;
  /**
   * Called after the statement and before COMMIT with what the batch wrote (record an intent
   * here); when it throws, the batch is rolled back.
   */
  beforeCommit?: (outcome: BatchOutcome) => void | Promise<void>;
  /**
   * Called once the batch's write statement has been sent, while the database executes it: room for
   * other (synchronous) work, such as the ledger bookkeeping of the previous batch.
   */
  whileWriting?: () => void;
}

/** The ProjectManagement side: mapped ACC issues. */
export interface PmSource {
  readonly dialect: SqlDialect;
  /** Where it connects (redacted URL). */
  readonly display: string;
  /** Read-only: the view exists with the columns used; else a ConfigError naming view and column. */
  preflight(signal?: AbortSignal): Promise<void>;
  /** Streams every row of the view (one query; rows arrive as the server sends them). */
  readMapped(signal?: AbortSignal): AsyncIterable<AccSourceRow>;
  /** Closes the pool. */
  close(): Promise<void>;
}

/** The warehouse side: `dim.issue` and `fact.issue_import_runs`. */
export interface Warehouse {
  readonly dialect: SqlDialect;
  readonly display: string;
  /** How keys compare in this database: exactly (PostgreSQL) or case-insensitively (SQL Server's default collation). */
  readonly keyComparison: 'exact' | 'case-insensitive';
  /** Read-only: tables and columns exist; reports the display_id column and the unique index. */
  preflight(signal?: AbortSignal): Promise<WarehouseShape>;
  /** The latest successful ACC import run, or null when there is none. */
  latestSuccessfulImportRun(signal?: AbortSignal): Promise<ImportRun | null>;
  /** Streams every ACC row of `dim.issue`. */
  readAccRows(shape: WarehouseShape, signal?: AbortSignal): AsyncIterable<DimIssueState>;
  /** Streams the key of every ACC row of `dim.issue` (half the bytes of readAccRows: for counting). */
  readAccKeys(signal?: AbortSignal): AsyncIterable<Pick<DimIssueState, 'sourceIssueId' | 'sourceProjectId'>>;
  /** Number of ACC rows in `dim.issue`. */
  countAccRows(signal?: AbortSignal): Promise<number>;
  /** Writes one batch in one transaction: inserts new keys, updates rows whose values differ. */
  upsertBatch(rows: readonly DimIssueValues[], options: UpsertOptions): Promise<BatchOutcome>;
  /** Closes the pool. */
  close(): Promise<void>;
}
