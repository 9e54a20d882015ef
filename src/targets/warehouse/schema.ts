/**
 * The database objects the ACC backfill reads and writes, and the columns it uses: one list, so the
 * preflight checks exactly what the statements touch. Names are fixed by the runbook (DESIGN §5).
 */

/** The ProjectManagement view of mapped ACC issues (source). */
export const ACC_VIEW = { schema: 'dbo', name: 'vw_acc_issue_id_map' } as const;
/** The warehouse issue dimension (target). */
export const DIM_ISSUE = { schema: 'dim', name: 'issue' } as const;
/** The warehouse's import runs (the backfill stamps the latest successful ACC run). */
export const IMPORT_RUNS = { schema: 'fact', name: 'issue_import_runs' } as const;

/** A table or view, schema-qualified. */
export interface DbObject {
  readonly schema: string;
  readonly name: string;
}

/** `schema.name`. */
export function qualified(object: DbObject): string {
  return `${object.schema}.${object.name}`;
}

/** Columns of the view the backfill reads. */
export const VIEW_COLUMNS = ['issue_key', 'acc_issue_number', 'acc_issue_uuid', 'source_project_id', 'acc_title'] as const;

/** Columns of `dim.issue` the backfill writes or matches on (`display_id` is optional). */
export const DIM_ISSUE_COLUMNS = [
  'source_system',
  'source_issue_id',
  'source_project_id',
  'issue_bk',
  'title',
  'import_run_id',
  'created_at',
  'updated_at',
  'current_flag',
] as const;

/** The optional column that receives display ids when the warehouse has it. */
export const DISPLAY_ID_COLUMN = 'display_id';

/** Columns of `fact.issue_import_runs` the backfill reads. */
export const IMPORT_RUN_COLUMNS = ['import_run_id', 'source_system', 'status', 'created_at'] as const;

/** The target key of `dim.issue`. */
export const TARGET_KEY = ['source_system', 'source_issue_id', 'source_project_id'] as const;

/** `source_system` of ACC rows, and the import run status that counts as successful (the seed's). */
export const ACC_SYSTEM = 'ACC';
export const SUCCESS_STATUS = 'Success';
