/**
 * The backfill's plan, as a pure function: each valid source row against the ACC rows of
 * `dim.issue` — `insert` when its key is missing, `update` when any written value differs
 * (`issue_bk`, `title`, `display_id` where the warehouse has it, `import_run_id`), else `unchanged`.
 * The database makes the same comparison when it writes, so the dry run's counts are what an apply
 * writes (unless someone else writes in between).
 */
import type { DimIssueState, DimIssueValues } from '../../targets/warehouse/types.js';
import { keyOf } from './source-rows.js';

/** What the backfill does with one row. */
export type AccAction = 'insert' | 'update' | 'unchanged';

/** One row to write, with the fields that differ for an update. */
export interface PlannedRow {
  action: Exclude<AccAction, 'unchanged'>;
  values: DimIssueValues;
  /** For updates: field → [current, new]. */
  changes?: Record<string, [string | null, string | null]>;
}

/** The plan of one backfill. */
export interface AccPlan {
  /** Rows to write (inserts and updates), in key order. */
  writes: PlannedRow[];
  inserted: number;
  updated: number;
  unchanged: number;
  /** Keys that have more than one ACC row in dim.issue (possible only without the unique index). */
  duplicateTargetKeys: number;
}

/** Indexes the ACC rows of dim.issue by key (first row wins; repeats are counted). */
export class TargetIndex {
  readonly rows = new Map<string, DimIssueState>();
  duplicateKeys = 0;
  private readonly repeated = new Set<string>();

  constructor(private readonly comparison: 'exact' | 'case-insensitive' = 'exact') {}

  add(row: DimIssueState): void {
    const key = keyOf(row.sourceIssueId, row.sourceProjectId, this.comparison);
    if (!this.rows.has(key)) {
      this.rows.set(key, row);
    } else if (!this.repeated.has(key)) {
      this.repeated.add(key);
      this.duplicateKeys++;
    }
  }

  get(values: DimIssueValues): DimIssueState | undefined {
    return this.rows.get(keyOf(values.sourceIssueId, values.sourceProjectId, this.comparison));
  }
}

/** Plans the backfill of `source` (valid, de-duplicated rows) against the target's ACC rows. */
export function planBackfill(source: readonly DimIssueValues[], target: TargetIndex, importRunId: string | number, hasDisplayId: boolean): AccPlan {
  const runId = String(importRunId);
  const writes: PlannedRow[] = [];
  let inserted = 0;
  let updated = 0;
  let unchanged = 0;
  for (const values of source) {
    const current = target.get(values);
    if (!current) {
      writes.push({ action: 'insert', values });
      inserted++;
      continue;
    }
    const changes = differences(current, values, runId, hasDisplayId);
    if (changes) {
      writes.push({ action: 'update', values, changes });
      updated++;
    } else {
      unchanged++;
    }
  }
  return { writes, inserted, updated, unchanged, duplicateTargetKeys: target.duplicateKeys };
}

/** The written fields whose current value differs, or undefined when none does. */
export function differences(current: DimIssueState, values: DimIssueValues, importRunId: string, hasDisplayId: boolean): Record<string, [string | null, string | null]> | undefined {
  const pairs: [string, string | null, string | null][] = [
    ['issue_bk', current.issueBk, values.issueBk],
    ['title', current.title, values.title],
    ...(hasDisplayId ? ([['display_id', current.displayId, values.displayId]] as [string, string | null, string | null][]) : []),
    ['import_run_id', current.importRunId, importRunId],
  ];
  let changes: Record<string, [string | null, string | null]> | undefined;
  for (const [field, from, to] of pairs) {
    if (from !== to) (changes ??= {})[field] = [from, to];
  }
  return changes;
}
