/**
 * The PostgreSQL statements of the ACC backfill, built from constants and the preflight's findings
 * (never from data: values always travel as parameters or COPY rows).
 *
 * A batch is COPYed into a temporary staging table typed like `dim.issue`, then written by one
 * statement: `INSERT … ON CONFLICT (key) DO UPDATE … WHERE <any value differs> RETURNING (xmax = 0)`
 * (PostgreSQL 15 has no `MERGE … RETURNING`). Without a unique index on the key, ON CONFLICT cannot
 * be used: the batch then locks `dim.issue` against other writers and runs an UPDATE of differing
 * rows followed by an INSERT of missing keys.
 */
import { ACC_SYSTEM, ACC_VIEW, DIM_ISSUE, DISPLAY_ID_COLUMN, IMPORT_RUNS, qualified, TARGET_KEY } from '../schema.js';

/** The temporary staging table (dropped at commit). */
export const STAGING = 'acc_staging';

/** Columns COPYed into staging, in order; `display_id` only when the warehouse has it. */
export function stagingColumns(hasDisplayId: boolean): string[] {
  return ['source_system', 'source_issue_id', 'source_project_id', 'issue_bk', ...(hasDisplayId ? [DISPLAY_ID_COLUMN] : []), 'title', 'import_run_id', 'current_flag'];
}

/** Columns whose difference makes an update. */
function valueColumns(hasDisplayId: boolean): string[] {
  return ['issue_bk', ...(hasDisplayId ? [DISPLAY_ID_COLUMN] : []), 'title', 'import_run_id'];
}

/** Creates the staging table with the exact column types of `dim.issue`. */
export function createStagingSql(hasDisplayId: boolean): string {
  return `CREATE TEMP TABLE ${STAGING} ON COMMIT DROP AS SELECT ${stagingColumns(hasDisplayId).join(', ')} FROM ${qualified(DIM_ISSUE)} WITH NO DATA`;
}

const keyMatch = (left: string, right: string) => TARGET_KEY.map((column) => `${left}.${column} = ${right}.${column}`).join(' AND ');
const tuple = (alias: string, columns: string[]) => `(${columns.map((column) => `${alias}.${column}`).join(', ')})`;
const insertColumns = (hasDisplayId: boolean) => [...stagingColumns(hasDisplayId).filter((c) => c !== 'current_flag'), 'created_at', 'updated_at', 'current_flag'];
const insertSelect = (hasDisplayId: boolean) =>
  [...stagingColumns(hasDisplayId).filter((c) => c !== 'current_flag').map((c) => `s.${c}`), 'now()', 'now()', 's.current_flag'].join(', ');

/** The one-statement upsert (needs the unique index on the key); answers one row of counts. */
export function upsertSql(hasDisplayId: boolean): string {
  const values = valueColumns(hasDisplayId);
  return [
    'WITH written AS (',
    `INSERT INTO ${qualified(DIM_ISSUE)} AS t (${insertColumns(hasDisplayId).join(', ')})`,
    `SELECT ${insertSelect(hasDisplayId)} FROM ${STAGING} AS s`,
    `ON CONFLICT (${TARGET_KEY.join(', ')}) DO UPDATE`,
    `SET ${values.map((column) => `${column} = EXCLUDED.${column}`).join(', ')}, updated_at = now()`,
    `WHERE ${tuple('t', values)} IS DISTINCT FROM ${tuple('EXCLUDED', values)}`,
    'RETURNING (t.xmax = 0) AS inserted)',
    'SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM written',
  ].join('\n');
}

/** Without a unique index: blocks other writers of dim.issue for the batch (readers go on). */
export const LOCK_SQL = `LOCK TABLE ${qualified(DIM_ISSUE)} IN SHARE ROW EXCLUSIVE MODE`;

/** Without a unique index, step 1: update rows whose values differ; answers the number of keys updated. */
export function updateChangedSql(hasDisplayId: boolean): string {
  const values = valueColumns(hasDisplayId);
  return [
    'WITH written AS (',
    `UPDATE ${qualified(DIM_ISSUE)} AS t`,
    `SET ${values.map((column) => `${column} = s.${column}`).join(', ')}, updated_at = now()`,
    `FROM ${STAGING} AS s`,
    `WHERE ${keyMatch('t', 's')}`,
    `AND ${tuple('t', values)} IS DISTINCT FROM ${tuple('s', values)}`,
    'RETURNING t.source_issue_id, t.source_project_id)',
    // Duplicate keys in dim.issue (possible without the index) count once.
    'SELECT count(*)::int AS n FROM (SELECT DISTINCT source_issue_id, source_project_id FROM written) AS keys',
  ].join('\n');
}

/** Without a unique index, step 2: insert keys that are not there yet; answers how many. */
export function insertMissingSql(hasDisplayId: boolean): string {
  return [
    'WITH written AS (',
    `INSERT INTO ${qualified(DIM_ISSUE)} (${insertColumns(hasDisplayId).join(', ')})`,
    `SELECT ${insertSelect(hasDisplayId)} FROM ${STAGING} AS s`,
    `WHERE NOT EXISTS (SELECT 1 FROM ${qualified(DIM_ISSUE)} AS t WHERE ${keyMatch('t', 's')})`,
    'RETURNING 1)',
    'SELECT count(*)::int AS n FROM written',
  ].join('\n');
}

/** The unique index on exactly the target key (valid, not partial, no expressions), if any. */
export const UNIQUE_KEY_INDEX_SQL = `
SELECT i.indexrelid::regclass::text AS name
  FROM pg_index i
 WHERE i.indrelid = to_regclass($1)
   AND i.indisunique AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL
   AND i.indnkeyatts = $2
   AND (SELECT array_agg(a.attname::text ORDER BY a.attname::text)
          FROM pg_attribute a
         WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey[0:i.indnkeyatts - 1])) = $3::text[]
 ORDER BY 1
 LIMIT 1`;

/** Parameters of UNIQUE_KEY_INDEX_SQL. */
export const UNIQUE_KEY_INDEX_PARAMS = [qualified(DIM_ISSUE), TARGET_KEY.length, [...TARGET_KEY].sort()];

/** The latest successful ACC import run (the seed's query, plus a tie-breaker). */
export const LATEST_IMPORT_RUN_SQL = `
SELECT import_run_id, created_at
  FROM ${qualified(IMPORT_RUNS)}
 WHERE source_system = $1 AND status = $2
 ORDER BY created_at DESC, import_run_id DESC
 LIMIT 1`;

/** The mapped ACC issues (COPY has no parameters: constants only). */
export const READ_VIEW_SQL = `SELECT issue_key::text, acc_issue_number::text, acc_issue_uuid::text, source_project_id::text, acc_title::text FROM ${qualified(ACC_VIEW)}`;

/** The ACC rows of dim.issue (COPY has no parameters: constants only). */
export function readAccRowsSql(hasDisplayId: boolean): string {
  return `SELECT source_issue_id::text, source_project_id::text, issue_bk::text, title::text, ${hasDisplayId ? `${DISPLAY_ID_COLUMN}::text` : 'NULL::text'}, import_run_id::text FROM ${qualified(DIM_ISSUE)} WHERE source_system = '${ACC_SYSTEM}'`;
}

/** The keys of the ACC rows of dim.issue (COPY has no parameters: constants only). */
export const READ_ACC_KEYS_SQL = `SELECT source_issue_id::text, source_project_id::text FROM ${qualified(DIM_ISSUE)} WHERE source_system = '${ACC_SYSTEM}'`;

/** Number of ACC rows in dim.issue. */
export const COUNT_ACC_SQL = `SELECT count(*)::bigint AS n FROM ${qualified(DIM_ISSUE)} WHERE source_system = $1`;
