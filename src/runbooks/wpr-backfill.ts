/**
 * The WPR backfill (the seed's `backfill.py`): ingest the workbook into the batch store (unless
 * `skip_ingest`), then apply every order of the batch to OpenProject — each verified on OpenProject
 * itself, only what is missing or different written. A composition of two pipelines: the ingest
 * and the apply.
 */
import type { RunContext } from '../engine/run-context.js';
import type { RunOutcome } from '../engine/run-definition.js';
import type { WprApplyResult } from '../pipelines/wpr/apply-result.js';
import { BACKFILL_TOOL, runWprApply, type WprApplyDeps } from '../pipelines/wpr/delta.js';
import { ingestWprOrders, type WprIngestResult } from '../pipelines/wpr/ingest/ingest.js';

/** What a backfill is asked to do. */
export interface WprBackfillInput {
  /** The workbook (absolute, inside the data roots); unused with `skipIngest`. */
  file?: string | undefined;
  sheet?: string | undefined;
  batchId: string;
  skipIngest: boolean;
  registryFile?: string | undefined;
  dryRun: boolean;
  planId?: string | undefined;
  workers: number;
}

/** The backfill's result: the apply's keys plus what the ingest read. */
export interface WprBackfillResult extends WprApplyResult {
  ingest: WprIngestResult | null;
}

/** Runs a backfill: ingest, then apply every order. */
export async function runWprBackfill(input: WprBackfillInput, ctx: RunContext, deps: WprApplyDeps): Promise<RunOutcome<WprBackfillResult>> {
  const ingest = input.skipIngest ? null : await ingestWprOrders({ file: input.file!, sheet: input.sheet, batchId: input.batchId, outputDir: ctx.config.outputDir }, ctx);
  const outcome = await runWprApply(
    { tool: BACKFILL_TOOL, batchId: input.batchId, registryFile: input.registryFile, dryRun: input.dryRun, planId: input.planId, workers: input.workers, forceOrders: [], ignoreCachedIdentity: false, allOrders: true },
    ctx,
    deps,
  );
  const nextAction = input.dryRun && !input.skipIngest ? `${outcome.nextAction} (add "skip_ingest": true: the batch is stored)` : outcome.nextAction;
  return { ...outcome, nextAction, result: { ...outcome.result, ingest } };
}
