/**
 * Applying a backfill plan in batches of `batch_size` rows, in input order: each batch goes
 * through the engine's apply (an intent per write, per-row outcomes in the ledger), and only when
 * its writes have settled does the next one start — so a batch has a duration (alerts, metrics),
 * a progress phase of its own, and a checkpoint after it. Rows needing no write (unchanged,
 * skipped) cost no request. An error that stops the run (bad token, open circuit, cancel) ends the
 * loop after the batch's in-flight writes, leaving a resumable run.
 */
import { applyWrites, type ApplyItem } from '../../engine/apply.js';
import type { Intent } from '../../engine/ledger/intent-store.js';
import type { RecordPlanItem } from '../../engine/plan-apply.js';
import type { RunContext } from '../../engine/run-context.js';
import type { CreatorGroupPayload, CreatorGroupTarget } from '../../targets/devrev/target.js';

/** What one batch did. */
export interface BatchReport {
  /** 1-based. */
  batch: number;
  rows: number;
  updated: number;
  failed: number;
  duration_ms: number;
  /** Line (or result row) of the batch's last row. */
  last_line: number;
}

/** Options of {@link applyInBatches}. */
export interface BatchApplyOptions {
  ctx: Pick<RunContext, 'runId' | 'ledger' | 'signal' | 'progress' | 'logger'>;
  /** Plan items to apply, in input order. */
  items: readonly RecordPlanItem<CreatorGroupPayload>[];
  target: CreatorGroupTarget;
  batchSize: number;
  /** Concurrent writers within a batch (the rate limit still paces them). @default 4 */
  workers?: number;
  /** Called after every batch (checkpoint, alerts, metrics). */
  onBatch(report: BatchReport, batches: number): void;
}

function toApplyItem(item: RecordPlanItem<CreatorGroupPayload>): ApplyItem<unknown> {
  const op = item.action === 'update' ? 'update' : 'none';
  return { key: item.key, op, targetId: item.target_id ?? null, payload: item.data.payload, contentHash: item.content_hash ?? '', source: item.data.source };
}

function outcomeOf(intent: Intent | undefined): 'updated' | 'failed' | undefined {
  if (!intent || intent.op !== 'update') return undefined;
  if (intent.state === 'acked') return 'updated';
  return intent.state === 'failed' || intent.state === 'ambiguous' ? 'failed' : undefined;
}

/** Applies the items batch by batch; returns every batch's report. */
export async function applyInBatches(options: BatchApplyOptions): Promise<BatchReport[]> {
  const { ctx, items, target } = options;
  const size = Math.max(1, options.batchSize);
  const batches = Math.ceil(items.length / size);
  const reports: BatchReport[] = [];
  for (let index = 0; index < batches; index += 1) {
    const batch = items.slice(index * size, (index + 1) * size);
    const started = Date.now();
    const label = `batch ${index + 1}/${batches}: writing DevRev issues`;
    const phase = await applyWrites(ctx, { label, target, items: batch.map(toApplyItem) }, { workers: options.workers ?? 4 });
    const report: BatchReport = { batch: index + 1, rows: batch.length, updated: 0, failed: 0, duration_ms: Date.now() - started, last_line: batch.at(-1)?.data.source?.line ?? 0 };
    for (const item of batch) {
      const outcome = outcomeOf(phase.intents.get(item.key));
      if (outcome) report[outcome] += 1;
    }
    reports.push(report);
    options.onBatch(report, batches);
  }
  return reports;
}
