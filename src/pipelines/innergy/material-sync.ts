/**
 * INNERGY material library sync (runbook step 3): the material library master → INNERGY.
 *
 * source (master CSV) → read INNERGY materials (paged) → plan per material (the mapper below):
 * new, updated (name, category, unit, cost, active differ), inactive (deactivated, never deleted),
 * unchanged → apply through the API (intents, reconcile) or, in `csv` mode, write an import-ready
 * CSV. Unchanged materials cost zero writes.
 */
import path from 'node:path';
import { ValidationError } from '../../engine/errors.js';
import { applyCall, composePlan, executePlan, planRecords, samplePlan, type PlanSample, type RecordMapper, type RecordPlanItem } from '../../engine/plan-apply.js';
import { itemsToApply } from '../../engine/plan.js';
import type { RunContext } from '../../engine/run-context.js';
import type { RunOutcome } from '../../engine/run-definition.js';
import { apiStats, type ApiStats } from '../../http/index.js';
import { writeFileAtomic } from '../../outputs/atomic-write.js';
import { csvDocument } from '../../outputs/csv-writer.js';
import { changedFields, DEFAULT_CURRENCY, MATERIAL_COMPARED_FIELDS, money, type InnergyMaterial, type MaterialPayload } from '../../targets/innergy/fields.js';
import { indexByExternalKey } from '../../targets/innergy/target.js';
import type { InnergyConnection } from '../../targets/registry.js';
import { boundedList } from '../../transform/warnings.js';
import { readMaterialLibrary, type LibraryMaterial } from './material-library.js';

export const MATERIAL_SYNC_TOOL = 'sync_innergy_material_library';

export interface MaterialSyncInput {
  materialLibrary: string;
  dryRun: boolean;
  planId?: string | undefined;
  mode: 'api' | 'csv';
  outputDir: string;
}

export interface MaterialSyncResult extends Record<string, unknown> {
  material_library: string;
  mode: 'api' | 'csv';
  new: number;
  updated: number;
  inactive: number;
  unchanged: number;
  failed: number;
  rejected: number;
  not_in_master: number;
  items: PlanSample<'sku', 'innergy_id'>[];
  failures: { key: string; error: string }[];
  warnings: string[];
  csv_file: string | null;
  api: ApiStats | null;
}

/** Plan action → result key and import-CSV action. */
const ACTION_KEYS = { create: 'new', update: 'updated', deactivate: 'inactive', unchanged: 'unchanged' } as const;

/** The INNERGY payload of a master material. */
export function toMaterialPayload(material: LibraryMaterial): MaterialPayload {
  return {
    Sku: material.sku,
    Name: material.name,
    Category: material.category,
    Unit: material.unit,
    UnitCost: money(material.unit_cost),
    Active: material.active,
    ExternalIdentifier: material.sku,
  };
}

/**
 * How master materials are planned against INNERGY's (undefined: INNERGY's state is unknown, so
 * every material is listed as new, or to deactivate when inactive).
 */
export function materialMapper(existing: readonly InnergyMaterial[] | undefined, file: string): RecordMapper<LibraryMaterial, MaterialPayload, InnergyMaterial> {
  const index = indexByExternalKey(existing ?? [], (m) => m.Sku);
  const label = path.basename(file);
  return {
    kind: 'material',
    key: (material) => material.sku,
    payload: toMaterialPayload,
    source: (material) => ({ file: label, line: material.line }),
    current: (_material, key) => index.get(key)?.[0],
    idOf: (current) => current.Id,
    changes: (desired, current) => changedFields(MATERIAL_COMPARED_FIELDS, desired, current as unknown as Record<string, unknown>),
    facts: (current) => MATERIAL_COMPARED_FIELDS.map((field) => current[field] ?? null),
    absent: (material) =>
      material.active || !existing
        ? { action: material.active ? 'create' : 'deactivate', reason: 'not in INNERGY' }
        : { action: 'unchanged', reason: 'inactive in the master and absent from INNERGY' },
    changed: (material, _payload, current) => (!material.active && current.Active ? 'deactivate' : 'update'),
  };
}

/** Plans every master material (see {@link materialMapper}); `notInMaster` counts INNERGY materials the master lacks. */
export function planMaterials(materials: readonly LibraryMaterial[], existing: readonly InnergyMaterial[] | undefined, file: string, mode: 'api' | 'csv') {
  const keys = new Set(materials.map((m) => m.sku));
  const planned = planRecords(materials, materialMapper(existing, file), { system: 'INNERGY' });
  const plan = composePlan(MATERIAL_SYNC_TOOL, [planned], { variant: mode, ...(existing ? {} : { targetUnknown: `unknown:${file}` }) });
  const notInMaster = (existing ?? []).filter((m) => !keys.has(m.ExternalIdentifier || m.Sku)).length;
  return { plan, notInMaster };
}

export async function runMaterialSync(input: MaterialSyncInput, ctx: RunContext, innergy: InnergyConnection | undefined): Promise<RunOutcome<MaterialSyncResult>> {
  ctx.progress.start('reading the material library');
  const { materials, rejects } = await readMaterialLibrary(input.materialLibrary, ctx.signal, ctx.config.maxRecordBytes);
  const warnings = rejects.map((r) => `${r.file}:${r.line}: ${r.reason}`);
  if (materials.length === 0 && rejects.length > 0) {
    throw new ValidationError(`Every one of the ${rejects.length} rows of ${input.materialLibrary} was rejected; the first: ${warnings[0]}.`, {
      action: 'Fix the material library (sku,name,category,unit,unit_cost,active; UTF-8; comma-separated) and run the sync again.',
    });
  }
  let existing: InnergyMaterial[] | undefined;
  if (innergy) {
    ctx.progress.start('reading INNERGY materials');
    existing = await innergy.client.listMaterials(ctx.signal);
  } else {
    warnings.push('INNERGY is not configured: the CSV lists every material of the master, as if INNERGY had none of them.');
  }
  const { plan, notInMaster } = planMaterials(materials, existing, input.materialLibrary, input.mode);
  if (notInMaster) warnings.push(`${notInMaster} INNERGY material(s) are not in the master; they are left as they are.`);

  const toCsv = input.mode === 'csv';
  const outcome = await executePlan({
    ctx,
    plan,
    dryRun: input.dryRun || toCsv,
    planId: input.planId,
    phases: innergy ? [{ label: 'writing INNERGY materials', target: innergy.materials }] : [],
  });
  const ids = outcome.ids.get('material') ?? new Map<string, string>();
  const { counts } = outcome;
  const result: MaterialSyncResult = {
    material_library: input.materialLibrary,
    mode: input.mode,
    new: counts.create,
    updated: counts.update,
    inactive: counts.deactivate,
    unchanged: counts.unchanged,
    failed: counts.failed,
    rejected: rejects.length,
    not_in_master: notInMaster,
    items: samplePlan(outcome.items, { key: 'sku', id: 'innergy_id' }, ids, outcome.failures),
    failures: outcome.failures,
    warnings: boundedList(warnings),
    csv_file: null,
    api: innergy ? apiStats(innergy.client.stats()) : null,
  };
  if (input.dryRun) {
    const writes = result.new + result.updated + result.inactive;
    const args = { material_library: input.materialLibrary, mode: input.mode };
    const nextAction = writes
      ? `Review the plan (${result.new} new, ${result.updated} updated, ${result.inactive} to deactivate), then apply it: ${applyCall(MATERIAL_SYNC_TOOL, args, plan.planId)}.`
      : 'Nothing to sync: INNERGY already matches the material library.';
    return { result, planId: plan.planId, nextAction };
  }
  if (toCsv) {
    const items = itemsToApply(ctx.ledger, plan, input.planId, ctx.resume);
    const csvFile = ctx.config.sandbox.resolve(path.join(input.outputDir, `innergy_material_import_${new Date().toISOString().slice(0, 10)}.csv`), 'output file');
    await writeFileAtomic(csvFile, importCsv(items));
    const nextAction = `Import ${csvFile} in INNERGY's material import, then run sync_innergy_material_library as a dry run to confirm nothing is left.`;
    return { result: { ...result, csv_file: csvFile }, planId: plan.planId, nextAction };
  }
  const nextAction = result.failed
    ? `${result.failed} material(s) failed (see failures); fix the cause and run the sync again — synced materials cost no writes.`
    : 'Materials are in sync; import projects next with run_innergy_project_import.';
  return { result, planId: plan.planId, nextAction };
}

/** The import-ready CSV of every material that needs a change. */
function importCsv(items: readonly RecordPlanItem<MaterialPayload>[]): string {
  const rows = items
    .filter((item) => item.action !== 'unchanged')
    .map(({ action, data: { payload: p } }) => [
      p.Sku, p.Name, p.Category, p.Unit, p.UnitCost?.Value ?? '', p.UnitCost ? DEFAULT_CURRENCY : '', p.Active ? 'true' : 'false', p.ExternalIdentifier,
      ACTION_KEYS[action as keyof typeof ACTION_KEYS] ?? action,
    ]);
  return csvDocument(['Sku', 'Name', 'Category', 'Unit', 'UnitCost', 'CurrencyCode', 'Active', 'ExternalIdentifier', 'Action'], rows, '\r\n');
}
