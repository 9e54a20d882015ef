/**
 * The backfill as a mapper over the engine's one plan-and-apply: each planned row (see
 * plan-rows.ts) becomes a plan item keyed by its issue (`ISS-123` or DON), whose payload is the
 * creator group, compared with the issue's current value. The plan id covers the rows' resolved
 * groups (inputs) and the issues' current values (target), so a changed CSV, mapping or DevRev
 * makes an approved plan stale.
 */
import { composePlan, planRecords, type RecordMapper, type RecordPlanData } from '../../engine/plan-apply.js';
import type { ComputedPlan } from '../../engine/plan.js';
import type { CreatorGroupPayload, IssueIndex, IssueState } from '../../targets/devrev/target.js';
import { planRows, type PlannedRow, type PlanNotes, type PlanRowsOptions } from './plan-rows.js';
import type { Resolution } from './resolve-group.js';
import type { BackfillRow } from './rows.js';

export const BACKFILL_TOOL = 'devrev_backfill';

/** The plan of a backfill and what went into it. */
export interface BackfillPlan {
  plan: ComputedPlan<RecordPlanData<CreatorGroupPayload>>;
  planned: PlannedRow[];
  notes: PlanNotes;
}

/** The record mapper of planned rows, for a tenant field `field`. */
export function backfillMapper(issues: IssueIndex, field: string): RecordMapper<PlannedRow, CreatorGroupPayload, IssueState> {
  return {
    kind: 'issue',
    key: (planned) => planned.row.key,
    payload: (planned) => ({ value: planned.value ?? '' }),
    source: (planned) => planned.row.source,
    skipReason: (planned) => (planned.action === 'skip' ? (planned.reason ?? 'skipped') : undefined),
    current: (_planned, key) => issues.get(key),
    idOf: (issue) => issue.id,
    changes: (desired, issue) => (issue.value === desired.value ? [] : [field]),
    facts: (issue) => issue.value ?? null,
  };
}

/** Plans every row against the issues' current values. */
export function planBackfill(
  rows: readonly BackfillRow[],
  resolve: (row: BackfillRow) => Resolution,
  issues: IssueIndex,
  field: string,
  options: PlanRowsOptions = {},
): BackfillPlan {
  const { planned, notes } = planRows(rows, resolve, issues, options);
  const plan = composePlan(BACKFILL_TOOL, [planRecords(planned, backfillMapper(issues, field), { system: 'DevRev' })], {
    variant: `${field}${options.overwrite ? ':overwrite' : ''}`,
  });
  return { plan, planned, notes };
}
