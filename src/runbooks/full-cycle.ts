/**
 * The full migration cycle (the operations agent's `migration.run_full_cycle`), as ONE run:
 * PPak ETL → material sync → project import → health check, with per-step summaries and one
 * combined report. A dry run chains the dry runs (the ETL writes only local files; the health
 * check is read-only). The cycle stops at a failed step with the reason and the next action.
 * Finished steps are checkpointed, so a resumed cycle continues with the step that stopped.
 */
import { MigrationError } from '../engine/errors.js';
import { renderResultMarkdown } from '../engine/reports.js';
import type { RunContext } from '../engine/run-context.js';
import type { RunOutcome } from '../engine/run-definition.js';
import { runHealthCheck } from '../pipelines/health/health-check.js';
import { MATERIAL_SYNC_TOOL, runMaterialSync } from '../pipelines/innergy/material-sync.js';
import { PROJECT_IMPORT_TOOL, runProjectImport } from '../pipelines/innergy/project-import.js';
import { runPpakEtl } from '../pipelines/ppak/etl.js';
import type { TargetRegistry } from '../targets/registry.js';

export const FULL_CYCLE_TOOL = 'run_full_cycle';
/** The cycle locks the jobs of its steps: no step's own tool can run beside it. */
export const FULL_CYCLE_JOBS = [FULL_CYCLE_TOOL, 'run_ppak_export_etl', MATERIAL_SYNC_TOOL, PROJECT_IMPORT_TOOL] as const;
export const FULL_CYCLE_STEPS = ['etl', 'material_sync', 'project_import', 'health_check'] as const;
export type CycleStep = (typeof FULL_CYCLE_STEPS)[number];

export interface FullCycleInput {
  exportDir: string;
  outputDir: string;
  mappingDir: string;
  materialLibrary: string;
  exportDate?: string | undefined;
  dateRange?: { from: string; to: string } | undefined;
  dryRun: boolean;
}

export interface StepSummary {
  status: 'succeeded' | 'failed' | 'skipped';
  plan_id?: string | null;
  next_action?: string;
  result?: Record<string, unknown>;
  error?: { kind: string; message: string; action: string };
}

export interface FullCycleResult extends Record<string, unknown> {
  steps: Partial<Record<CycleStep, StepSummary>>;
  stopped_at: CycleStep | null;
  canonical_file: string | null;
  health_ok: boolean | null;
}

export async function runFullCycle(input: FullCycleInput, ctx: RunContext, targets: TargetRegistry): Promise<RunOutcome<FullCycleResult>> {
  const innergy = () => targets.innergy({ logger: ctx.logger });
  const steps: FullCycleResult['steps'] = {};
  const sections: string[] = [];
  let canonicalFile: string | null = null;

  const execute: Record<CycleStep, () => Promise<RunOutcome>> = {
    etl: async () => {
      const result = await runPpakEtl(
        { exportDir: input.exportDir, outputDir: input.outputDir, mappingDir: input.mappingDir, exportDate: input.exportDate, dateRange: input.dateRange, knownInnergyIds: targets.knownInnergyIds(ctx.ledger, 'project') },
        ctx,
      );
      return { result: { ...result }, nextAction: 'Continue with the material sync.' };
    },
    material_sync: async () => runMaterialSync({ materialLibrary: input.materialLibrary, dryRun: input.dryRun, mode: 'api', outputDir: input.outputDir }, ctx, innergy()),
    project_import: async () => runProjectImport({ canonicalFile: canonicalFile!, dryRun: input.dryRun }, ctx, innergy()),
    health_check: async () => runHealthCheck({ canonicalFile: canonicalFile!, outputDir: input.outputDir }, ctx, targets.innergyConfigured() ? innergy() : undefined),
  };

  for (const step of FULL_CYCLE_STEPS) {
    const checkpoint = input.dryRun ? undefined : ctx.ledger.checkpoints.get<StepSummary>(ctx.runId, `step:${step}`);
    let summary: StepSummary;
    if (checkpoint) {
      summary = checkpoint;
      sections.push(`## Step: ${step} (done earlier in this run)`, '', summary.next_action ?? '', '');
    } else {
      try {
        const outcome = await execute[step]();
        summary = { status: 'succeeded', plan_id: outcome.planId ?? null, next_action: outcome.nextAction, result: outcome.result };
        sections.push(`## Step: ${step}`, '', outcome.markdown ?? renderResultMarkdown(outcome.result), '');
      } catch (error) {
        if (!(error instanceof MigrationError) || error.kind === 'cancelled') throw error;
        steps[step] = { status: 'failed', error: { kind: error.kind, message: error.message, action: error.action } };
        sections.push(`## Step: ${step} — FAILED`, '', error.message, '', `**What to do:** ${error.action}`, '');
        for (const later of FULL_CYCLE_STEPS.slice(FULL_CYCLE_STEPS.indexOf(step) + 1)) steps[later] = { status: 'skipped' };
        const result: FullCycleResult = { steps, stopped_at: step, canonical_file: canonicalFile, health_ok: null };
        return { result, planId: null, nextAction: `The cycle stopped at ${step}: ${error.action}`, markdown: sections.join('\n'), failure: error };
      }
      if (!input.dryRun) ctx.ledger.checkpoints.set(FULL_CYCLE_TOOL, ctx.runId, `step:${step}`, summary);
    }
    steps[step] = summary;
    if (step === 'etl') canonicalFile = String((summary.result?.outputs as Record<string, unknown>).canonical_projects);
  }

  const healthOk = Boolean(steps.health_check?.result?.ok);
  const result: FullCycleResult = { steps, stopped_at: null, canonical_file: canonicalFile, health_ok: healthOk };
  const nextAction = input.dryRun
    ? `Review each step's plan, then run run_full_cycle again with dry_run: false to apply it.`
    : healthOk
      ? 'Migration cycle complete and healthy.'
      : `Migration cycle applied, but the health check is not ok: ${steps.health_check?.next_action ?? 'see the report.'}`;
  return { result, planId: null, nextAction, markdown: sections.join('\n') };
}
