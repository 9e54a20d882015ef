/**
 * What the ACC tools return: the backfill's result keys (DESIGN §6: `source_rows, before{acc_rows},
 * inserted, updated, unchanged, after{acc_rows}, import_run_id`, plus rejects, samples with display
 * ids, both gap reports), its `next_action`, and the run report's Markdown.
 */
import { applyCall } from '../../engine/plan-apply.js';
import type { GapReport } from './gap-report.js';
import type { AccPlan } from './plan.js';
import type { SourceReject } from './source-rows.js';

/** Samples and rejects kept in a result. */
export const SAMPLE_LIMIT = 20;

/** One planned or written row, shown with its display id. */
export interface AccSample {
  display_id: string;
  source_issue_id: string;
  source_project_id: string;
  action: 'insert' | 'update';
  changed_fields?: string[];
}

export interface AccBackfillResult extends Record<string, unknown> {
  source_rows: number;
  rejected: number;
  rejects: SourceReject[];
  duplicates: number;
  before: { acc_rows: number };
  inserted: number;
  updated: number;
  unchanged: number;
  after: { acc_rows: number };
  import_run_id: string | number;
  batch_size: number;
  batches: number;
  unique_key_index: string | null;
  display_id_column: boolean;
  samples: AccSample[];
  gap_before: GapReport;
  gap_after: GapReport | null;
  warnings: string[];
}

/** Up to {@link SAMPLE_LIMIT} planned writes, updates first (they change what is there). */
export function sampleWrites(plan: AccPlan): AccSample[] {
  const updates = plan.writes.filter((write) => write.action === 'update').slice(0, SAMPLE_LIMIT);
  const inserts = plan.writes.filter((write) => write.action === 'insert').slice(0, SAMPLE_LIMIT - updates.length);
  return [...updates, ...inserts].map(({ action, values, changed }) => ({
    display_id: values.displayId,
    source_issue_id: values.sourceIssueId,
    source_project_id: values.sourceProjectId,
    action,
    ...(changed ? { changed_fields: changed } : {}),
  }));
}

/** The next step for an agent after a dry run or an apply. */
export function backfillNextAction(tool: string, result: AccBackfillResult, dryRun: boolean, planId: string, batchSize: number): string {
  const rejected = result.rejected ? ` ${result.rejected} source row(s) were rejected (see rejects[]); fix them in dbo.vw_acc_issue_id_map.` : '';
  if (dryRun) {
    if (result.inserted + result.updated === 0) return `Nothing to write: dim.issue already holds every mapped ACC issue (${result.gap_before.coverage}).${rejected}`;
    const call = applyCall(tool, { batch_size: batchSize }, planId);
    return `Review the plan (${result.inserted} to insert, ${result.updated} to update, ${result.unchanged} unchanged), then apply it after the warehouse ETL has finished: ${call}.${rejected}`;
  }
  const coverage = result.gap_after?.coverage ?? result.gap_before.coverage;
  return `Backfill done (${coverage} covered); verify with acc_warehouse_gap_report, and run the backfill again after each warehouse ETL run (the ETL reloads its filtered set).${rejected}`;
}

/** The run report: counts, coverage before and after, samples, rejects. */
export function backfillMarkdown(result: AccBackfillResult, dryRun: boolean): string {
  const would = dryRun ? ' (dry run: would)' : '';
  const lines = [
    `## ACC warehouse backfill${would}`,
    '',
    '| | value |',
    '|---|---|',
    `| source rows (dbo.vw_acc_issue_id_map) | ${result.source_rows} |`,
    `| rejected / exact duplicates | ${result.rejected} / ${result.duplicates} |`,
    `| import_run_id stamped | ${result.import_run_id} |`,
    `| ACC rows in dim.issue before → after | ${result.before.acc_rows} → ${result.after.acc_rows} |`,
    `| inserted / updated / unchanged | ${result.inserted} / ${result.updated} / ${result.unchanged} |`,
    `| batches of ${result.batch_size} | ${result.batches} |`,
    `| unique index on the key | ${result.unique_key_index ?? 'none (each batch locks dim.issue)'} |`,
    `| display_id written | ${result.display_id_column ? 'yes' : 'no (dim.issue has no display_id column)'} |`,
    '',
    `Coverage before: **${result.gap_before.coverage}**${result.gap_after ? `; after: **${result.gap_after.coverage}**` : ''}.`,
    '',
    ...table('Samples', ['display_id', 'action', 'source_project_id', 'source_issue_id', 'changed_fields'], result.samples),
    ...table('Rejected source rows', ['issue_key', 'reason'], result.rejects),
    ...(result.warnings.length ? ['## Warnings', '', ...result.warnings.map((w) => `- ${w}`), ''] : []),
  ];
  return lines.join('\n');
}

function table(title: string, columns: string[], rows: readonly object[]): string[] {
  if (!rows.length) return [];
  const cell = (value: unknown) => String(Array.isArray(value) ? value.join(', ') : (value ?? '')).replace(/\|/g, '\\|').replace(/[\r\n\t]+/g, ' ');
  return [`## ${title}`, '', `| ${columns.join(' | ')} |`, `|${columns.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${columns.map((c) => cell((row as Record<string, unknown>)[c])).join(' | ')} |`), ''];
}
