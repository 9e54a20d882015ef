/**
 * Ledger housekeeping an operator can ask for: clearing a tool's checkpoints (so its next resume
 * starts from the beginning) and pruning plan items and intents of runs finished longer ago than the
 * retention period. Both can be previewed (dry run) and report what they cleared.
 */
import type { Ledger } from './ledger/ledger.js';
import type { PruneCounts } from './ledger/retention-store.js';

/** What clearing a tool's checkpoints concerns. */
export interface CheckpointReset {
  checkpoints: number;
  /** Runs whose checkpoints are concerned (at most 20). */
  runs: string[];
}

/** Clears (or, on a dry run, counts) the checkpoints of a tool's runs. */
export function resetCheckpoints(ledger: Ledger, tool: string, options: { dryRun: boolean }): CheckpointReset {
  const existing = ledger.checkpoints.listForJob(tool);
  const runs = [...new Set(existing.map((checkpoint) => checkpoint.run_id))].slice(0, 20);
  const checkpoints = options.dryRun ? existing.length : ledger.checkpoints.clearJob(tool);
  return { checkpoints, runs };
}

/** A prune, with the cutoff it used. */
export interface LedgerPrune extends PruneCounts {
  retention_days: number;
  /** Runs that finished before this ISO time are concerned. */
  cutoff: string;
}

/** Prunes (or, on a dry run, counts) plan items and intents of runs finished more than `days` ago. */
export function pruneLedger(ledger: Ledger, days: number, options: { dryRun: boolean; now?: number }): LedgerPrune {
  const cutoff = new Date((options.now ?? Date.now()) - days * 86_400_000).toISOString();
  const counts = options.dryRun ? ledger.retention.count(cutoff) : ledger.retention.prune(cutoff);
  return { retention_days: days, cutoff, ...counts };
}
