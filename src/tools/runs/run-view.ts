/** The "run view" returned by get_run, resume_run and cancel_run: a run record, bounded, with what to do next. */
import { z } from 'zod';
import type { Ledger } from '../../engine/ledger/ledger.js';
import type { RunRecord } from '../../engine/ledger/run-store.js';
import type { RunManager } from '../../engine/run-manager.js';
import { composeResult, reportUri } from '../run-result.js';
import { progressShape, RUN_STATUSES, runErrorShape } from '../run-tool.js';

export const runViewShape = {
  run_id: z.string().describe('The run id.'),
  tool: z.string().describe('The tool that started the run.'),
  status: z.enum(RUN_STATUSES).describe('succeeded | failed | running | cancelled | interrupted.'),
  dry_run: z.boolean().describe('True when the run wrote nothing to a target.'),
  plan_id: z.string().nullable().describe('The plan the run computed or applied.'),
  args: z.record(z.string(), z.unknown()).describe('The arguments the run was started with.'),
  started_at: z.string().describe('ISO time the run started.'),
  updated_at: z.string().describe('ISO time of the last change to the record.'),
  finished_at: z.string().nullable().describe('ISO time the run ended, null while running.'),
  attempts: z.number().describe('1 + the number of resumes.'),
  progress: progressShape.nullable().describe('Last known progress.'),
  error: runErrorShape.nullable().describe('Why the run stopped, when it did not succeed.'),
  checkpoints: z.record(z.string(), z.unknown()).describe('What the run committed as it went (e.g. devrev_backfill: the last finished batch and line), by key; a resume starts from there.'),
  result: z.record(z.string(), z.unknown()).nullable().describe("The tool's result (same keys as the tool returns), null while running."),
  report_uri: z.string().describe('MCP resource URI of the Markdown report.'),
  next_action: z.string().describe('What to do next.'),
};

/** Builds the run view of a record. */
export function runView(runs: RunManager, run: RunRecord, ledger: Pick<Ledger, 'checkpoints'>): Record<string, unknown> {
  const composed = composeResult(runs, run);
  const finished = run.status !== 'running';
  return {
    run_id: run.run_id,
    tool: run.tool,
    status: run.status,
    dry_run: run.dry_run,
    plan_id: run.plan_id,
    args: run.args,
    started_at: run.started_at,
    updated_at: run.updated_at,
    finished_at: run.finished_at,
    attempts: run.attempts,
    progress: runs.progressOf(run.run_id),
    error: run.error,
    checkpoints: ledger.checkpoints.forRun(run.run_id),
    result: finished ? composed : null,
    report_uri: reportUri(run.run_id),
    next_action: nextActionFor(run, String(composed.next_action ?? '')),
  };
}

function nextActionFor(run: RunRecord, fallback: string): string {
  switch (run.status) {
    case 'running':
      return `Poll get_run {"run_id": "${run.run_id}", "wait_seconds": 30} until it finishes.`;
    case 'interrupted':
    case 'cancelled':
      return `${run.error?.action ?? ''} Continue it with resume_run {"run_id": "${run.run_id}"}.`.trim();
    default:
      return fallback;
  }
}
