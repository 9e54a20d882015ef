/**
 * Backfill rows: the columns a source (CSV file or Snowflake result) must provide, and the
 * validation of one row, after the seed's rules — `issue_id`, `creator_user_id`, `assigned_group`
 * required, `creator_group` optional (empty: resolved from the creator's group). An issue id must
 * look like a DevRev work reference (`ISS-123` or a `don:core:…` id). A bad row becomes an invalid
 * row with its line (or result row number) and a reason; the rest go on.
 */
import type { CsvColumnSpec } from '../../sources/csv/index.js';
import { refKey } from '../../targets/devrev/fields.js';

/** Canonical fields of a backfill row. */
export type BackfillField = 'issue_id' | 'creator_user_id' | 'assigned_group' | 'creator_group';

/** Columns of the backfill input and the header names accepted for each. */
export const BACKFILL_COLUMNS: CsvColumnSpec<BackfillField> = {
  aliases: {
    issue_id: ['issue', 'issue id', 'work id', 'display id', 'ticket id'],
    creator_user_id: ['creator', 'creator id', 'created by', 'creator user', 'user id'],
    assigned_group: ['group', 'assigned group', 'owner group'],
    creator_group: ['creator group'],
  },
  required: ['issue_id', 'creator_user_id', 'assigned_group'],
};

/** Where a row came from: file and line, or the query and result row. */
export interface RowSource {
  /** CSV path, or `snowflake:<statement handle>`. */
  file: string;
  /** Physical line (CSV, header = 1) or 1-based result row (Snowflake, as line 1 + row). */
  line: number;
}

/** A valid row. */
export interface BackfillRow {
  /** The issue id as written. */
  issueId: string;
  /** The issue's key: DONs as they are, display ids in upper case. */
  key: string;
  creatorUserId: string;
  assignedGroup: string;
  /** The creator group given by the row, or undefined (to be resolved). */
  creatorGroup: string | undefined;
  source: RowSource;
}

/** A row that cannot be used, and why. */
export interface InvalidRow {
  source: RowSource;
  reason: string;
  /** The row as read (truncated), for the operator. */
  raw: string;
}

/** Longest value accepted in any column. */
const MAX_VALUE = 256;
const ISSUE_REF = /^(?:[A-Za-z]{2,10}-\d+|don:core:\S+)$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Validates one record (canonical field → trimmed value). */
export function validateRow(record: Record<BackfillField, string>, source: RowSource, raw: string): BackfillRow | InvalidRow {
  const problems: string[] = [];
  for (const field of BACKFILL_COLUMNS.required) {
    if (!record[field]) problems.push(`${field} is empty`);
  }
  for (const field of ['issue_id', 'creator_user_id', 'assigned_group', 'creator_group'] as const) {
    const value = record[field];
    if (value.length > MAX_VALUE) problems.push(`${field} is longer than ${MAX_VALUE} characters`);
    else if (CONTROL.test(value)) problems.push(`${field} contains a control character`);
  }
  if (record.issue_id && !ISSUE_REF.test(record.issue_id)) {
    problems.push(`issue_id '${record.issue_id}' is not a DevRev issue id (expected a display id such as ISS-123, or a don:core:… id)`);
  }
  if (/\s/.test(record.creator_user_id)) problems.push(`creator_user_id '${record.creator_user_id}' contains spaces`);
  if (problems.length > 0) return { source, reason: problems.join('; '), raw };
  return {
    issueId: record.issue_id,
    key: refKey(record.issue_id),
    creatorUserId: record.creator_user_id,
    assignedGroup: record.assigned_group,
    creatorGroup: record.creator_group || undefined,
    source,
  };
}

/** Whether a validation outcome is a valid row. */
export function isValidRow(row: BackfillRow | InvalidRow): row is BackfillRow {
  return 'key' in row;
}
