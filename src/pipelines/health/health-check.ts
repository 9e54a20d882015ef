/**
 * Migration health check (runbook step 5): read-only checks of a canonical projects file against
 * INNERGY, each `{name, status: pass|warn|fail, count, samples}`; `ok` is false when any fails.
 * Writes `health_check_<date>.md` next to the canonical outputs.
 */
import path from 'node:path';
import { writeFileAtomic } from '../../outputs/atomic-write.js';
import type { RunContext } from '../../engine/run-context.js';
import type { RunOutcome } from '../../engine/run-definition.js';
import type { CanonicalProject } from '../../sources/canonical/schema.js';
import { readCanonicalProjects } from '../../sources/canonical/projects-file.js';
import type { InnergyMaterial, InnergyProject } from '../../targets/innergy/fields.js';
import { indexByExternalKey } from '../../targets/innergy/target.js';
import type { InnergyConnection } from '../../targets/registry.js';

export const HEALTH_CHECK_TOOL = 'migration_health_check';
const SAMPLE_SIZE = 10;

export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface HealthCheck {
  name: string;
  status: CheckStatus;
  count: number;
  samples: string[];
  detail?: string;
}

export interface HealthCheckResult extends Record<string, unknown> {
  ok: boolean;
  canonical_file: string;
  checks: HealthCheck[];
  report_path: string;
}

export interface HealthCheckInput {
  canonicalFile: string;
  outputDir: string;
}

/** INNERGY state the checks need; undefined when INNERGY is not configured. */
export interface InnergyState {
  projects: InnergyProject[];
  materials: InnergyMaterial[];
}

/** Runs the checks; `innergy` is undefined when INNERGY is not configured (ids and materials are then not verified). */
export async function runHealthCheck(input: HealthCheckInput, ctx: RunContext, innergy: InnergyConnection | undefined): Promise<RunOutcome<HealthCheckResult>> {
  ctx.progress.start('reading the canonical projects file');
  const document = await readCanonicalProjects(input.canonicalFile);
  let state: InnergyState | undefined;
  if (innergy) {
    const { client } = innergy;
    ctx.progress.start('checking the INNERGY connection');
    await client.verifyAccess(ctx.signal);
    ctx.progress.start('reading INNERGY projects and materials');
    state = { projects: await client.listProjects(ctx.signal), materials: await client.listMaterials(ctx.signal) };
  }
  const checks = evaluateHealth(document.projects, state);
  const ok = checks.every((check) => check.status !== 'fail');
  const reportPath = ctx.config.sandbox.resolve(path.join(input.outputDir, `health_check_${document.export_date}.md`), 'health report');
  const markdown = renderHealthReport(input.canonicalFile, ok, checks);
  await writeFileAtomic(reportPath, markdown);
  const failing = checks.filter((check) => check.status === 'fail').map((check) => check.name);
  const nextAction = ok
    ? 'The migration is healthy.'
    : `Fix the failing checks (${failing.join(', ')}): ${adviceFor(failing[0]!)} Then run migration_health_check again.`;
  return { result: { ok, canonical_file: input.canonicalFile, checks, report_path: reportPath }, nextAction, markdown };
}

/** The five checks of the runbook over canonical projects and (when known) INNERGY's state. */
export function evaluateHealth(projects: readonly CanonicalProject[], state: InnergyState | undefined): HealthCheck[] {
  return [missingInnergyId(projects, state), missingMaterials(projects, state), unmapped(projects, 'status'), unmapped(projects, 'phase'), dataQuality(projects)];
}

function check(name: string, items: readonly string[], failWhen: boolean, detail?: string): HealthCheck {
  const result: HealthCheck = { name, status: items.length === 0 ? 'pass' : failWhen ? 'fail' : 'warn', count: items.length, samples: items.slice(0, SAMPLE_SIZE) };
  if (detail) result.detail = detail;
  return result;
}

function missingInnergyId(projects: readonly CanonicalProject[], state: InnergyState | undefined): HealthCheck {
  const ids = state ? new Set(state.projects.map((p) => p.Id)) : undefined;
  const missing = new Set<string>();
  for (const project of projects) {
    if (!project.innergy_id) missing.add(`${project.ppak_job_number}: no innergy_id`);
    else if (ids && !ids.has(project.innergy_id)) missing.add(`${project.ppak_job_number}: innergy_id ${project.innergy_id} not found in INNERGY`);
  }
  return check('projects_missing_innergy_id', [...missing], true, state ? undefined : 'INNERGY is not configured: ids were not verified against INNERGY.');
}

function missingMaterials(projects: readonly CanonicalProject[], state: InnergyState | undefined): HealthCheck {
  if (!state) return { name: 'materials_missing_in_innergy', status: 'warn', count: 0, samples: [], detail: 'INNERGY is not configured: materials were not checked.' };
  const known = indexByExternalKey(state.materials, (m) => m.Sku);
  for (const material of state.materials) if (!known.has(material.Sku)) known.set(material.Sku, [material]);
  const missing = new Map<string, string[]>();
  for (const project of projects) {
    for (const sku of project.material_skus) {
      if (known.has(sku)) continue;
      const jobs = missing.get(sku) ?? [];
      jobs.push(project.ppak_job_number);
      missing.set(sku, jobs);
    }
  }
  const samples = [...missing].map(([sku, jobs]) => `${sku} (used by ${jobs.slice(0, 3).join(', ')}${jobs.length > 3 ? ` and ${jobs.length - 3} more` : ''})`);
  return check('materials_missing_in_innergy', samples, true);
}

function unmapped(projects: readonly CanonicalProject[], field: 'status' | 'phase'): HealthCheck {
  const raw = field === 'status' ? 'ppak_status' : 'ppak_phase';
  const byJob = new Map(projects.filter((p) => !p[field]).map((p) => [p.ppak_job_number, `${p.ppak_job_number}: '${p[raw] ?? ''}'`]));
  return check(`unmapped_${field}`, [...byJob.values()], true);
}

function dataQuality(projects: readonly CanonicalProject[]): HealthCheck {
  const problems = new Map<string, string[]>();
  const add = (key: string, problem: string) => problems.set(key, [...(problems.get(key) ?? []), problem]);
  const seen = new Map<string, number>();
  let fatal = false;
  for (const project of projects) {
    const key = project.ppak_job_number;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    if (!project.name) add(key, 'missing name');
    if (!project.customer_name) add(key, 'missing customer_name');
    if (project.start_date && project.due_date && project.due_date < project.start_date) add(key, `due date ${project.due_date} before start date ${project.start_date}`);
  }
  for (const [key, count] of seen) if (count > 1) add(key, `job number appears ${count} times`);
  for (const list of problems.values()) if (list.some((p) => !p.startsWith('due date'))) fatal = true;
  const samples = [...problems].map(([key, list]) => `${key}: ${list.join('; ')}`);
  return check('data_quality', samples, fatal);
}

function adviceFor(name: string): string {
  switch (name) {
    case 'projects_missing_innergy_id':
      return 'import them with run_innergy_project_import (dry run, then apply).';
    case 'materials_missing_in_innergy':
      return 'add the materials to MATERIAL_LIBRARY_MASTER and run sync_innergy_material_library.';
    case 'unmapped_status':
      return 'add the values to status_mapping.csv and re-run the ETL.';
    case 'unmapped_phase':
      return 'add the values to phase_mapping.csv and re-run the ETL.';
    default:
      return 'correct the PPak export (required fields, dates, duplicate job numbers) and re-run the ETL.';
  }
}

function renderHealthReport(file: string, ok: boolean, checks: readonly HealthCheck[]): string {
  const lines = [`# Migration health check`, '', `Canonical file: \`${file}\``, '', `**Result: ${ok ? 'healthy' : 'NOT healthy'}**`, '', '| check | status | count |', '|---|---|---|'];
  for (const c of checks) lines.push(`| ${c.name} | ${c.status} | ${c.count} |`);
  for (const c of checks) {
    if (c.status === 'pass' && !c.detail) continue;
    lines.push('', `## ${c.name} (${c.status})`, '');
    if (c.detail) lines.push(c.detail, '');
    lines.push(...c.samples.map((s) => `- ${s}`));
    if (c.count > c.samples.length) lines.push(`- … and ${c.count - c.samples.length} more`);
    if (c.status === 'fail') lines.push('', `What to do: ${adviceFor(c.name)}`);
  }
  return `${lines.join('\n')}\n`;
}
