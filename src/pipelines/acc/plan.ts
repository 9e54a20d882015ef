/**
 * The backfill's plan, as pure functions: each valid source row against the ACC rows of
 * `dim.issue` — `insert` when its key is missing, `update` when any written value differs
 * (`issue_bk`, `title`, `display_id` where the warehouse has it, `import_run_id`), else `unchanged`.
 * The database makes the same comparison when it writes, so the dry run's counts are what an apply
 * writes (unless someone else writes in between).
 *
 * The source rows are held (they are what gets written); the warehouse's rows are streamed past
 * them and only what they say about each source row is kept (present, differing fields, a hash for
 * the plan id), so memory grows with the source alone.
 */
import type { DimIssueState, DimIssueValues } from '../../targets/warehouse/types.js';

/** What the backfill does with one row. */
export type AccAction = 'insert' | 'update' | 'unchanged';

/** One row to write, with the fields that differ for an update. */
export interface PlannedRow {
  action: Exclude<AccAction, 'unchanged'>;
  values: DimIssueValues;
  /** For updates: the written fields whose value differs. */
  changed?: string[];
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

/** The compared fields, as bits of a row's difference mask. */
const FIELDS = ['issue_bk', 'title', 'display_id', 'import_run_id'] as const;
const PRESENT = 0x10;
const REPEATED = 0x20;

/**
 * The source rows and, for each, what dim.issue holds: fed the warehouse's ACC rows one by one
 * (`add`), it records per source row whether a row with its key is there, which fields differ, and
 * a hash of the values found; rows of dim.issue that match no source row are only counted.
 */
export class Comparison {
  /** Per source row: PRESENT, REPEATED, and one bit per differing field. */
  readonly marks: Uint8Array;
  /** Per source row: a 53-bit hash of the values found in dim.issue (0 when absent). */
  readonly found: Float64Array;
  /** ACC rows of dim.issue fed in. */
  accRows = 0;
  /** ACC rows of dim.issue whose key is not among the source rows. */
  notInMap = 0;
  /** Keys with more than one ACC row in dim.issue. */
  duplicateKeys = 0;
  private readonly byIssue = new Map<string, number | number[]>();

  constructor(
    readonly values: readonly DimIssueValues[],
    private readonly importRunId: string,
    private readonly hasDisplayId: boolean,
    private readonly comparison: 'exact' | 'case-insensitive' = 'exact',
  ) {
    this.marks = new Uint8Array(values.length);
    this.found = new Float64Array(values.length);
    values.forEach((row, index) => {
      const id = this.fold(row.sourceIssueId);
      const entry = this.byIssue.get(id);
      if (entry === undefined) this.byIssue.set(id, index);
      else if (Array.isArray(entry)) entry.push(index);
      else this.byIssue.set(id, [entry, index]);
    });
  }

  /** Takes one ACC row of dim.issue into account. */
  add(row: DimIssueState): void {
    this.accRows++;
    const index = this.indexOf(row);
    if (index === undefined) {
      this.notInMap++;
      return;
    }
    const values = this.values[index]!;
    const current = [row.issueBk, row.title, this.hasDisplayId ? row.displayId : null, row.importRunId];
    const desired = [values.issueBk, values.title, this.hasDisplayId ? values.displayId : null, this.importRunId];
    let mask = PRESENT;
    for (let field = 0; field < FIELDS.length; field++) if (current[field] !== desired[field]) mask |= 1 << field;
    const before = this.marks[index]!;
    if (before & PRESENT) {
      if (!(before & REPEATED)) this.duplicateKeys++;
      // Every row of a repeated key is written alike: any difference makes it an update.
      this.marks[index] = before | mask | REPEATED;
      return;
    }
    this.marks[index] = mask;
    this.found[index] = hashValues(current);
  }

  /** Takes one key of dim.issue into account (presence only: for a gap report after writing). */
  addKey(row: Pick<DimIssueState, 'sourceIssueId' | 'sourceProjectId'>): void {
    this.accRows++;
    const index = this.indexOf(row);
    if (index === undefined) {
      this.notInMap++;
      return;
    }
    const before = this.marks[index]!;
    if (before & PRESENT && !(before & REPEATED)) this.duplicateKeys++;
    this.marks[index] = before & PRESENT ? before | REPEATED : PRESENT;
  }

  /** Whether source row `index` has a row in dim.issue. */
  present(index: number): boolean {
    return (this.marks[index]! & PRESENT) !== 0;
  }

  /** The fields of source row `index` that differ in dim.issue ([] when equal or absent). */
  changed(index: number): string[] {
    const mask = this.marks[index]!;
    return FIELDS.filter((_, field) => mask & (1 << field));
  }

  private indexOf(row: Pick<DimIssueState, 'sourceIssueId' | 'sourceProjectId'>): number | undefined {
    const entry = this.byIssue.get(this.fold(row.sourceIssueId));
    if (entry === undefined) return undefined;
    const same = (index: number) => {
      const project = this.values[index]!.sourceProjectId;
      return this.comparison === 'exact' ? project === row.sourceProjectId : project.toLowerCase() === row.sourceProjectId.toLowerCase();
    };
    if (!Array.isArray(entry)) return same(entry) ? entry : undefined;
    return entry.find(same);
  }

  private fold(id: string): string {
    return this.comparison === 'exact' ? id : id.toLowerCase();
  }
}

/** Plans the backfill from a comparison (every dim.issue row fed in). */
export function planBackfill(comparison: Comparison): AccPlan {
  const writes: PlannedRow[] = [];
  let inserted = 0;
  let updated = 0;
  comparison.values.forEach((values, index) => {
    if (!comparison.present(index)) {
      writes.push({ action: 'insert', values });
      inserted++;
      return;
    }
    const changed = comparison.changed(index);
    if (changed.length) {
      writes.push({ action: 'update', values, changed });
      updated++;
    }
  });
  return { writes, inserted, updated, unchanged: comparison.values.length - inserted - updated, duplicateTargetKeys: comparison.duplicateKeys };
}

/** A 53-bit hash of a row's values (two 32-bit FNV-1a variants combined; null differs from ''). */
export function hashValues(values: readonly (string | null)[]): number {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (const value of values) {
    if (value === null) {
      a = Math.imul(a ^ 0x1ff, 0x01000193);
      b = Math.imul(b ^ 0x1ff, 0x5bd1e995);
      continue;
    }
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      a = Math.imul(a ^ code, 0x01000193);
      b = Math.imul(b ^ code, 0x5bd1e995);
    }
    a = Math.imul(a ^ 0x1fe, 0x01000193);
    b = Math.imul(b ^ 0x1fe, 0x5bd1e995);
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff) + 1;
}
