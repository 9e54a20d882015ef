/**
 * The readable report of an ETL run, `migration_summary_<date>.md`: counts per entity, unmapped
 * values with their counts and the fix, a sample of rejects with file:line and reason, warnings and
 * the output paths. Everything in it is bounded (samples, not full lists).
 */
import path from 'node:path';
import type { PpakEtlResult } from './result.js';

/** Facts the report needs beyond the result. */
export interface SummaryContext {
  generatedAt: string;
  exportDir: string;
  mappingDir: string;
  dateRange: { from: string; to: string } | undefined;
  /** Base names of the export files read. */
  inputs: string[];
  /** Rejects in all (the result holds a sample). */
  rejectedTotal: number;
}

/** Escapes a value for a Markdown table cell. */
function cell(value: string | number): string {
  return String(value).replaceAll('\\', '\\\\').replaceAll('|', '\\|').replace(/\r?\n|\r/g, ' ');
}

function countsTable(result: PpakEtlResult): string[] {
  const { projects: p, materials: m, work_orders: w } = result;
  return [
    '| entity | read | written | rejected | duplicates | filtered |',
    '|---|---:|---:|---:|---:|---:|',
    `| projects | ${p.read} | ${p.written} | ${p.rejected} | ${p.duplicates} | ${p.filtered} |`,
    `| materials | ${m.read} | ${m.written} | ${m.rejected} | ${m.duplicates} | – |`,
    `| work orders | ${w.read} | ${w.written} | ${w.rejected} | ${w.duplicates} | – |`,
  ];
}

const FIXES = {
  status: (dir: string) => `Add each value to \`${path.join(dir, 'status_mapping.csv')}\` (\`ppak_status,innergy_status\`) and re-run the ETL.`,
  phase: (dir: string) => `Add each value to \`${path.join(dir, 'phase_mapping.csv')}\` (\`ppak_phase,innergy_phase\`) and re-run the ETL.`,
  material: (dir: string) =>
    `Map a renamed SKU in \`${path.join(dir, 'material_mapping.csv')}\` (\`ppak_sku,canonical_sku\`), or add the material to the materials export and MATERIAL_LIBRARY_MASTER (then sync it to INNERGY), and re-run the ETL.`,
};

function unmappedSection(result: PpakEtlResult, mappingDir: string): string[] {
  const lines = ['## Unmapped values', ''];
  const kinds = [
    ['status', 'Status', 'projects'],
    ['phase', 'Phase', 'projects'],
    ['material', 'Material SKUs', 'projects'],
  ] as const;
  let any = false;
  for (const [kind, title, unit] of kinds) {
    const entries = Object.entries(result.unmapped[kind]);
    if (entries.length === 0) continue;
    any = true;
    lines.push(`### ${title}`, '', `| PPak value | ${unit} |`, '|---|---:|');
    for (const [value, count] of entries) lines.push(`| ${cell(value)} | ${count} |`);
    lines.push('', `Fix: ${FIXES[kind](mappingDir)}`, '');
  }
  if (!any) lines.push('Every status, phase and SKU was mapped.', '');
  return lines;
}

function rejectsSection(result: PpakEtlResult, total: number): string[] {
  const lines = [`## Rejected records (${total})`, ''];
  if (total === 0) return [...lines, 'No record was rejected.', ''];
  lines.push('| entity | file:line | reason |', '|---|---|---|');
  for (const sample of result.reject_samples) lines.push(`| ${sample.entity} | ${cell(`${sample.file}:${sample.line}`)} | ${cell(sample.reason)} |`);
  const shown = result.reject_samples.length;
  lines.push('', `${shown < total ? `The first ${shown} of ${total} are shown; a` : 'A'}ll rejected rows, with their raw text, are in \`${result.outputs.rejects}\`. Fix them in PPak, re-export and re-run the ETL.`, '');
  return lines;
}

/** Renders the Markdown report. */
export function renderSummaryReport(result: PpakEtlResult, context: SummaryContext): string {
  const range = context.dateRange ? `${context.dateRange.from} to ${context.dateRange.to} (project start date, inclusive)` : 'none';
  const lines = [
    `# PPak migration summary — export ${result.export_date}`,
    '',
    `- Generated: ${context.generatedAt}`,
    `- Export folder: \`${context.exportDir}\``,
    `- Files read: ${context.inputs.map((name) => `\`${name}\``).join(', ')}`,
    `- Mapping folder: \`${context.mappingDir}\``,
    `- Date range: ${range}`,
    '',
    '## Counts',
    '',
    ...countsTable(result),
    '',
    ...unmappedSection(result, context.mappingDir),
    ...rejectsSection(result, context.rejectedTotal),
    '## Warnings',
    '',
    ...(result.warnings.length === 0 ? ['None.'] : result.warnings.map((warning) => `- ${warning.replace(/\r?\n|\r/g, ' ')}`)),
    '',
    '## Outputs',
    '',
    `- Canonical projects: \`${result.outputs.canonical_projects}\``,
    `- Canonical materials: \`${result.outputs.canonical_materials}\``,
    `- Rejects: \`${result.outputs.rejects}\``,
    `- This report: \`${result.outputs.summary_report}\``,
    '',
    'Next: review the unmapped values and rejects above, then run the material library sync and the INNERGY project import (dry run first).',
    '',
  ];
  return lines.join('\n');
}
