/**
 * The backfill's plan as the engine records it: its id covers the inputs (every valid source row,
 * the import run stamped, whether display ids are written) and the target state each row was
 * compared with (a hash per row), so an approved plan is refused as stale when either changed. Only the writes are
 * stored as plan items (an unchanged row is the absence of an item).
 */
import { createHash } from 'node:crypto';
import { makePlan, type ComputedPlan } from '../../engine/plan.js';
import type { PlanItem } from '../../engine/ledger/plan-store.js';
import type { DimIssueValues, ImportRun } from '../../targets/warehouse/types.js';
import type { AccPlan, Comparison } from './plan.js';

/** What a stored plan item carries (its key is `<source_project_id>/<source_issue_id>`). */
export interface AccPlanItemData {
  display_id: string;
  changed?: string[];
}

/** The plan item key of a row: `<source_project_id>/<source_issue_id>`. */
export function itemKey(values: DimIssueValues): string {
  return `${values.sourceProjectId}/${values.sourceIssueId}`;
}

/** Builds the engine plan (id, hashes, write items) of an ACC backfill plan. */
export function composeAccPlan(tool: string, comparison: Comparison, plan: AccPlan, importRun: ImportRun, hasDisplayId: boolean): ComputedPlan<AccPlanItemData> {
  const inputs = createHash('sha256').update(JSON.stringify({ import_run_id: String(importRun.id), display_id_column: hasDisplayId }));
  // Fields are fed one by one (no per-row string is built): a separator after each, a marker for null.
  const feed = (value: string | null) => inputs.update(value === null ? '\u0001' : value).update('\u0000');
  for (const values of comparison.values) {
    for (const value of [values.sourceProjectId, values.sourceIssueId, values.issueBk, values.title, hasDisplayId ? values.displayId : null]) feed(value);
  }
  // The target facts of each source row, in key order: the hash of what dim.issue holds (0 = absent).
  const target = createHash('sha256').update(Buffer.from(comparison.found.buffer, comparison.found.byteOffset, comparison.found.byteLength)).digest('hex');
  const items: PlanItem<AccPlanItemData>[] = plan.writes.map((write) => ({
    key: itemKey(write.values),
    action: write.action === 'insert' ? 'create' : 'update',
    reason: write.action === 'insert' ? 'not in dim.issue' : `changed: ${(write.changed ?? []).join(', ')}`,
    data: write.changed ? { display_id: write.values.displayId, changed: write.changed } : { display_id: write.values.displayId },
  }));
  return makePlan(tool, items, inputs.digest('hex'), target);
}
