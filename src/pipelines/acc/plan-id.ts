/**
 * The backfill's plan as the engine records it: its id covers the inputs (every valid source row,
 * the import run stamped, whether display ids are written) and the target state each row was
 * compared with, so an approved plan is refused as stale when either changed. Only the writes are
 * stored as plan items (an unchanged row is the absence of an item).
 */
import { createHash } from 'node:crypto';
import { makePlan, type ComputedPlan } from '../../engine/plan.js';
import type { PlanItem } from '../../engine/ledger/plan-store.js';
import type { DimIssueValues, ImportRun } from '../../targets/warehouse/types.js';
import type { AccPlan, TargetIndex } from './plan.js';

/** What a stored plan item carries. */
export interface AccPlanItemData {
  display_id: string;
  source_project_id: string;
  source_issue_id: string;
  changed?: string[];
}

/** The plan item key of a row: `<source_project_id>/<source_issue_id>`. */
export function itemKey(values: DimIssueValues): string {
  return `${values.sourceProjectId}/${values.sourceIssueId}`;
}

/** Builds the engine plan (id, hashes, write items) of an ACC backfill plan. */
export function composeAccPlan(tool: string, source: readonly DimIssueValues[], target: TargetIndex, plan: AccPlan, importRun: ImportRun, hasDisplayId: boolean): ComputedPlan<AccPlanItemData> {
  const inputs = createHash('sha256').update(JSON.stringify({ import_run_id: String(importRun.id), display_id_column: hasDisplayId }));
  const state = createHash('sha256');
  for (const values of source) {
    inputs.update(JSON.stringify([values.sourceProjectId, values.sourceIssueId, values.issueBk, values.title, hasDisplayId ? values.displayId : null]));
    const current = target.get(values);
    state.update(current ? JSON.stringify([current.issueBk, current.title, hasDisplayId ? current.displayId : null, current.importRunId]) : 'null');
    state.update('\n');
  }
  const items: PlanItem<AccPlanItemData>[] = plan.writes.map((write) => ({
    key: itemKey(write.values),
    action: write.action === 'insert' ? 'create' : 'update',
    reason: write.action === 'insert' ? 'not in dim.issue' : `changed: ${Object.keys(write.changes ?? {}).join(', ')}`,
    data: {
      display_id: write.values.displayId,
      source_project_id: write.values.sourceProjectId,
      source_issue_id: write.values.sourceIssueId,
      ...(write.changes ? { changed: Object.keys(write.changes) } : {}),
    },
  }));
  return makePlan(tool, items, inputs.digest('hex'), state.digest('hex'));
}
