/**
 * From rows of `dbo.vw_acc_issue_id_map` to the values written to `dim.issue`, with every bad row
 * reported and the good ones going on: a missing or malformed UUID, number or project, a value
 * longer than its `dim.issue` column allows, or a key that appears twice with different values
 * (all its rows are rejected: which one is right is for the operator to decide). Exact duplicate
 * rows are kept once and counted.
 *
 * `source_issue_id` is the UUID as the source gives it as text (as the seed's `str(acc_uuid)`), so
 * it matches rows the warehouse ETL loaded from the same database; `issue_bk` is the ACC number.
 */
import { accDisplayId } from '../../targets/warehouse/display-id.js';
import type { AccSourceRow, ColumnInfo, DimIssueValues } from '../../targets/warehouse/types.js';

/** A source row that is not written, and why. */
export interface SourceReject {
  issue_key: string | null;
  acc_issue_uuid: string | null;
  source_project_id: string | null;
  reason: string;
}

/** The outcome of validating the source. */
export interface SourceRows {
  /** Rows read from the view. */
  read: number;
  /** Valid rows, one per key, in key order. */
  values: DimIssueValues[];
  /** Every rejected row (callers keep a bounded sample in results). */
  rejects: SourceReject[];
  /** Exact duplicate rows dropped (same key, same values). */
  duplicates: number;
}

const UUID = /^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i;
const NUMBER = /^\d{1,18}$/;

/** The key of a row in a database that compares keys exactly or case-insensitively. */
export function keyOf(sourceIssueId: string, sourceProjectId: string, comparison: 'exact' | 'case-insensitive' = 'exact'): string {
  const key = `${sourceIssueId}\u0000${sourceProjectId}`;
  return comparison === 'exact' ? key : key.toLowerCase();
}

/** Validates and de-duplicates the view's rows against the limits of `dim.issue`'s columns. */
export class SourceRowCollector {
  private readonly byKey = new Map<string, { values: DimIssueValues; row: AccSourceRow; conflict: boolean; rows: AccSourceRow[] }>();
  private readonly rejects: SourceReject[] = [];
  private read = 0;
  private duplicates = 0;

  constructor(
    private readonly columns: ReadonlyMap<string, ColumnInfo>,
    private readonly hasDisplayId: boolean,
    private readonly comparison: 'exact' | 'case-insensitive' = 'exact',
  ) {}

  /** Adds one row of the view. */
  add(row: AccSourceRow): void {
    this.read++;
    const problem = this.problemOf(row);
    if (problem) {
      this.reject(row, problem);
      return;
    }
    const values = toValues(row);
    const tooLong = this.tooLong(values);
    if (tooLong) {
      this.reject(row, tooLong);
      return;
    }
    const key = keyOf(values.sourceIssueId, values.sourceProjectId, this.comparison);
    const seen = this.byKey.get(key);
    if (!seen) {
      this.byKey.set(key, { values, row, conflict: false, rows: [row] });
    } else if (!seen.conflict && sameValues(seen.values, values)) {
      this.duplicates++;
    } else {
      seen.conflict = true;
      seen.rows.push(row);
    }
  }

  /** The valid rows in key order, and every reject. */
  finish(): SourceRows {
    const values: DimIssueValues[] = [];
    for (const entry of this.byKey.values()) {
      if (!entry.conflict) {
        values.push(entry.values);
        continue;
      }
      const numbers = [...new Set(entry.rows.map((row) => row.number?.trim()))].join(', ');
      for (const row of entry.rows) {
        this.reject(row, `acc_issue_uuid ${row.uuid?.trim()} appears ${entry.rows.length} times in project ${row.projectId?.trim()} with different values (numbers ${numbers}); fix the mapping so each ACC issue has one row`);
      }
    }
    values.sort(compareValues);
    return { read: this.read, values, rejects: this.rejects, duplicates: this.duplicates };
  }

  private problemOf(row: AccSourceRow): string | undefined {
    const uuid = row.uuid?.trim();
    if (!uuid) return 'acc_issue_uuid is empty';
    if (!UUID.test(uuid)) return `acc_issue_uuid ${JSON.stringify(uuid)} is not a UUID`;
    const number = row.number?.trim();
    if (!number) return 'acc_issue_number is empty (the view should list mapped issues only)';
    if (!NUMBER.test(number) || BigInt(number) === 0n) return `acc_issue_number ${JSON.stringify(number)} is not a positive whole number`;
    if (!row.projectId?.trim()) return 'source_project_id is empty';
    return undefined;
  }

  private tooLong(values: DimIssueValues): string | undefined {
    const checks: [string, string | null][] = [
      ['source_issue_id', values.sourceIssueId],
      ['source_project_id', values.sourceProjectId],
      ['issue_bk', values.issueBk],
      ['title', values.title],
      ...(this.hasDisplayId ? ([['display_id', values.displayId]] as [string, string][]) : []),
    ];
    for (const [column, value] of checks) {
      const max = this.columns.get(column)?.maxLength;
      if (value !== null && max && max > 0 && [...value].length > max) return `${column} is ${[...value].length} characters long; dim.issue.${column} holds at most ${max}`;
    }
    return undefined;
  }

  private reject(row: AccSourceRow, reason: string): void {
    this.rejects.push({ issue_key: row.issueKey, acc_issue_uuid: row.uuid, source_project_id: row.projectId, reason });
  }
}

function toValues(row: AccSourceRow): DimIssueValues {
  const uuid = row.uuid!.trim();
  const number = BigInt(row.number!.trim()).toString();
  return { sourceIssueId: uuid, sourceProjectId: row.projectId!.trim(), issueBk: number, title: row.title, displayId: accDisplayId(number, uuid) };
}

function sameValues(a: DimIssueValues, b: DimIssueValues): boolean {
  return a.issueBk === b.issueBk && a.title === b.title && a.displayId === b.displayId;
}

/** Key order (project, then issue), by UTF-16 code units: stable across runs, so batches are too. */
export function compareValues(a: DimIssueValues, b: DimIssueValues): number {
  if (a.sourceProjectId !== b.sourceProjectId) return a.sourceProjectId < b.sourceProjectId ? -1 : 1;
  if (a.sourceIssueId !== b.sourceIssueId) return a.sourceIssueId < b.sourceIssueId ? -1 : 1;
  return 0;
}
