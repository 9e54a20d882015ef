/**
 * Writing a plan's rows in batches: each batch is one transaction on the warehouse (stage, then one
 * set-based upsert), cut from the plan's rows in key order. Each batch is announced to
 * `beforeCommit` inside its transaction (record an intent: its key range and counts) and to
 * `onCommitted` after COMMIT (record the checkpoint) before the next one starts; slower bookkeeping
 * (`alongside`: provenance) runs while the next batch's upsert executes in the database. A resumed run
 * re-plans against the warehouse, where committed batches are already unchanged, so it never writes
 * them again; an intent without a checkpoint tells it whether that batch's COMMIT happened.
 */
import { throwIfCancelled } from '../../engine/errors.js';
import type { BatchOutcome, DimIssueValues, ImportRun, Warehouse, WarehouseShape } from '../../targets/warehouse/types.js';
import type { PlannedRow } from './plan.js';

/** A batch about to commit or just committed. */
export interface BatchInfo {
  /** Its number in this run (continuing from `firstBatch`). */
  batch: number;
  /** Its first and last rows (key order), to recognise its keys later. */
  first: DimIssueValues;
  last: DimIssueValues;
  /** The plan's rows of this batch. */
  rows: readonly PlannedRow[];
  outcome: BatchOutcome;
}

export interface ApplyBatchesOptions {
  batchSize: number;
  importRun: ImportRun;
  shape: WarehouseShape;
  signal?: AbortSignal;
  /** The number of the first batch (a resumed run continues the numbering). @default 0 */
  firstBatch?: number;
  /** Called inside the batch's transaction, before COMMIT; when it throws the batch is rolled back. */
  beforeCommit?: (info: BatchInfo) => void | Promise<void>;
  /** Called after COMMIT (keep it quick: the next batch waits for it). */
  onCommitted?: (info: BatchInfo) => void | Promise<void>;
  /**
   * Slower bookkeeping of a committed batch (synchronous): run while the next batch's write
   * statement executes in the database, or after the last batch.
   */
  alongside?: (info: BatchInfo) => void;
}

/** Totals of the batches one call wrote. */
export interface AppliedTotals {
  inserted: number;
  updated: number;
  unchanged: number;
  batches: number;
}

/** The number of batches `rows` rows make. */
export function batchCount(rows: number, batchSize: number): number {
  return Math.ceil(rows / batchSize);
}

/** Writes `rows` in batches of `batchSize`, in order, one transaction each. */
export async function applyBatches(rows: readonly PlannedRow[], warehouse: Warehouse, options: ApplyBatchesOptions): Promise<AppliedTotals> {
  const totals: AppliedTotals = { inserted: 0, updated: 0, unchanged: 0, batches: 0 };
  const firstBatch = options.firstBatch ?? 0;
  // The committed batch whose `alongside` work is still to do.
  let deferred: BatchInfo | undefined;
  const flush = () => {
    if (!deferred) return;
    const info = deferred;
    deferred = undefined;
    options.alongside?.(info);
  };
  for (let start = 0; start < rows.length; start += options.batchSize) {
    throwIfCancelled(options.signal);
    const slice = rows.slice(start, start + options.batchSize);
    const values = slice.map((row) => row.values);
    const batch = firstBatch + totals.batches;
    const info = (outcome: BatchOutcome): BatchInfo => ({ batch, first: values[0]!, last: values[values.length - 1]!, rows: slice, outcome });
    const beforeCommit = options.beforeCommit;
    const outcome = await warehouse.upsertBatch(values, {
      importRun: options.importRun,
      shape: options.shape,
      beforeCommit: beforeCommit ? (result) => beforeCommit(info(result)) : undefined,
      whileWriting: () => flush(),
    });
    flush();
    totals.inserted += outcome.inserted;
    totals.updated += outcome.updated;
    totals.unchanged += outcome.unchanged;
    totals.batches++;
    const committed = info(outcome);
    await options.onCommitted?.(committed);
    deferred = committed;
  }
  flush();
  return totals;
}
