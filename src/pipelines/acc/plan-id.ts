/**
 * The backfill's plan as the engine records it: its id covers the inputs (every valid source row,
 * the import run stamped, whether display ids are written) and the target state each row was
 * compared with (a hash per row), so an approved plan is refused as stale when either changed.
 *
 * The ledger keeps the plan's header (id, hashes, counts) and a bounded sample of its writes: the
 * apply recomputes the plan and must find the same id, so it executes exactly what was approved
 * without reading 100,000 items back, and every row written gets its own provenance event.
 */
import { createHash } from 'node:crypto';
import type { Ledger } from '../../engine/ledger/ledger.js';
import type { PlanItem } from '../../engine/ledger/plan-store.js';
import { makePlan, type ComputedPlan } from '../../engine/plan.js';
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

/** Builds the engine plan (id, hashes, the first writes as items) of an ACC backfill plan. */
export function composeAccPlan(tool: string, comparison: Comparison, plan: AccPlan, importRun: ImportRun, hasDisplayId: boolean): ComputedPlan<AccPlanItemData> {
  const inputs = createHash('sha256').update(JSON.stringify({ import_run_id: String(importRun.id), display_id_column: hasDisplayId }));
  // Fields are fed one by one (no per-row string is built): a separator after each, a marker for null.
  const feed = (value: string | null) => inputs.update(value === null ? '\u0001' : value).update('\u0000');
  for (const values of comparison.values) {
    for (const value of [values.sourceProjectId, values.sourceIssueId, values.issueBk, values.title, hasDisplayId ? values.displayId : null]) feed(value);
  }
  // The target facts of each source row, in key order: the hash of what dim.issue holds (0 = absent).
  const target = createHash('sha256').update(Buffer.from(comparison.found.buffer, comparison.found.byteOffset, comparison.found.byteLength)).digest('hex');
  const items: PlanItem<AccPlanItemData>[] = plan.writes.slice(0, STORED_ITEMS).map((write) => ({
    key: itemKey(write.values),
    action: write.action === 'insert' ? 'create' : 'update',
    reason: write.action === 'insert' ? 'not in dim.issue' : `changed: ${(write.changed ?? []).join(', ')}`,
    data: write.changed ? { display_id: write.values.displayId, changed: write.changed } : { display_id: write.values.displayId },
  }));
  return makePlan(tool, items, inputs.digest('hex'), target);
}

/** Writes stored with a plan (the first ones, in key order). */
export const STORED_ITEMS = 500;

/** Records the plan once (header with the full counts, and the first {@link STORED_ITEMS} writes). */
export function recordAccPlan(ledger: Ledger, composed: ComputedPlan<AccPlanItemData>, plan: AccPlan, runId: string): void {
  if (ledger.plans.get(composed.planId)) return;
  ledger.plans.save({
    plan_id: composed.planId,
    tool: composed.tool,
    run_id: runId,
    fingerprint: composed.target,
    inputs_hash: composed.inputs,
    summary: { create: plan.inserted, update: plan.updated, unchanged: plan.unchanged, items_stored: composed.items.length },
    items: composed.items,
  });
}
