/**
 * Run metrics for every runbook, from the run manager's run-finished events: runs and their
 * durations by tool and status, and the records of applied runs by outcome — taken from the
 * result keys the tools share (created, updated, unchanged, skipped, failed, …), so a new runbook
 * is counted without code here.
 */
import type { FinishedRun } from '../engine/run-manager.js';
import type { MigrationMetrics } from './registry.js';

/** Result keys counted as record outcomes (the key is the `outcome` label). */
export const OUTCOME_KEYS = ['created', 'updated', 'unchanged', 'skipped', 'failed', 'deleted', 'inserted', 'new', 'inactive', 'invalid', 'rejected', 'reconciled'] as const;

/** The outcome counts of a run result (numbers only; nested objects are left out). */
export function outcomeCounts(result: Record<string, unknown> | null | undefined): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of OUTCOME_KEYS) {
    const value = result?.[key];
    if (typeof value === 'number' && value > 0) counts[key] = value;
  }
  return counts;
}

/** Subscribes the metrics to a run manager; returns the unsubscribe function. */
export function recordRunMetrics(runs: { onFinished(listener: (event: FinishedRun) => void): () => void }, metrics: MigrationMetrics): () => void {
  return runs.onFinished(({ run, durationSeconds }) => {
    metrics.recordRun(run.tool, run.status, durationSeconds);
    if (!run.dry_run) metrics.recordRecords(run.tool, outcomeCounts(run.result));
  });
}
