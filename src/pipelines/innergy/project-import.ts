/**
 * INNERGY project import (runbook step 4): canonical projects → INNERGY projects.
 *
 * source (canonical file) → validate → read INNERGY (paged) → plan (create / update / unchanged /
 * skip, with reasons) → apply (intents, reconcile) → write innergy_id back → report.
 * A second run over the same file creates nothing; a create whose response was lost is found by
 * ExternalIdentifier before any retry, so there is never a duplicate.
 */
import { applyWrites, tallyIntents, type ApplyItem, type ApplyReport } from '../../engine/apply.js';
import { contentHash } from '../../engine/canonical-hash.js';
import type { Intent } from '../../engine/ledger/intent-store.js';
import type { PlanItem } from '../../engine/ledger/plan-store.js';
import { countActions, fingerprint, itemsToApply, makePlan, recordPlan, type ComputedPlan } from '../../engine/plan.js';
import type { RunContext } from '../../engine/run-context.js';
import type { RunOutcome } from '../../engine/runs.js';
import { InnergyClient } from '../../targets/innergy/client.js';
import { changedFields, money, PROJECT_COMPARED_FIELDS, type InnergyProject, type ProjectPayload } from '../../targets/innergy/fields.js';
import type { CanonicalProject } from '../../sources/canonical/schema.js';
import { readCanonicalProjects, writeInnergyIds } from '../../sources/canonical/projects-file.js';
import { indexByExternalKey, projectTarget } from '../../targets/innergy/target.js';
import { apiStats, boundedWarnings, samplePlan, type ApiStats } from './results.js';

export const PROJECT_IMPORT_TOOL = 'run_innergy_project_import';

export interface ProjectImportInput {
  canonicalFile: string;
  dryRun: boolean;
  planId?: string | undefined;
}

export interface ProjectSample {
  job_number: string;
  action: string;
  innergy_id: string | null;
  reason?: string;
  changed_fields?: string[];
}

export interface ProjectImportResult extends Record<string, unknown> {
  canonical_file: string;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failed: number;
  reconciled: number;
  projects: ProjectSample[];
  failures: { key: string; error: string }[];
  warnings: string[];
  canonical_file_updated: string | null;
  api: ApiStats;
}

interface ProjectPlanData {
  payload: ProjectPayload;
  source: CanonicalProject['source'];
  changed?: string[];
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

export async function runProjectImport(input: ProjectImportInput, ctx: RunContext, client = InnergyClient.fromConfig(ctx.config, ctx.logger)): Promise<RunOutcome<ProjectImportResult>> {
  ctx.progress.start('reading the canonical projects file');
  const document = await readCanonicalProjects(input.canonicalFile);
  const warnings: string[] = [];

  ctx.progress.start('reading INNERGY projects');
  const existing = await client.listProjects(ctx.signal);
  const plan = planProjects(document.projects, existing, warnings);
  const planId = plan.planId;
  recordPlan(ctx.ledger, plan, ctx.runId);

  const base = { canonical_file: input.canonicalFile, warnings: boundedWarnings(warnings), canonical_file_updated: null as string | null };
  if (input.dryRun) {
    const counts = countActions(plan.items);
    const result: ProjectImportResult = {
      ...base,
      created: counts.create ?? 0,
      updated: counts.update ?? 0,
      unchanged: counts.unchanged ?? 0,
      skipped: counts.skip ?? 0,
      failed: 0,
      reconciled: 0,
      projects: samplePlan(plan.items, 'job_number', new Map()),
      failures: [],
      api: apiStats(client),
    };
    const writes = result.created + result.updated;
    const nextAction = writes
      ? `Review the plan (${result.created} to create, ${result.updated} to update, ${result.skipped} skipped), then apply it: run_innergy_project_import {"canonical_file": "${input.canonicalFile}", "dry_run": false, "plan_id": "${planId}"}.`
      : result.skipped
        ? `Nothing to write; fix the ${result.skipped} skipped project(s) (see projects[].reason) and re-run the ETL.`
        : 'Nothing to import: INNERGY already matches the canonical file.';
    return { result, planId, nextAction };
  }

  const items = itemsToApply(ctx.ledger, plan, input.planId, ctx.resume);
  const target = projectTarget(client);
  let report: ApplyReport;
  let ids = new Map<string, string>();
  let updatedFile = false;
  try {
    report = await applyWrites<ProjectPayload>({ ctx, target, items: items.map(toApplyItem), phase: 'writing INNERGY projects' });
  } finally {
    // Even when the run stops (auth error, open circuit, cancel), the ids of the projects already
    // created go into the canonical file.
    ids = knownIds(items, ctx.ledger.intents.latestForRun(ctx.runId, target.system, target.kind));
    updatedFile = await writeInnergyIds(input.canonicalFile, ids).catch((error: unknown) => {
      ctx.logger.error(`Could not write innergy_id values back into ${input.canonicalFile}: ${(error as Error).message}`);
      return false;
    });
  }
  const tally = tallyIntents(report.intents);

  const counts = countActions(items.filter((item) => !tally.doneKeys.has(item.key)));
  const result: ProjectImportResult = {
    ...base,
    created: tally.done.create ?? 0,
    updated: tally.done.update ?? 0,
    unchanged: counts.unchanged ?? 0,
    skipped: counts.skip ?? 0,
    failed: tally.failed,
    reconciled: report.reconciled,
    projects: samplePlan(items, 'job_number', ids, tally.failures),
    failures: tally.failures,
    canonical_file_updated: updatedFile ? input.canonicalFile : null,
    api: apiStats(client),
  };
  const nextAction = result.failed
    ? `${result.failed} project(s) failed (see failures); fix the cause and call run_innergy_project_import again — done projects cost no writes.`
    : result.skipped
      ? `${result.skipped} project(s) were skipped (see projects[].reason); fix them in the export or the mappings, re-run the ETL and the import. Then run migration_health_check.`
      : `Run migration_health_check {"canonical_file": "${input.canonicalFile}"} to verify the migration.`;
  return { result, planId, nextAction };
}

/** Plans every project against INNERGY's current projects; also returns the plan's fingerprints. */
export function planProjects(projects: readonly CanonicalProject[], existing: readonly InnergyProject[], warnings: string[]): ComputedPlan<ProjectPlanData> {
  const byKey = indexByExternalKey(existing, (p) => p.Number);
  const byId = new Map(existing.map((p) => [p.Id, p]));
  const seen = new Set<string>();
  const items: PlanItem<ProjectPlanData>[] = [];
  const targetFacts: [string, unknown][] = [];

  for (const project of projects) {
    const key = project.ppak_job_number;
    const payload = toProjectPayload(project);
    const hash = contentHash(payload);
    const data: ProjectPlanData = { payload, source: project.source };
    if (seen.has(key)) {
      items.push({ key, action: 'skip', reason: `duplicate job number ${key} in the canonical file (kept the first)`, content_hash: hash, data });
      continue;
    }
    seen.add(key);
    const problem = projectProblem(project);
    if (problem) {
      items.push({ key, action: 'skip', reason: problem, target_id: project.innergy_id, content_hash: hash, data });
      continue;
    }
    const matches = byKey.get(key) ?? [];
    if (matches.length > 1) warnings.push(`INNERGY has ${matches.length} projects for job ${key} (ids ${matches.map((m) => m.Id).join(', ')}); using ${matches[0]!.Id}. Remove the duplicates in INNERGY.`);
    let current = project.innergy_id ? byId.get(project.innergy_id) : undefined;
    if (project.innergy_id && !current) warnings.push(`innergy_id ${project.innergy_id} of job ${key} no longer exists in INNERGY; ${matches[0] ? `using ${matches[0].Id} found by ExternalIdentifier` : 'it will be created again'}.`);
    current ??= matches[0];
    targetFacts.push([key, current ? { id: current.Id, fields: PROJECT_COMPARED_FIELDS.map((f) => current![f] ?? null) } : null]);
    if (!current) {
      items.push({ key, action: 'create', reason: 'not in INNERGY', content_hash: hash, data });
      continue;
    }
    const changed = changedFields(PROJECT_COMPARED_FIELDS, payload, current as unknown as Record<string, unknown>);
    items.push(
      changed.length
        ? { key, action: 'update', reason: `changed: ${changed.join(', ')}`, target_id: current.Id, content_hash: hash, data: { ...data, changed } }
        : { key, action: 'unchanged', target_id: current.Id, content_hash: hash, data },
    );
  }
  const inputs = fingerprint(items.map((item) => [item.key, `${item.action === 'skip' ? `skip:${item.reason ?? ''}` : ''}${item.content_hash ?? ''}`]));
  return makePlan(PROJECT_IMPORT_TOOL, items, inputs, fingerprint(targetFacts));
}

/** Job number → INNERGY id: from the plan (existing projects) and from acknowledged writes. */
function knownIds(items: readonly PlanItem<ProjectPlanData>[], intents: ReadonlyMap<string, Intent>): Map<string, string> {
  const ids = new Map<string, string>();
  for (const item of items) if (item.target_id) ids.set(item.key, item.target_id);
  for (const intent of intents.values()) if (intent.state === 'acked' && intent.target_id) ids.set(intent.item_key, intent.target_id);
  return ids;
}

function toApplyItem(item: PlanItem<ProjectPlanData>): ApplyItem<ProjectPayload> {
  const op = item.action === 'create' ? 'create' : item.action === 'update' ? 'update' : 'none';
  return { key: item.key, op, targetId: item.target_id ?? null, payload: item.data.payload, contentHash: item.content_hash ?? '', source: item.data.source };
}
