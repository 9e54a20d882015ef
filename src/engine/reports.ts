/**
 * Run reports: `reports/<run_id>.json` and `.md` under the output dir, written atomically and
 * redacted. Results are bounded by the pipelines (counts + samples), so a report never floods
 * an agent's context; this module also offers a generic Markdown rendering of such results.
 */
import path from 'node:path';
import type { PathSandbox } from '../config/sandbox.js';
import { writeFileAtomic, writeJsonAtomic } from '../outputs/atomic-write.js';
import type { RunRecord } from './ledger/run-store.js';
import { redact, redactValue } from '../logging/redact.js';

export interface ReportPaths {
  json: string;
  markdown: string;
}

/**
 * Writes the JSON and Markdown report of a run under `<outputDir>/reports`; returns their absolute
 * paths. Every path is resolved through the sandbox first (symlinks followed), so a `reports`
 * folder that links outside the data roots is refused instead of written through.
 */
export async function writeRunReport(sandbox: PathSandbox, outputDir: string, run: RunRecord, result: Record<string, unknown>, markdownBody: string): Promise<ReportPaths> {
  const dir = sandbox.resolve(path.join(outputDir, 'reports'), 'reports folder');
  const paths = {
    json: sandbox.resolve(path.join(dir, `${run.run_id}.json`), 'run report'),
    markdown: sandbox.resolve(path.join(dir, `${run.run_id}.md`), 'run report'),
  };
  const { result: _ignored, report_json: _j, report_md: _m, ...header } = run;
  await writeJsonAtomic(paths.json, redactValue({ run: header, result }));
  await writeFileAtomic(paths.markdown, redact(renderReport(run, result, markdownBody)));
  return paths;
}

function renderReport(run: RunRecord, result: Record<string, unknown>, body: string): string {
  const lines = [
    `# ${run.tool} — ${run.run_id}`,
    '',
    '| field | value |',
    '|---|---|',
    `| status | ${run.status} |`,
    `| dry run | ${run.dry_run ? 'yes (nothing was written to the target)' : 'no'} |`,
    `| plan id | ${run.plan_id ?? '–'} |`,
    `| started | ${run.started_at} |`,
    `| finished | ${run.finished_at ?? '–'} |`,
    `| attempts | ${run.attempts} |`,
    '',
  ];
  if (run.error) lines.push('## Error', '', `${run.error.message}`, '', `**What to do:** ${run.error.action}`, '');
  if (body.trim()) lines.push(body.trim(), '');
  if (typeof result.next_action === 'string') lines.push('## Next action', '', result.next_action, '');
  return `${lines.join('\n')}\n`;
}

/** A readable Markdown rendering of a bounded result object: counts as tables, samples as lists. */
export function renderResultMarkdown(result: Record<string, unknown>, skip: readonly string[] = []): string {
  const scalars: string[] = [];
  const sections: string[] = [];
  const ignore = new Set(['run_id', 'status', 'dry_run', 'plan_id', 'report_uri', 'next_action', ...skip]);
  for (const [key, value] of Object.entries(result)) {
    if (ignore.has(key) || value === undefined) continue;
    if (value === null || typeof value !== 'object') {
      scalars.push(`| ${key} | ${String(value)} |`);
    } else if (Array.isArray(value)) {
      if (value.length === 0) continue;
      sections.push(`## ${key}`, '', ...value.slice(0, 20).map((item) => `- ${typeof item === 'string' ? item : JSON.stringify(item)}`), '');
    } else {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 0) continue;
      sections.push(`## ${key}`, '', '| key | value |', '|---|---|', ...entries.map(([k, v]) => `| ${k} | ${typeof v === 'object' ? JSON.stringify(v) : String(v)} |`), '');
    }
  }
  const head = scalars.length ? ['## Summary', '', '| key | value |', '|---|---|', ...scalars, ''] : [];
  return [...head, ...sections].join('\n');
}
