/**
 * The T-SQL of the ACC backfill on SQL Server, built from constants and the preflight's findings
 * (values always travel as `@parameters` or bulk-loaded rows). Golden files in the tests pin the
 * exact text, since no SQL Server runs here.
 *
 * A batch is bulk-loaded into `#acc_staging`, then written by one
 * `MERGE dim.issue WITH (HOLDLOCK) … WHEN MATCHED AND (<any value differs>) THEN UPDATE …
 * WHEN NOT MATCHED THEN INSERT … OUTPUT $action` (into a table variable, then counted), inside
 * one transaction. "Differs" is `EXISTS (SELECT <target values> EXCEPT SELECT <new values>)`, which treats NULLs as equal to each
 * other, and text is compared in a binary collation so a change of case counts as a change.
 * Without a unique index on the key the MERGE also takes a table lock (TABLOCKX).
 */
import { ACC_VIEW, DIM_ISSUE, DISPLAY_ID_COLUMN, IMPORT_RUNS, qualified, TARGET_KEY } from '../schema.js';

/** The staging table (session-local). */
export const MSSQL_STAGING = '#acc_staging';

/** The collation used to compare text values exactly. */
export const BINARY_COLLATION = 'Latin1_General_100_BIN2';

/** A column of the staging table; every one is nvarchar. */
export interface StagingColumn {
  name: string;
  /** Characters, or 'max'. */
  length: number | 'max';
  nullable: boolean;
}

/** Staging columns, in bulk-load order; `display_id` only when the warehouse has it. */
export function mssqlStagingColumns(hasDisplayId: boolean): StagingColumn[] {
  return [
    { name: 'source_issue_id', length: 100, nullable: false },
    { name: 'source_project_id', length: 200, nullable: false },
    { name: 'issue_bk', length: 40, nullable: false },
    ...(hasDisplayId ? [{ name: DISPLAY_ID_COLUMN, length: 60, nullable: false }] : []),
    { name: 'title', length: 'max' as const, nullable: true },
  ];
}

/** (Re)creates the staging table in the database's collation (tempdb's may differ). */
export function createMssqlStagingSql(hasDisplayId: boolean): string {
  const columns = mssqlStagingColumns(hasDisplayId).map(
    (column) => `    ${column.name} nvarchar(${column.length}) COLLATE DATABASE_DEFAULT ${column.nullable ? 'NULL' : 'NOT NULL'},`,
  );
  return [
    `IF OBJECT_ID(N'tempdb..${MSSQL_STAGING}') IS NOT NULL DROP TABLE ${MSSQL_STAGING};`,
    `CREATE TABLE ${MSSQL_STAGING} (`,
    ...columns,
    '    PRIMARY KEY (source_project_id, source_issue_id)',
    ');',
  ].join('\n');
}

/** Drops the staging table at the end of a batch. */
export const DROP_MSSQL_STAGING_SQL = `DROP TABLE ${MSSQL_STAGING};`;

export interface MergeOptions {
  hasDisplayId: boolean;
  /** Whether the key has a unique index; without one the MERGE takes a table lock. */
  uniqueKeyIndex: boolean;
  /** dim.issue columns of a character type (compared in a binary collation). */
  textColumns: ReadonlySet<string>;
}

/** The per-batch MERGE, answering one row of counts (`inserted`, `updated`); parameters `@source_system`, `@import_run_id`. */
export function mergeSql(options: MergeOptions): string {
  const compared = ['issue_bk', ...(options.hasDisplayId ? [DISPLAY_ID_COLUMN] : []), 'title'];
  const exact = (alias: string, column: string) => (options.textColumns.has(column) ? `${alias}.${column} COLLATE ${BINARY_COLLATION}` : `${alias}.${column}`);
  const targetValues = [...compared.map((column) => exact('t', column)), 't.import_run_id'].join(', ');
  const newValues = [...compared.map((column) => exact('s', column)), '@import_run_id'].join(', ');
  const insertColumns = ['source_system', 'source_issue_id', 'source_project_id', ...compared, 'import_run_id', 'created_at', 'updated_at', 'current_flag'];
  const insertValues = ['@source_system', 's.source_issue_id', 's.source_project_id', ...compared.map((column) => `s.${column}`), '@import_run_id', 'GETDATE()', 'GETDATE()', '1'];
  const hints = options.uniqueKeyIndex ? 'HOLDLOCK' : 'TABLOCKX, HOLDLOCK';
  return [
    // OUTPUT … INTO a table variable: a bare OUTPUT is refused when dim.issue has triggers (error 334).
    'DECLARE @changes TABLE (merge_action nvarchar(10) NOT NULL);',
    `MERGE ${qualified(DIM_ISSUE)} WITH (${hints}) AS t`,
    `USING ${MSSQL_STAGING} AS s`,
    `   ON t.source_system = @source_system`,
    ...TARGET_KEY.filter((column) => column !== 'source_system').map((column) => `  AND t.${column} = s.${column}`),
    'WHEN MATCHED AND EXISTS (',
    `       SELECT ${targetValues}`,
    '       EXCEPT',
    `       SELECT ${newValues})`,
    `  THEN UPDATE SET ${[...compared.map((column) => `t.${column} = s.${column}`), 't.import_run_id = @import_run_id', 't.updated_at = GETDATE()'].join(', ')}`,
    'WHEN NOT MATCHED BY TARGET',
    `  THEN INSERT (${insertColumns.join(', ')})`,
    `       VALUES (${insertValues.join(', ')})`,
    'OUTPUT $action INTO @changes (merge_action);',
    "SELECT COUNT(CASE WHEN merge_action = N'INSERT' THEN 1 END) AS inserted, COUNT(CASE WHEN merge_action = N'UPDATE' THEN 1 END) AS updated FROM @changes;",
  ].join('\n');
}

/** Columns of a table or view; parameters `@schema`, `@name`. */
export const MSSQL_COLUMNS_SQL = `SELECT COLUMN_NAME AS column_name, DATA_TYPE AS data_type, CHARACTER_MAXIMUM_LENGTH AS character_maximum_length
  FROM INFORMATION_SCHEMA.COLUMNS
 WHERE TABLE_SCHEMA = @schema AND TABLE_NAME = @name
 ORDER BY ORDINAL_POSITION;`;

/** The unique index on exactly the target key (enabled, unfiltered), if any; parameter `@table`. */
export const MSSQL_UNIQUE_KEY_INDEX_SQL = `SELECT TOP (1) i.name
  FROM sys.indexes AS i
 WHERE i.object_id = OBJECT_ID(@table)
   AND i.is_unique = 1 AND i.has_filter = 0 AND i.is_disabled = 0
   AND (SELECT COUNT(*) FROM sys.index_columns AS ic
         WHERE ic.object_id = i.object_id AND ic.index_id = i.index_id AND ic.is_included_column = 0) = ${TARGET_KEY.length}
   AND (SELECT COUNT(*) FROM sys.index_columns AS ic
          JOIN sys.columns AS c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
         WHERE ic.object_id = i.object_id AND ic.index_id = i.index_id AND ic.is_included_column = 0
           AND c.name IN (${TARGET_KEY.map((column) => `N'${column}'`).join(', ')})) = ${TARGET_KEY.length}
 ORDER BY i.name;`;

/** The latest successful ACC import run (the seed's query, plus a tie-breaker); `@source_system`, `@status`. */
export const MSSQL_LATEST_IMPORT_RUN_SQL = `SELECT TOP (1) import_run_id, created_at
  FROM ${qualified(IMPORT_RUNS)}
 WHERE source_system = @source_system AND status = @status
 ORDER BY created_at DESC, import_run_id DESC;`;

/** The mapped ACC issues, as text (a uniqueidentifier converts to upper case, as the seed's str() gave). */
export const MSSQL_READ_VIEW_SQL = `SELECT CONVERT(nvarchar(max), issue_key) AS issue_key,
       CONVERT(nvarchar(40), acc_issue_number) AS acc_issue_number,
       CONVERT(nvarchar(100), acc_issue_uuid) AS acc_issue_uuid,
       CONVERT(nvarchar(max), source_project_id) AS source_project_id,
       CONVERT(nvarchar(max), acc_title) AS acc_title
  FROM ${qualified(ACC_VIEW)};`;

/** The ACC rows of dim.issue, as text; `@source_system`. */
export function mssqlReadAccRowsSql(hasDisplayId: boolean): string {
  return `SELECT CONVERT(nvarchar(max), source_issue_id) AS source_issue_id,
       CONVERT(nvarchar(max), source_project_id) AS source_project_id,
       CONVERT(nvarchar(max), issue_bk) AS issue_bk,
       CONVERT(nvarchar(max), title) AS title,
       ${hasDisplayId ? `CONVERT(nvarchar(max), ${DISPLAY_ID_COLUMN})` : 'CAST(NULL AS nvarchar(1))'} AS display_id,
       CONVERT(nvarchar(max), import_run_id) AS import_run_id
  FROM ${qualified(DIM_ISSUE)}
 WHERE source_system = @source_system;`;
}

/** The keys of the ACC rows of dim.issue, as text; `@source_system`. */
export const MSSQL_READ_ACC_KEYS_SQL = `SELECT CONVERT(nvarchar(max), source_issue_id) AS source_issue_id,
       CONVERT(nvarchar(max), source_project_id) AS source_project_id
  FROM ${qualified(DIM_ISSUE)}
 WHERE source_system = @source_system;`;

/** Number of ACC rows in dim.issue; `@source_system`. */
export const MSSQL_COUNT_ACC_SQL = `SELECT COUNT_BIG(*) AS n FROM ${qualified(DIM_ISSUE)} WHERE source_system = @source_system;`;
