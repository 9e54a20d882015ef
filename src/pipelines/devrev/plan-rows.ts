/**
 * The backfill's planner, a pure function from rows, their resolved groups and the issues' current
 * values to one action per row:
 * - `update`: the issue lacks the value (or holds another one and `overwrite` is on);
 * - `unchanged`: the issue already holds the value — no write;
 * - `skip` with a reason: no group could be resolved, the issue is not visible in DevRev, or it
 *   holds a different group and `overwrite` is off (a backfill fills gaps; it does not rewrite).
 * Integrity notes ride along: a row whose creator is a DevRev user id that is not the issue's
 * creator is planned as asked but counted (`creator_mismatch`), since the input may be stale.
 */
import { canonicalJson, sha256 } from '../../engine/canonical-hash.js';
import { refKey } from '../../targets/devrev/fields.js';
import type { IssueIndex } from '../../targets/devrev/target.js';
import type { Resolution, ResolvedVia } from './resolve-group.js';
import type { BackfillRow } from './rows.js';

/** What the plan does with a row. */
export type RowAction = 'update' | 'unchanged' | 'skip';

/** One planned row. */
export interface PlannedRow {
  row: BackfillRow;
  action: RowAction;
  /** The DevRev id (DON) of the issue, when found. */
  targetId: string | null;
  /** The value to hold (resolved group), when resolved. */
  value: string | null;
  /** The value the issue holds now. */
  current: string | null;
  via: ResolvedVia | null;
  /** Why a row is skipped. */
  reason: string | null;
  /** SHA-256 of (issue key, value): what "done" means for this row. */
  contentHash: string;
}

/** Options of {@link planRows}. */
export interface PlanRowsOptions {
  /** Replace a different creator group an issue already holds. @default false */
  overwrite?: boolean;
}

/** Counts that go with a plan. */
export interface PlanNotes {
  /** Rows whose creator (a DevRev user id) is not the issue's creator. */
  creatorMismatch: number;
  /** Distinct creators resolved from DevRev who are in several groups. */
  multiGroupUsers: number;
  /** Rows resolved per source. */
  resolvedVia: Record<ResolvedVia, number>;
}

const DEVREV_USER = /^(?:DEVU-\d+|don:identity:\S+)$/i;

/** The content hash of a row's desired state. */
export function rowHash(key: string, value: string | null): string {
  return sha256(canonicalJson({ key, value }));
}

/** Plans every row against the issues' current values. */
export function planRows(
  rows: readonly BackfillRow[],
  resolve: (row: BackfillRow) => Resolution,
  issues: IssueIndex,
  options: PlanRowsOptions = {},
): { planned: PlannedRow[]; notes: PlanNotes } {
  const notes: PlanNotes = { creatorMismatch: 0, multiGroupUsers: 0, resolvedVia: { row: 0, mapping: 0, devrev: 0 } };
  const multi = new Set<string>();
  const planned = rows.map((row): PlannedRow => {
    const resolution = resolve(row);
    const issue = issues.get(row.key);
    const base = { row, targetId: issue?.id ?? null, current: issue?.value ?? null, via: null, value: null, reason: null };
    if (resolution.kind !== 'resolved') {
      const reason = resolution.kind === 'unresolved' ? resolution.reason : 'the creator group needs the DevRev group directory, which was not read';
      return { ...base, action: 'skip', reason, contentHash: rowHash(row.key, null) };
    }
    const { value, via } = resolution;
    notes.resolvedVia[via] += 1;
    if (via === 'devrev' && (resolution.candidates ?? 1) > 1) multi.add(refKey(row.creatorUserId));
    const item = { ...base, value, via, contentHash: rowHash(row.key, value) };
    if (!issue) {
      return { ...item, action: 'skip', reason: `issue ${row.issueId} was not found in DevRev (or this token cannot see it)` };
    }
    if (DEVREV_USER.test(row.creatorUserId) && !issue.creatorKeys.includes(refKey(row.creatorUserId))) notes.creatorMismatch += 1;
    if (issue.value === value) return { ...item, action: 'unchanged' };
    if (issue.value !== undefined && !options.overwrite) {
      return { ...item, action: 'skip', reason: `issue ${row.issueId} already holds creator group '${issue.value}'; not overwritten (pass overwrite: true to replace it)` };
    }
    return { ...item, action: 'update' };
  });
  notes.multiGroupUsers = multi.size;
  return { planned, notes };
}
