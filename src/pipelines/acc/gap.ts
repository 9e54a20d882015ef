/**
 * The ACC gap report as a read-only step: preflight, read the view and the ACC rows of dim.issue,
 * compare. Nothing is written anywhere (no run, no ledger entry); both pools are closed at the end.
 */
import type { AccDatabases } from '../../targets/registry.js';
import { gapReport, type GapReport } from './gap-report.js';
import { preflight, readAccState } from './read-state.js';

export const ACC_GAP_REPORT_TOOL = 'acc_warehouse_gap_report';

export interface GapReportResult extends GapReport {
  /** Rows of the view that are not usable (not counted as mapped). */
  rejected: number;
  /** The latest successful ACC import run (what a backfill would stamp), or null. */
  import_run_id: string | number | null;
  next_action: string;
}

export async function runGapReport(dbs: AccDatabases, signal?: AbortSignal): Promise<GapReportResult> {
  try {
    const shape = await preflight(dbs.source, dbs.warehouse, signal);
    const importRun = await dbs.warehouse.latestSuccessfulImportRun(signal);
    const state = await readAccState(dbs.source, dbs.warehouse, shape, importRun?.id ?? null, signal);
    const report = gapReport(state.comparison);
    return { ...report, rejected: state.source.rejects.length, import_run_id: importRun?.id ?? null, next_action: nextAction(report, importRun === null) };
  } finally {
    await Promise.all([dbs.source.close(), dbs.warehouse.close()]);
  }
}

function nextAction(report: GapReport, noImportRun: boolean): string {
  if (report.missing === 0) return `dim.issue covers every mapped ACC id (${report.coverage}); nothing to backfill.`;
  if (noImportRun) return `${report.missing} mapped ACC id(s) are missing, but fact.issue_import_runs has no successful ACC run yet: let the warehouse ACC import succeed, then run acc_warehouse_backfill.`;
  return `${report.missing} mapped ACC id(s) are missing from dim.issue (${report.coverage}); plan the backfill with acc_warehouse_backfill {"dry_run": true}.`;
}
