/**
 * INNERGY material library sync (runbook step 3): the material library master → INNERGY.
 *
 * source (master CSV) → read INNERGY materials (paged) → plan per material: new, updated (name,
 * category, unit, cost, active differ), inactive (deactivated, never deleted), unchanged →
 * apply through the API (intents, reconcile) or, in `csv` mode, write an import-ready CSV.
 * Unchanged materials cost zero writes.
 */
import path from 'node:path';
import { applyWrites, tallyIntents, type ApplyItem } from '../../engine/apply.js';
import { writeFileAtomic } from '../../outputs/atomic-write.js';
import { csvDocument } from '../../outputs/csv-writer.js';
import { contentHash } from '../../engine/canonical-hash.js';
import type { PlanItem } from '../../engine/ledger/plan-store.js';
import { countActions, fingerprint, itemsToApply, makePlan, recordPlan } from '../../engine/plan.js';
import type { RunContext } from '../../engine/run-context.js';
import type { RunOutcome } from '../../engine/runs.js';
import { InnergyClient } from '../../targets/innergy/client.js';
import { changedFields, DEFAULT_CURRENCY, MATERIAL_COMPARED_FIELDS, money, type InnergyMaterial, type MaterialPayload } from '../../targets/innergy/fields.js';
import { indexByExternalKey, materialTarget } from '../../targets/innergy/target.js';
import { readMaterialLibrary, type LibraryMaterial } from './material-library.js';
import { apiStats, boundedWarnings, samplePlan, type ApiStats } from './results.js';

export const MATERIAL_SYNC_TOOL = 'sync_innergy_material_library';

export interface MaterialSyncInput {
  materialLibrary: string;
  dryRun: boolean;
  planId?: string | undefined;
  mode: 'api' | 'csv';
  outputDir: string;
}

export interface MaterialSample {
  sku: string;
  action: string;
  innergy_id: string | null;
  reason?: string;
  changed_fields?: string[];
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
  items: MaterialSample[];
  failures: { key: string; error: string }[];
  warnings: string[];
  csv_file: string | null;
  api: ApiStats | null;
}

interface MaterialPlanData {
  payload: MaterialPayload;
  line: number;
  changed?: string[];
}

/** Plan action → result key. */
const ACTION_KEYS = { create: 'new', update: 'updated', deactivate: 'inactive', unchanged: 'unchanged' } as const;

export async function runMaterialSync(input: MaterialSyncInput, ctx: RunContext): Promise<RunOutcome<MaterialSyncResult>> {
  ctx.progress.start('reading the material library');
  const { materials, rejects } = await readMaterialLibrary(input.materialLibrary, ctx.signal);
  const warnings = rejects.map((r) => `${r.file}:${r.line}: ${r.reason}`);

  const apiConfigured = Boolean(ctx.config.innergy.baseUrl && ctx.config.innergy.secret);
  const client = input.mode === 'api' || apiConfigured ? InnergyClient.fromConfig(ctx.config, ctx.logger) : undefined;
  let existing: InnergyMaterial[] | undefined;
  if (client) {
    ctx.progress.start('reading INNERGY materials');
    existing = await client.listMaterials(ctx.signal);
  } else {
    warnings.push('INNERGY is not configured: the CSV lists every material of the master, as if INNERGY had none of them.');
  }
  const draft = planMaterials(materials, existing, input.materialLibrary);
  if (draft.notInMaster) warnings.push(`${draft.notInMaster} INNERGY material(s) are not in the master; they are left as they are.`);
  const plan = makePlan(MATERIAL_SYNC_TOOL, draft.items, draft.inputs, draft.target, input.mode);
  const planId = plan.planId;
  recordPlan(ctx.ledger, plan, ctx.runId);

  const base = {
    material_library: input.materialLibrary,
    mode: input.mode,
    rejected: rejects.length,
    not_in_master: draft.notInMaster,
    warnings: boundedWarnings(warnings),
    csv_file: null as string | null,
  };
  const counts = countActions(plan.items);
  const planned = {
    new: counts.create ?? 0,
    updated: counts.update ?? 0,
    inactive: counts.deactivate ?? 0,
    unchanged: counts.unchanged ?? 0,
  };

  if (input.dryRun) {
    const writes = planned.new + planned.updated + planned.inactive;
    const result: MaterialSyncResult = { ...base, ...planned, failed: 0, items: samplePlan(plan.items, 'sku', new Map()), failures: [], api: client ? apiStats(client) : null };
    const nextAction = writes
      ? `Review the plan (${planned.new} new, ${planned.updated} updated, ${planned.inactive} to deactivate), then apply it: sync_innergy_material_library {"material_library": "${input.materialLibrary}", "mode": "${input.mode}", "dry_run": false, "plan_id": "${planId}"}.`
      : 'Nothing to sync: INNERGY already matches the material library.';
    return { result, planId, nextAction };
  }

  const items = itemsToApply(ctx.ledger, plan, input.planId, ctx.resume);
  if (input.mode === 'csv') {
    const csvFile = path.join(input.outputDir, `innergy_material_import_${new Date().toISOString().slice(0, 10)}.csv`);
    await writeFileAtomic(csvFile, importCsv(items));
    const result: MaterialSyncResult = { ...base, ...planned, failed: 0, csv_file: csvFile, items: samplePlan(items, 'sku', new Map()), failures: [], api: client ? apiStats(client) : null };
    return { result, planId, nextAction: `Import ${csvFile} in INNERGY's material import, then run sync_innergy_material_library as a dry run to confirm nothing is left.` };
  }

  const report = await applyWrites<MaterialPayload>({ ctx, target: materialTarget(client!), items: items.map(toApplyItem), phase: 'writing INNERGY materials' });
  const tally = tallyIntents(report.intents);
  const ids = new Map<string, string>();
  for (const intent of report.intents.values()) if (intent.target_id) ids.set(intent.item_key, intent.target_id);
  const result: MaterialSyncResult = {
    ...base,
    new: tally.done.create ?? 0,
    updated: tally.done.update ?? 0,
    inactive: tally.done.deactivate ?? 0,
    unchanged: countActions(items.filter((item) => !tally.doneKeys.has(item.key))).unchanged ?? 0,
    failed: tally.failed,
    items: samplePlan(items, 'sku', ids, tally.failures),
    failures: tally.failures,
    api: apiStats(client!),
  };
  const nextAction = result.failed
    ? `${result.failed} material(s) failed (see failures); fix the cause and run the sync again — synced materials cost no writes.`
    : 'Materials are in sync; import projects next with run_innergy_project_import.';
  return { result, planId, nextAction };
}

/** Plans every master material against INNERGY's materials (undefined: INNERGY state unknown). */
export function planMaterials(materials: readonly LibraryMaterial[], existing: readonly InnergyMaterial[] | undefined, file: string) {
  const index = indexByExternalKey(existing ?? [], (m) => m.Sku);
  const keys = new Set(materials.map((m) => m.sku));
  const items: PlanItem<MaterialPlanData>[] = [];
  const targetFacts: [string, unknown][] = [];
  for (const material of materials) {
    const payload: MaterialPayload = {
      Sku: material.sku,
      Name: material.name,
      Category: material.category,
      Unit: material.unit,
      UnitCost: money(material.unit_cost),
      Active: material.active,
      ExternalIdentifier: material.sku,
    };
    const hash = contentHash(payload);
    const data: MaterialPlanData = { payload, line: material.line };
    const current = index.get(material.sku)?.[0];
    targetFacts.push([material.sku, current ? { id: current.Id, fields: MATERIAL_COMPARED_FIELDS.map((f) => current[f] ?? null) } : null]);
    if (!current) {
      items.push(
        material.active || !existing
          ? { key: material.sku, action: material.active ? 'create' : 'deactivate', reason: 'not in INNERGY', content_hash: hash, data }
          : { key: material.sku, action: 'unchanged', reason: 'inactive in the master and absent from INNERGY', content_hash: hash, data },
      );
      continue;
    }
    const changed = changedFields(MATERIAL_COMPARED_FIELDS, payload, current as unknown as Record<string, unknown>);
    if (!changed.length) items.push({ key: material.sku, action: 'unchanged', target_id: current.Id, content_hash: hash, data });
    else {
      const action = !material.active && current.Active ? 'deactivate' : 'update';
      items.push({ key: material.sku, action, reason: `changed: ${changed.join(', ')}`, target_id: current.Id, content_hash: hash, data: { ...data, changed } });
    }
  }
  const notInMaster = (existing ?? []).filter((m) => !keys.has(m.ExternalIdentifier || m.Sku)).length;
  return {
    items,
    notInMaster,
    inputs: fingerprint(items.map((item) => [item.key, item.content_hash])),
    target: existing ? fingerprint(targetFacts) : `unknown:${file}`,
  };
}

function toApplyItem(item: PlanItem<MaterialPlanData>): ApplyItem<MaterialPayload> {
  const op = item.action === 'create' || item.action === 'update' || item.action === 'deactivate' ? item.action : 'none';
  return { key: item.key, op, targetId: item.target_id ?? null, payload: item.data.payload, contentHash: item.content_hash ?? '', source: { line: item.data.line } };
}

/** The import-ready CSV of every material that needs a change. */
function importCsv(items: readonly PlanItem<MaterialPlanData>[]): string {
  const rows = items
    .filter((item) => item.action !== 'unchanged')
    .map(({ action, data: { payload: p } }) => [
      p.Sku, p.Name, p.Category, p.Unit, p.UnitCost?.Value ?? '', p.UnitCost ? DEFAULT_CURRENCY : '', p.Active ? 'true' : 'false', p.ExternalIdentifier,
      ACTION_KEYS[action as keyof typeof ACTION_KEYS] ?? action,
    ]);
  return csvDocument(['Sku', 'Name', 'Category', 'Unit', 'UnitCost', 'CurrencyCode', 'Active', 'ExternalIdentifier', 'Action'], rows, '\r\n');
}
