/**
 * The ACC warehouse backfill (the runbook's Phase 5): every mapped ACC issue of the
 * ProjectManagement view `dbo.vw_acc_issue_id_map` into the warehouse's `dim.issue`, stamped with
 * the latest successful ACC import run.
 *
 * preflight (read-only) → read the view and dim.issue's ACC rows → gap before → plan (insert /
 * update / unchanged, compared in memory) → dry run: counts and samples │ apply: the approved plan in
 * batches (stage + one set-based upsert per batch, checkpointed) → counts and gap after → report.
 * Only rows that differ are written, so a second run writes nothing; a killed run resumes from its
 * checkpoints without writing committed batches again.
 */
import { itemsToApply } from '../../engine/plan.js';
import type { RunContext } from '../../engine/run-context.js';
import type { RunOutcome } from '../../engine/run-definition.js';
import type { AccDatabases } from '../../targets/registry.js';
import { boundedList } from '../../transform/warnings.js';
import { applyBatches, batchCount, type BatchInfo } from './apply-batches.js';
import { BackfillCheckpoints, type BatchTotals } from './checkpoints.js';
import { gapAfterFullBackfill, gapReport, type GapReport } from './gap-report.js';
import { composeAccPlan, recordAccPlan } from './plan-id.js';
import { planBackfill } from './plan.js';
import { preflight, presenceInWarehouse, readAccState, requireImportRun } from './read-state.js';
import { backfillMarkdown, backfillNextAction, sampleWrites, SAMPLE_LIMIT, type AccBackfillResult } from './result.js';
import { keyOrder } from './source-rows.js';
import { recordProvenance, shapeWarnings, sourceWarnings } from './notes.js';

export const ACC_BACKFILL_TOOL = 'acc_warehouse_backfill';

/** Rows per batch when the caller does not say. */
export const DEFAULT_BATCH_SIZE = 5000;

export interface AccBackfillInput {
  dryRun: boolean;
  planId?: string | undefined;
  batchSize: number;
}

/** What the first attempt of a run saw before writing (kept for the report of a resumed run). */
interface Before {
  acc_rows: number;
  gap: GapReport;
}

const BEFORE = 'acc_backfill.before';

export async function runAccBackfill(input: AccBackfillInput, ctx: RunContext, dbs: AccDatabases): Promise<RunOutcome<AccBackfillResult>> {
  const { source, warehouse } = dbs;
  const lap = stopwatch();
  try {
    // 1. Read-only checks: objects and columns, the import run to stamp (else nothing is written).
    ctx.progress.start('checking dbo.vw_acc_issue_id_map, dim.issue and fact.issue_import_runs');
    const shape = await preflight(source, warehouse, ctx.signal);
    const importRun = await requireImportRun(warehouse, ctx.signal);
    lap('preflight');

    // 2. Source and target in full, and the gap as it is.
    ctx.progress.start('reading dbo.vw_acc_issue_id_map and the ACC rows of dim.issue');
    const state = await readAccState(source, warehouse, shape, importRun.id, ctx.signal);
    const values = state.source.values;
    const gapNow = gapReport(state.comparison);
    const accRowsNow = state.comparison.accRows;
    lap('read');

    // 3. The plan, recorded under its id (inputs + the target rows it was compared with).
    const plan = planBackfill(state.comparison);
    const composed = composeAccPlan(ACC_BACKFILL_TOOL, state.comparison, plan, importRun, shape.hasDisplayId);
    lap('plan');
    recordAccPlan(ctx.ledger, composed, plan, ctx.runId);
    lap('record plan');
    // Once recorded, the items are not needed here (the writes are plan.writes): let them go.
    const enginePlan = { ...composed, items: [] };
    const warnings = [...shapeWarnings(shape), ...sourceWarnings(state.source, plan)];

    const common = {
      source_rows: state.source.read,
      rejected: state.source.rejects.length,
      rejects: state.source.rejects.slice(0, SAMPLE_LIMIT),
      duplicates: state.source.duplicates,
      import_run_id: importRun.id,
      batch_size: input.batchSize,
      unique_key_index: shape.uniqueKeyIndex,
      display_id_column: shape.hasDisplayId,
      samples: sampleWrites(plan),
    };

    if (input.dryRun) {
      const result: AccBackfillResult = {
        ...common,
        before: { acc_rows: accRowsNow },
        inserted: plan.inserted,
        updated: plan.updated,
        unchanged: plan.unchanged,
        after: { acc_rows: accRowsNow + plan.inserted },
        batches: batchCount(plan.writes.length, input.batchSize),
        gap_before: gapNow,
        gap_after: null,
        warnings: boundedList(warnings),
      };
      return outcome(result, true, enginePlan.planId, input.batchSize);
    }

    // 4. Apply exactly the approved plan (stale → refused before any write), in checkpointed batches.
    itemsToApply(ctx.ledger, enginePlan, input.planId, ctx.resume);
    const checkpoints = new BackfillCheckpoints(ctx.ledger, ACC_BACKFILL_TOOL, ctx.runId);
    const before = ctx.ledger.checkpoints.get<Before>(ctx.runId, BEFORE) ?? { acc_rows: accRowsNow, gap: gapNow };
    if (!ctx.resume) ctx.ledger.checkpoints.set(ACC_BACKFILL_TOOL, ctx.runId, BEFORE, before);
    let totals: BatchTotals = { batches: 0, inserted: 0, updated: 0 };
    let ledgerMs = 0;
    if (ctx.resume) {
      const resumed = checkpoints.resume(plan.writes, keyOrder(warehouse.keyComparison));
      totals = resumed.totals;
      if (resumed.adopted) warnings.push(`Batch ${totals.batches - 1} had committed just before the interruption; its counts were taken from its intent.`);
      if (totals.batches) warnings.push(`Resumed after ${totals.batches} committed batch(es) (${totals.inserted} inserted, ${totals.updated} updated); they were not written again.`);
    }
    ctx.progress.start('writing dim.issue', plan.writes.length);
    await applyBatches(plan.writes, warehouse, {
      batchSize: input.batchSize,
      importRun,
      shape,
      signal: ctx.signal,
      firstBatch: totals.batches,
      beforeCommit: (info) => checkpoints.intend(info),
      onCommitted: (info: BatchInfo) => {
        totals = { batches: info.batch + 1, inserted: totals.inserted + info.outcome.inserted, updated: totals.updated + info.outcome.updated };
        checkpoints.commit(totals);
        ctx.progress.advance(info.rows.length);
      },
      // Provenance of a committed batch is written while the next batch's upsert runs.
      alongside: (info: BatchInfo) => {
        const t0 = performance.now();
        ctx.ledger.transaction(() => recordProvenance(ctx.ledger, ctx.runId, warehouse.display, info));
        ledgerMs += performance.now() - t0;
      },
    });

    lap(`write (ledger ${Math.round(ledgerMs)} ms)`);

    // 5. Counts and the gap after. The ACC rows are counted again; when that count is what this
    // run's writes explain (every planned row written, before + inserted rows), the gap follows from
    // the database's own counts; otherwise (a resume, or another writer meanwhile) the keys are read.
    const accRowsAfter = await warehouse.countAccRows(ctx.signal);
    const explained = !ctx.resume && totals.inserted === plan.inserted && totals.updated === plan.updated && accRowsAfter === accRowsNow + totals.inserted;
    let gapAfter = explained ? gapAfterFullBackfill(gapNow, accRowsAfter) : undefined;
    if (!gapAfter) {
      ctx.progress.start('reading the keys of dim.issue after the backfill');
      gapAfter = gapReport(await presenceInWarehouse(values, warehouse, shape, ctx.signal));
    }
    const result: AccBackfillResult = {
      ...common,
      before: { acc_rows: before.acc_rows },
      inserted: totals.inserted,
      updated: totals.updated,
      unchanged: values.length - totals.inserted - totals.updated,
      after: { acc_rows: accRowsAfter },
      batches: totals.batches,
      gap_before: before.gap,
      gap_after: gapAfter,
      warnings: boundedList(warnings),
    };
    lap('read after');
    ctx.logger.debug(`ACC backfill timings: ${lap.summary()}`);
    return outcome(result, false, enginePlan.planId, input.batchSize);
  } finally {
    await Promise.all([source.close(), warehouse.close()]);
  }
}

/** Wall-clock time per phase, for the debug log. */
function stopwatch(): ((phase: string) => void) & { summary(): string } {
  let last = performance.now();
  const laps: string[] = [];
  const lap = (phase: string) => {
    const now = performance.now();
    laps.push(`${phase} ${Math.round(now - last)} ms`);
    last = now;
  };
  return Object.assign(lap, { summary: () => laps.join(', ') });
}

function outcome(result: AccBackfillResult, dryRun: boolean, planId: string, batchSize: number): RunOutcome<AccBackfillResult> {
  return { result, planId, nextAction: backfillNextAction(ACC_BACKFILL_TOOL, result, dryRun, planId, batchSize), markdown: backfillMarkdown(result, dryRun) };
}
