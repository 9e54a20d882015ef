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
const ZERO = /^0+$/;
const LEADING_ZEROS = /^0+(?=\d)/;

/** A valid row waiting for de-duplication (by sorting: rows of one key end up side by side). */
interface Entry {
  values: DimIssueValues;
  issueKey: string | null;
  /** The order key folded to lower case, where the warehouse compares keys case-insensitively. */
  folded?: string;
}

/**
 * Validates and de-duplicates the view's rows against the limits of `dim.issue`'s columns. Rows are
 * kept in an array and de-duplicated by sorting (no per-row map of keys: 100,000 rows stay small).
 */
export class SourceRowCollector {
  private entries: Entry[] = [];
  /** Project ids, each kept once (a few dozen projects share 100,000 rows). */
  private readonly projects = new Map<string, string>();
  private readonly rejects: SourceReject[] = [];
  private readonly limits: [keyof DimIssueValues, string, number][];
  private read = 0;
  private duplicates = 0;

  constructor(
    columns: ReadonlyMap<string, ColumnInfo>,
    hasDisplayId: boolean,
    private readonly comparison: 'exact' | 'case-insensitive' = 'exact',
  ) {
    const fields: [keyof DimIssueValues, string][] = [
      ['sourceIssueId', 'source_issue_id'],
      ['sourceProjectId', 'source_project_id'],
      ['issueBk', 'issue_bk'],
      ['title', 'title'],
      ...(hasDisplayId ? ([['displayId', 'display_id']] as [keyof DimIssueValues, string][]) : []),
    ];
    this.limits = fields.flatMap(([field, column]) => {
      const max = columns.get(column)?.maxLength;
      return max && max > 0 ? [[field, column, max] as [keyof DimIssueValues, string, number]] : [];
    });
  }

  /** Adds one row of the view. */
  add(row: AccSourceRow): void {
    this.read++;
    const problem = problemOf(row);
    if (problem) {
      this.reject(row, problem);
      return;
    }
    const values = toValues(row, this.projects);
    const tooLong = this.limits.length ? this.tooLong(values) : undefined;
    if (tooLong) {
      this.reject(row, tooLong);
      return;
    }
    const entry: Entry = { values, issueKey: row.issueKey };
    if (this.comparison === 'case-insensitive') entry.folded = foldedOrderKey(values);
    this.entries.push(entry);
  }

  /** The valid rows in key order, one per key, and every reject. */
  finish(): SourceRows {
    const entries = this.entries;
    this.entries = [];
    entries.sort(this.comparison === 'exact' ? (a, b) => compareValues(a.values, b.values) : (a, b) => (a.folded! < b.folded! ? -1 : a.folded! > b.folded! ? 1 : 0));
    const values: DimIssueValues[] = [];
    for (let start = 0; start < entries.length; ) {
      let end = start + 1;
      while (end < entries.length && this.sameKey(entries[start]!, entries[end]!)) end++;
      if (end === start + 1) values.push(entries[start]!.values);
      else this.keep(entries.slice(start, end), values);
      start = end;
    }
    return { read: this.read, values, rejects: this.rejects, duplicates: this.duplicates };
  }

  /** One key's rows: kept once when they agree, all rejected when they do not. */
  private keep(group: Entry[], values: DimIssueValues[]): void {
    const first = group[0]!.values;
    if (group.every((entry) => sameValues(entry.values, first))) {
      values.push(first);
      this.duplicates += group.length - 1;
      return;
    }
    const numbers = [...new Set(group.map((entry) => entry.values.issueBk))].join(', ');
    for (const { values: v, issueKey } of group) {
      this.reject(
        { issueKey, number: v.issueBk, uuid: v.sourceIssueId, projectId: v.sourceProjectId, title: v.title },
        `acc_issue_uuid ${v.sourceIssueId} appears ${group.length} times in project ${v.sourceProjectId} with different values (numbers ${numbers}); fix the mapping so each ACC issue has one row`,
      );
    }
  }

  private sameKey(a: Entry, b: Entry): boolean {
    return this.comparison === 'exact' ? compareValues(a.values, b.values) === 0 : a.folded === b.folded;
  }

  private tooLong(values: DimIssueValues): string | undefined {
    for (const [field, column, max] of this.limits) {
      const value = values[field];
      // UTF-16 length ≥ characters: count characters only when the quick check fails.
      if (value === null || value.length <= max) continue;
      const characters = [...value].length;
      if (characters > max) return `${column} is ${characters} characters long; dim.issue.${column} holds at most ${max}`;
    }
    return undefined;
  }

  private reject(row: AccSourceRow, reason: string): void {
    this.rejects.push({ issue_key: row.issueKey, acc_issue_uuid: row.uuid, source_project_id: row.projectId, reason });
  }
}

function problemOf(row: AccSourceRow): string | undefined {
  const uuid = row.uuid?.trim();
  if (!uuid) return 'acc_issue_uuid is empty';
  if (!UUID.test(uuid)) return `acc_issue_uuid ${JSON.stringify(uuid)} is not a UUID`;
  const number = row.number?.trim();
  if (!number) return 'acc_issue_number is empty (the view should list mapped issues only)';
  if (!NUMBER.test(number) || ZERO.test(number)) return `acc_issue_number ${JSON.stringify(number)} is not a positive whole number`;
  if (!row.projectId?.trim()) return 'source_project_id is empty';
  return undefined;
}

function toValues(row: AccSourceRow, projects: Map<string, string>): DimIssueValues {
  const uuid = row.uuid!.trim();
  const number = row.number!.trim().replace(LEADING_ZEROS, '');
  return { sourceIssueId: uuid, sourceProjectId: intern(projects, row.projectId!.trim()), issueBk: number, title: row.title, displayId: accDisplayId(number, uuid) };
}

/** The one copy of `value` kept in `pool`. */
export function intern(pool: Map<string, string>, value: string): string {
  const kept = pool.get(value);
  if (kept !== undefined) return kept;
  pool.set(value, value);
  return value;
}

function sameValues(a: DimIssueValues, b: DimIssueValues): boolean {
  return a.issueBk === b.issueBk && a.title === b.title && a.displayId === b.displayId;
}

/**
 * Key order (issue id, then project — the order of the unique index after source_system, so each
 * batch lands in one stretch of it), by UTF-16 code units: stable across runs, so batches are too.
 */
export function compareValues(a: DimIssueValues, b: DimIssueValues): number {
  if (a.sourceIssueId !== b.sourceIssueId) return a.sourceIssueId < b.sourceIssueId ? -1 : 1;
  if (a.sourceProjectId !== b.sourceProjectId) return a.sourceProjectId < b.sourceProjectId ? -1 : 1;
  return 0;
}

function foldedOrderKey(values: DimIssueValues): string {
  return `${values.sourceIssueId}\u0000${values.sourceProjectId}`.toLowerCase();
}

/** The key order of rows for a warehouse that compares keys exactly or case-insensitively. */
export function keyOrder(comparison: 'exact' | 'case-insensitive'): (a: DimIssueValues, b: DimIssueValues) => number {
  if (comparison === 'exact') return compareValues;
  return (a, b) => {
    const x = foldedOrderKey(a);
    const y = foldedOrderKey(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
}
