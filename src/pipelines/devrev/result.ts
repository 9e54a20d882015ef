/**
 * The result of a backfill run (DESIGN §6 `devrev_backfill`: rows, valid, invalid, processed,
 * updated, unchanged, skipped, failed, checkpoint, plus invalid_samples and per-batch timings),
 * its counts from the plan and the run's intents, a bounded sample of rows, and the next action.
 */
import type { Alert } from '../../alerts/index.js';
import type { Intent } from '../../engine/ledger/intent-store.js';
import { applyCall, type RecordPlanItem } from '../../engine/plan-apply.js';
import type { ApiStats } from '../../http/index.js';
import type { CreatorGroupPayload } from '../../targets/devrev/target.js';
import type { BatchReport } from './apply-batches.js';
import type { InvalidSample } from './input.js';
import { BACKFILL_TOOL } from './mapper.js';

/** Where the backfill stands, for resume and `get_run` (the seed's show_checkpoint). */
export interface BackfillCheckpoint {
  run_id: string;
  /** Batches finished, of all. */
  batch: number;
  batches: number;
  /** Line (CSV) or result row (Snowflake) of the last row of the last finished batch. */
  last_line: number;
  rows_done: number;
  /** Key of the input (source + content hash); `resume: true` continues a run with the same key. */
  input_key: string;
  /** Where the previous attempt of this run had stopped, when this attempt resumed it. */
  resumed_from: { batch: number; last_line: number } | null;
}

/** One row in the result's sample. */
export interface RowSample {
  issue_id: string;
  action: string;
  devrev_id: string | null;
  value: string | null;
  line: number | null;
  reason?: string;
}

/** The tool-specific keys of a `devrev_backfill` result. */
export interface BackfillResult extends Record<string, unknown> {
  source: { kind: 'csv' | 'snowflake'; file: string | null; query: string | null; table: string | null; statement: string | null };
  field: string;
  validate_only: boolean;
  rows: number;
  valid: number;
  invalid: number;
  duplicates: number;
  processed: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failed: number;
  checkpoint: BackfillCheckpoint | null;
  invalid_samples: InvalidSample[];
  batches: BatchReport[];
  batch_timing: { batches: number; total_ms: number; avg_ms: number; max_ms: number; slowest_batch: number } | null;
  groups: { from_row: number; from_mapping: number; from_devrev: number; needs_devrev: number; unresolved: number; multi_group_users: number; devrev_groups: number | null };
  creator_mismatch: number;
  items: RowSample[];
  failures: { key: string; error: string }[];
  alerts: Alert[];
  warnings: string[];
  outputs: { rejects: string | null };
  timings: { read_ms: number; plan_ms: number; apply_ms: number };
  rate_limit: { limit: number; remaining: number; reset_at: string } | null;
  api: ApiStats | null;
}

/** Batches kept in a result (the most recent ones). */
export const BATCH_SAMPLE = 50;

/** Counts of applied (or, for a dry run, planned) items. */
export function countItems(items: readonly RecordPlanItem<CreatorGroupPayload>[], intents: ReadonlyMap<string, Intent> | undefined): { updated: number; unchanged: number; skipped: number; failed: number } {
  const counts = { updated: 0, unchanged: 0, skipped: 0, failed: 0 };
  for (const item of items) {
    if (item.action === 'skip') {
      counts.skipped += 1;
      continue;
    }
    if (!intents) {
      if (item.action === 'update') counts.updated += 1;
      else counts.unchanged += 1;
      continue;
    }
    const intent = intents.get(item.key);
    if (intent?.op === 'update' && intent.state === 'acked') counts.updated += 1;
    else if (intent?.op === 'update' && (intent.state === 'failed' || intent.state === 'ambiguous')) counts.failed += 1;
    else if (item.action === 'unchanged') counts.unchanged += 1;
  }
  return counts;
}

/** Up to `max` rows: failures first, then skips, updates and unchanged rows. */
export function sampleRows(items: readonly RecordPlanItem<CreatorGroupPayload>[], failures: ReadonlyMap<string, string>, max = 20): RowSample[] {
  const rank = (item: RecordPlanItem<CreatorGroupPayload>) => (failures.has(item.key) ? 0 : item.action === 'skip' ? 1 : item.action === 'update' ? 2 : 3);
  return [...items]
    .sort((a, b) => rank(a) - rank(b))
    .slice(0, max)
    .map((item) => {
      const reason = failures.get(item.key) ?? item.reason;
      return {
        issue_id: item.key,
        action: failures.has(item.key) ? 'failed' : item.action,
        devrev_id: item.target_id ?? null,
        value: item.data.payload.value || null,
        line: item.data.source?.line ?? null,
        ...(reason ? { reason } : {}),
      };
    });
}

/** Summary of batch durations. */
export function batchTiming(reports: readonly BatchReport[]): BackfillResult['batch_timing'] {
  if (reports.length === 0) return null;
  const total = reports.reduce((sum, r) => sum + r.duration_ms, 0);
  const slowest = reports.reduce((a, b) => (b.duration_ms > a.duration_ms ? b : a));
  return { batches: reports.length, total_ms: total, avg_ms: Math.round(total / reports.length), max_ms: slowest.duration_ms, slowest_batch: slowest.batch };
}

/** One sentence telling an agent what to do next. */
export function nextAction(result: BackfillResult, args: Record<string, unknown>, planId: string | null, dryRun: boolean): string {
  if (result.validate_only) {
    const fix = result.invalid ? `fix the ${result.invalid} invalid row(s) (invalid_samples, ${result.outputs.rejects ?? 'rejects file'}) or leave them out, then ` : '';
    return `Input checked: ${result.valid} valid row(s); ${fix}run a dry run: ${BACKFILL_TOOL} ${JSON.stringify({ ...args, validate_only: false })}.`;
  }
  if (dryRun) {
    if (result.updated === 0) return result.skipped ? `Nothing to write; ${result.skipped} row(s) are skipped (see items[].reason).` : 'Nothing to write: every issue already holds its creator group.';
    return `Review the plan (${result.updated} issue(s) to update, ${result.unchanged} unchanged, ${result.skipped} skipped), then apply it: ${applyCall(BACKFILL_TOOL, args, planId ?? '')}.`;
  }
  if (result.failed) return `${result.failed} update(s) failed (see failures); fix the cause and call ${BACKFILL_TOOL} again — done issues cost no writes.`;
  if (result.skipped) return `${result.skipped} row(s) were skipped (see items[].reason): add their users to group_mapping or fill creator_group, then run again.`;
  return 'Done: every row holds its creator group. Re-running writes nothing; verify with a dry run if needed.';
}
