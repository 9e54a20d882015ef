/**
 * The backfill's checkpoints in the ledger: after each committed batch, the run's totals so far;
 * inside each batch's transaction, before COMMIT, the batch about to commit (its key range and
 * counts) — the intent. A resumed run re-plans against the warehouse, where committed rows are
 * already unchanged; an intent left without a checkpoint (killed between COMMIT and checkpoint) is
 * adopted when none of its keys still needs a write, so the totals stay exact.
 */
import type { Ledger } from '../../engine/ledger/ledger.js';
import type { DimIssueValues } from '../../targets/warehouse/types.js';
import type { BatchInfo } from './apply-batches.js';
import type { PlannedRow } from './plan.js';

/** What committed batches wrote so far in a run. */
export interface BatchTotals {
  batches: number;
  inserted: number;
  updated: number;
}

/** A batch about to commit. */
interface PendingBatch {
  batch: number;
  first: [string, string];
  last: [string, string];
  inserted: number;
  updated: number;
}

const DONE = 'acc_backfill.committed';
const PENDING = 'acc_backfill.pending';

const keyOf = (values: DimIssueValues): [string, string] => [values.sourceProjectId, values.sourceIssueId];
const asValues = ([project, issue]: [string, string]): DimIssueValues => ({ sourceProjectId: project, sourceIssueId: issue, issueBk: '', title: null, displayId: '' });

/** Checkpoints of one run of one job. */
export class BackfillCheckpoints {
  constructor(
    private readonly ledger: Ledger,
    private readonly job: string,
    private readonly runId: string,
  ) {}

  /** Totals committed so far by this run (zeros for a new run). */
  committed(): BatchTotals {
    return this.ledger.checkpoints.get<BatchTotals>(this.runId, DONE) ?? { batches: 0, inserted: 0, updated: 0 };
  }

  /**
   * On resume: adopts the batch whose intent has no checkpoint if it did commit (none of its keys is
   * among the rows still to write), and returns the totals to continue from.
   */
  resume(remaining: readonly PlannedRow[], order: (a: DimIssueValues, b: DimIssueValues) => number): { totals: BatchTotals; adopted: boolean } {
    const totals = this.committed();
    const pending = this.ledger.checkpoints.get<PendingBatch | null>(this.runId, PENDING);
    if (!pending || pending.batch < totals.batches) return { totals, adopted: false };
    const [first, last] = [asValues(pending.first), asValues(pending.last)];
    const stillToWrite = remaining.some((row) => order(row.values, first) >= 0 && order(row.values, last) <= 0);
    this.ledger.checkpoints.set(this.job, this.runId, PENDING, null);
    if (stillToWrite) return { totals, adopted: false };
    const adopted = { batches: pending.batch + 1, inserted: totals.inserted + pending.inserted, updated: totals.updated + pending.updated };
    this.ledger.checkpoints.set(this.job, this.runId, DONE, adopted);
    return { totals: adopted, adopted: true };
  }

  /** Inside the batch's transaction, before COMMIT. */
  intend(info: BatchInfo): void {
    const pending: PendingBatch = { batch: info.batch, first: keyOf(info.first), last: keyOf(info.last), inserted: info.outcome.inserted, updated: info.outcome.updated };
    this.ledger.checkpoints.set(this.job, this.runId, PENDING, pending);
  }

  /** After COMMIT: the new totals, and the intent cleared, in one ledger transaction. */
  commit(totals: BatchTotals): void {
    this.ledger.transaction(() => {
      this.ledger.checkpoints.set(this.job, this.runId, DONE, totals);
      this.ledger.checkpoints.set(this.job, this.runId, PENDING, null);
    });
  }
}
