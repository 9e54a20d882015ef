/**
 * INNERGY project import (runbook step 4): canonical projects → INNERGY projects.
 *
 * source (canonical file) → read INNERGY (paged) → plan (the mapper below: create / update /
 * unchanged / skip with reasons) → apply (intents, reconcile) → write innergy_id back → report.
 * A second run over the same file creates nothing; a create whose response was lost is found by
 * ExternalIdentifier before any retry, so there is never a duplicate.
 */
import { applyCall, composePlan, executePlan, idsOfRun, planRecords, samplePlan, type PlanOutcome, type PlanSample, type RecordMapper, type RecordPlanData } from '../../engine/plan-apply.js';
import type { ComputedPlan } from '../../engine/plan.js';
import type { RunContext } from '../../engine/run-context.js';
import type { RunOutcome } from '../../engine/run-definition.js';
import { apiStats, type ApiStats } from '../../http/index.js';
import type { CanonicalProject } from '../../sources/canonical/schema.js';
import { readCanonicalProjects, writeInnergyIds } from '../../sources/canonical/projects-file.js';
import { changedFields, money, PROJECT_COMPARED_FIELDS, type InnergyProject, type ProjectPayload } from '../../targets/innergy/fields.js';
import { indexByExternalKey } from '../../targets/innergy/target.js';
import type { InnergyConnection } from '../../targets/registry.js';
import { boundedList } from '../../transform/warnings.js';

export const PROJECT_IMPORT_TOOL = 'run_innergy_project_import';

export interface ProjectImportInput {
  canonicalFile: string;
  dryRun: boolean;
  planId?: string | undefined;
}

export interface ProjectImportResult extends Record<string, unknown> {
  canonical_file: string;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failed: number;
  reconciled: number;
  projects: PlanSample<'job_number', 'innergy_id'>[];
  failures: { key: string; error: string }[];
  warnings: string[];
  canonical_file_updated: string | null;
  api: ApiStats;
}

/** Why INNERGY would refuse this project, or undefined when it can be imported. */
export function projectProblem(project: CanonicalProject): string | undefined {
  if (!project.name) return "Missing required field 'name'";
  if (!project.customer_name) return "Missing required field 'customer_name'";
  if (!project.status) return `Unknown status value: '${project.ppak_status ?? ''}' (add it to status_mapping.csv and re-run the ETL)`;
  if (!project.phase) return `Unknown phase value: '${project.ppak_phase ?? ''}' (add it to phase_mapping.csv and re-run the ETL)`;
  return undefined;
}

/** The INNERGY payload of a canonical project. */
export function toProjectPayload(project: CanonicalProject): ProjectPayload {
  return {
    Number: project.ppak_job_number,
    Name: project.name,
    CustomerName: project.customer_name,
    Status: project.status,
    Phase: project.phase,
    StartDate: project.start_date,
    DueDate: project.due_date,
    ContractAmount: money(project.contract_amount),
    ExternalIdentifier: project.ppak_job_number,
  };
}

/**
 * How canonical projects are planned against INNERGY's projects: matched by the `innergy_id` the
 * file carries when INNERGY still has it, else by ExternalIdentifier (or Number). Surprises on the
 * target (duplicates, vanished ids) are added to `warnings`.
 */
export function projectMapper(existing: readonly InnergyProject[], warnings: string[]): RecordMapper<CanonicalProject, ProjectPayload, InnergyProject> {
  const byKey = indexByExternalKey(existing, (p) => p.Number);
  const byId = new Map(existing.map((p) => [p.Id, p]));
  return {
    kind: 'project',
    key: (project) => project.ppak_job_number,
    payload: toProjectPayload,
    source: (project) => project.source,
    skipReason: projectProblem,
    current: (project, key) => {
      const matches = byKey.get(key) ?? [];
      if (matches.length > 1) warnings.push(`INNERGY has ${matches.length} projects for job ${key} (ids ${matches.map((m) => m.Id).join(', ')}); using ${matches[0]!.Id}. Remove the duplicates in INNERGY.`);
      const known = project.innergy_id ? byId.get(project.innergy_id) : undefined;
      if (project.innergy_id && !known) {
        warnings.push(`innergy_id ${project.innergy_id} of job ${key} no longer exists in INNERGY; ${matches[0] ? `using ${matches[0].Id} found by ExternalIdentifier` : 'it will be created again'}.`);
      }
      return known ?? matches[0];
    },
    idOf: (current) => current.Id,
    changes: (desired, current) => changedFields(PROJECT_COMPARED_FIELDS, desired, current as unknown as Record<string, unknown>),
    facts: (current) => PROJECT_COMPARED_FIELDS.map((field) => current[field] ?? null),
  };
}

/** Plans every project of a canonical file against INNERGY's current projects. */
export function planProjects(projects: readonly CanonicalProject[], existing: readonly InnergyProject[], warnings: string[]): ComputedPlan<RecordPlanData<ProjectPayload>> {
  return composePlan(PROJECT_IMPORT_TOOL, [planRecords(projects, projectMapper(existing, warnings), { system: 'INNERGY' })]);
}

export async function runProjectImport(input: ProjectImportInput, ctx: RunContext, innergy: InnergyConnection): Promise<RunOutcome<ProjectImportResult>> {
  ctx.progress.start('reading the canonical projects file');
  const document = await readCanonicalProjects(input.canonicalFile);
  ctx.progress.start('reading INNERGY projects');
  const existing = await innergy.client.listProjects(ctx.signal);
  const warnings: string[] = [];
  const plan = planProjects(document.projects, existing, warnings);

  let outcome: PlanOutcome<ProjectPayload> | undefined;
  let updatedFile = false;
  try {
    outcome = await executePlan({ ctx, plan, dryRun: input.dryRun, planId: input.planId, phases: [{ label: 'writing INNERGY projects', target: innergy.projects }] });
  } finally {
    // Even when the run stops (auth error, open circuit, cancel), the ids of the projects this run
    // already wrote go into the canonical file. A run refused before writing (a stale plan) wrote
    // nothing, so it leaves the file as it was.
    if (!input.dryRun) {
      const ids = idsOfRun(ctx, outcome?.items ?? [], innergy.projects);
      updatedFile = await writeInnergyIds(input.canonicalFile, ids).catch((error: unknown) => {
        ctx.logger.error(`Could not write innergy_id values back into ${input.canonicalFile}: ${(error as Error).message}`);
        return false;
      });
    }
  }
  const { counts } = outcome!;
  const result: ProjectImportResult = {
    canonical_file: input.canonicalFile,
    created: counts.create,
    updated: counts.update,
    unchanged: counts.unchanged,
    skipped: counts.skip,
    failed: counts.failed,
    reconciled: outcome!.reconciled,
    projects: samplePlan(outcome!.items, { key: 'job_number', id: 'innergy_id' }, outcome!.ids.get('project') ?? new Map(), outcome!.failures),
    failures: outcome!.failures,
    warnings: boundedList(warnings),
    canonical_file_updated: updatedFile ? input.canonicalFile : null,
    api: apiStats(innergy.client.stats()),
  };
  return { result, planId: plan.planId, nextAction: nextAction(input, result, plan.planId) };
}

function nextAction(input: ProjectImportInput, result: ProjectImportResult, planId: string): string {
  if (input.dryRun) {
    if (result.created + result.updated) {
      const call = applyCall(PROJECT_IMPORT_TOOL, { canonical_file: input.canonicalFile }, planId);
      return `Review the plan (${result.created} to create, ${result.updated} to update, ${result.skipped} skipped), then apply it: ${call}.`;
    }
    return result.skipped
      ? `Nothing to write; fix the ${result.skipped} skipped project(s) (see projects[].reason) and re-run the ETL.`
      : 'Nothing to import: INNERGY already matches the canonical file.';
  }
  if (result.failed) return `${result.failed} project(s) failed (see failures); fix the cause and call run_innergy_project_import again — done projects cost no writes.`;
  if (result.skipped) {
    return `${result.skipped} project(s) were skipped (see projects[].reason); fix them in the export or the mappings, re-run the ETL and the import. Then run migration_health_check.`;
  }
  return `Run migration_health_check {"canonical_file": "${input.canonicalFile}"} to verify the migration.`;
}
