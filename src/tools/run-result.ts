/**
 * How a run is shown to callers: the common result keys (`run_id, status, dry_run, plan_id,
 * report_uri, next_action`) with the tool's own keys, the one-line text, and `isError` for runs that
 * did not succeed. Used by every run-based tool, get_run, the run resources and the run reports.
 */
import type { RunRecord } from '../engine/ledger/run-store.js';
import type { RunManager } from '../engine/run-manager.js';
import type { ToolContext, ToolResult } from './tool-definition.js';

/** The MCP resource URI of a run's Markdown report. */
export function reportUri(runId: string): string {
  return `migration://runs/${runId}/report`;
}

/** The tool result of a run: common keys first, then the tool's own keys (or its progress while running). */
export function composeResult(runs: Pick<RunManager, 'progressOf'>, run: RunRecord): Record<string, unknown> {
  const base: Record<string, unknown> = {
    run_id: run.run_id,
    status: run.status,
    dry_run: run.dry_run,
    plan_id: run.plan_id,
    report_uri: reportUri(run.run_id),
  };
  if (run.status === 'running') {
    return { ...base, progress: runs.progressOf(run.run_id), next_action: `The run continues; poll get_run {"run_id": "${run.run_id}"} until it finishes.` };
  }
  if (run.result) return run.error ? { ...run.result, ...base, error: run.error } : { ...run.result, ...base };
  return { ...base, error: run.error, next_action: run.error?.action ?? 'See the run report.' };
}

/** The tool result for a run record: structured keys, one-line text, isError when it did not succeed. */
export function runToolResult(ctx: ToolContext, run: RunRecord): ToolResult {
  const structured = composeResult(ctx.deps.runs, run);
  const mode = run.dry_run ? 'dry run' : 'run';
  const parts = [`${run.tool} ${mode} ${run.run_id} ${run.status}.`];
  const counts = summarizeCounts(structured);
  if (counts) parts.push(`${counts}.`);
  if (run.error && run.status !== 'succeeded') parts.push(run.error.message);
  parts.push(`Next: ${String(structured.next_action)}`);
  return { structured, text: parts.join(' '), isError: run.status === 'failed' || run.status === 'interrupted' };
}

/** "created 3, updated 1; projects: read 20, written 18" — the numeric facts of a result, briefly. */
export function summarizeCounts(result: Record<string, unknown>): string {
  const flat: string[] = [];
  const nested: string[] = [];
  for (const [key, value] of Object.entries(result)) {
    if (typeof value === 'number') flat.push(`${key.replace(/_/g, ' ')} ${value}`);
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      const numbers = Object.entries(value).filter(([, v]) => typeof v === 'number');
      if (numbers.length && numbers.length === Object.keys(value).length && key !== 'progress') {
        nested.push(`${key}: ${numbers.map(([k, v]) => `${k} ${String(v)}`).join(', ')}`);
      }
    }
  }
  return [flat.join(', '), ...nested].filter(Boolean).join('; ').slice(0, 300);
}
