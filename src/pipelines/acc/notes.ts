/**
 * What the backfill tells the operator beside its counts (warnings about the warehouse's shape and
 * the source) and what it leaves in the ledger for `explain_record` (one provenance event per row
 * written: the view row it came from and the dim.issue key it went to).
 */
import type { Ledger } from '../../engine/ledger/ledger.js';
import { ACC_VIEW, qualified, TARGET_KEY } from '../../targets/warehouse/schema.js';
import type { WarehouseShape } from '../../targets/warehouse/types.js';
import type { BatchInfo } from './apply-batches.js';
import type { AccPlan } from './plan.js';
import type { SourceRows } from './source-rows.js';

/** The system name of the warehouse in the ledger. */
export const WAREHOUSE_SYSTEM = 'warehouse';

/** Warnings about dim.issue: no unique index on the key, no display_id column. */
export function shapeWarnings(shape: WarehouseShape): string[] {
  const warnings: string[] = [];
  if (!shape.uniqueKeyIndex) {
    warnings.push(
      `dim.issue has no unique index on (${TARGET_KEY.join(', ')}): each batch locks dim.issue against other writers while it writes (readers go on). ` +
        `Add one (CREATE UNIQUE INDEX ux_dim_issue_source_key ON dim.issue (${TARGET_KEY.join(', ')})) so concurrent loads cannot duplicate a key.`,
    );
  }
  if (!shape.hasDisplayId) warnings.push('dim.issue has no display_id column: display ids are shown in samples but not written.');
  return warnings;
}

/** Warnings about the source and the target's keys. */
export function sourceWarnings(source: SourceRows, plan: AccPlan): string[] {
  const warnings: string[] = [];
  if (source.rejects.length) warnings.push(`${source.rejects.length} row(s) of ${qualified(ACC_VIEW)} were rejected and not written (see rejects[]).`);
  if (source.duplicates) warnings.push(`${source.duplicates} exact duplicate row(s) in ${qualified(ACC_VIEW)} were written once.`);
  if (plan.duplicateTargetKeys) warnings.push(`${plan.duplicateTargetKeys} key(s) have more than one ACC row in dim.issue; all of them are updated alike. Remove the duplicates and add the unique index.`);
  return warnings;
}

/**
 * One provenance event per row of a committed batch (inside the caller's ledger transaction). It is
 * written while the next batch executes, so a crash can leave the last committed batch without it.
 */
export function recordProvenance(ledger: Ledger, runId: string, scope: string, info: BatchInfo): void {
  const source = qualified(ACC_VIEW);
  ledger.provenance.recordMany(
    info.rows.map(({ action, values, changed }) => ({
      run_id: runId,
      system: WAREHOUSE_SYSTEM,
      scope,
      kind: 'dim.issue',
      item_key: values.sourceIssueId,
      action: action === 'insert' ? 'create' : 'update',
      target_id: `ACC/${values.sourceIssueId}/${values.sourceProjectId}`,
      source_file: source,
      detail: `${values.displayId} in project ${values.sourceProjectId}, batch ${info.batch}${changed ? `, changed ${changed.join(', ')}` : ''}`,
    })),
  );
}
