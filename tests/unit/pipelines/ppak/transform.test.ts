import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/config/env.js';
import { CanonicalMaterialSchema, CanonicalProjectSchema } from '../../../../src/sources/canonical/schema.js';
import type { MaterialField, ProjectField } from '../../../../src/pipelines/ppak/columns.js';
import { loadMappings, ValueMapping, type PpakMappings } from '../../../../src/pipelines/ppak/mappings.js';
import {
  createTransformContext,
  materialRejectReason,
  projectRejectReason,
  transformMaterial,
  transformProject,
  transformWorkOrder,
  workOrderRejectReason,
  type TransformContext,
} from '../../../../src/pipelines/ppak/transform.js';
import { Warnings } from '../../../../src/transform/warnings.js';
import { CONFIG_DIR, MAPPING_DIR } from './helpers.js';

let mappings: PpakMappings;
beforeAll(async () => {
  mappings = await loadMappings(MAPPING_DIR, loadConfig({ MIGRATION_CONFIG_DIR: CONFIG_DIR }, CONFIG_DIR));
});

function context(overrides: Partial<PpakMappings> = {}): TransformContext {
  const ctx = createTransformContext({ ...mappings, ...overrides }, new Warnings());
  ctx.catalog.add('LAM-WHT-MATTE');
  return ctx;
}

function projectRecord(overrides: Partial<Record<ProjectField, string>> = {}): Record<ProjectField, string> {
  return {
    job_number: 'J-1001',
    job_name: 'Harbor View Condos',
    customer: 'Harbor View HOA',
    status: 'Open',
    phase: 'Install',
    start_date: '01/03/2024',
    due_date: '2024-03-29',
    contract_amount: '$48,250.00',
    materials: 'PP-PLY-075; LAM-WHT-MATTE;;PP-DOOR-001;pp-ply-075',
    ...overrides,
  };
}

describe('transformProject', () => {
  it('maps a row to a canonical project that validates against the schema', () => {
    const ctx = context();
    const project = transformProject(projectRecord(), 'projects_2024-01-15.csv', 7, [], ctx);
    expect(project).toEqual({
      ppak_job_number: 'J-1001',
      name: 'Harbor View Condos',
      customer_name: 'Harbor View HOA',
      status: 'Active',
      phase: 'Installation',
      ppak_status: 'Open',
      ppak_phase: 'Install',
      start_date: '2024-01-03',
      due_date: '2024-03-29',
      contract_amount: 48250,
      material_skus: ['PLY-MAPLE-075', 'LAM-WHT-MATTE', 'PP-DOOR-001'],
      work_orders: [],
      innergy_id: null,
      source: { file: 'projects_2024-01-15.csv', line: 7 },
    });
    expect(CanonicalProjectSchema.safeParse(project).success).toBe(true);
    expect(ctx.unmapped.material.toRecord()).toEqual({ 'PP-DOOR-001': 1 });
  });

  it('counts unknown status and phase values and leaves them null without a default', () => {
    const ctx = context();
    const project = transformProject(projectRecord({ status: 'In Progress', phase: 'Warp' }), 'p.csv', 2, [], ctx);
    expect(project.status).toBeNull();
    expect(project.ppak_status).toBe('In Progress');
    expect(project.phase).toBeNull();
    expect(ctx.unmapped.status.toRecord()).toEqual({ 'In Progress': 1 });
    expect(ctx.unmapped.phase.toRecord()).toEqual({ Warp: 1 });
  });

  it('uses the * default for unknown values and still counts them', () => {
    const status = new ValueMapping('status_mapping.csv', new Map([['open', 'Active']]), 'On Hold');
    const ctx = context({ status });
    expect(transformProject(projectRecord({ status: 'In Progress' }), 'p.csv', 2, [], ctx).status).toBe('On Hold');
    expect(ctx.unmapped.status.toRecord()).toEqual({ 'In Progress': 1 });
  });

  it('writes unreadable dates and amounts as null with a per-row warning, and a missing customer as null', () => {
    const ctx = context();
    const project = transformProject(projectRecord({ start_date: '13/45/2024', contract_amount: 'TBD', customer: '' }), 'p.csv', 9, [], ctx);
    expect(project.start_date).toBeNull();
    expect(project.contract_amount).toBeNull();
    expect(project.customer_name).toBeNull();
    expect(ctx.issues).toMatchObject({ invalidDates: 1, invalidAmounts: 1, missingCustomer: 1 });
    expect(ctx.warnings.list()).toEqual([
      "p.csv line 9 (job J-1001): Contract Amount 'TBD' is not an amount; written as null",
      "p.csv line 9 (job J-1001): Start Date '13/45/2024' is not a date (expected YYYY-MM-DD or MM/DD/YYYY); written as null",
    ]);
  });

  it('does not count empty status or phase as unmapped', () => {
    const ctx = context();
    const project = transformProject(projectRecord({ status: '', phase: '' }), 'p.csv', 2, [], ctx);
    expect([project.status, project.ppak_status, project.phase]).toEqual([null, null, null]);
    expect(ctx.unmapped.status.distinct + ctx.unmapped.phase.distinct).toBe(0);
  });
});

describe('reject reasons', () => {
  it('require a job number and a name for projects, a SKU for materials, and both numbers for work orders', () => {
    expect(projectRejectReason(projectRecord({ job_number: '' }))).toBe('missing Job Number');
    expect(projectRejectReason(projectRecord({ job_name: '' }))).toBe('missing Job Name (job J-1001)');
    expect(projectRejectReason(projectRecord())).toBeUndefined();
    expect(materialRejectReason({ sku: '', description: '', category: '', unit: '', unit_cost: '', active: '' })).toBe('missing SKU');
    expect(workOrderRejectReason({ work_order: 'WO-1', job_number: '', description: '', quantity: '', status: '' })).toContain('missing Job Number');
  });
});

describe('transformMaterial', () => {
  const record = (overrides: Partial<Record<MaterialField, string>> = {}): Record<MaterialField, string> => ({
    sku: 'PP-PLY-075',
    description: 'Maple plywood 3/4"',
    category: 'Sheet Goods',
    unit: 'sheet',
    unit_cost: '$89.50',
    active: 'Y',
    ...overrides,
  });

  it('maps the SKU, reads the cost and the active flag', () => {
    const material = transformMaterial(record(), 'materials.csv', 2, context());
    expect(material).toEqual({
      sku: 'PLY-MAPLE-075',
      name: 'Maple plywood 3/4"',
      category: 'Sheet Goods',
      unit: 'sheet',
      unit_cost: 89.5,
      active: true,
      source: { file: 'materials.csv', line: 2 },
    });
    expect(CanonicalMaterialSchema.safeParse(material).success).toBe(true);
    expect(transformMaterial(record({ active: 'Inactive' }), 'm.csv', 3, context()).active).toBe(false);
  });

  it('takes an empty flag as active and an unreadable one as active with a warning', () => {
    const ctx = context();
    expect(transformMaterial(record({ active: '' }), 'm.csv', 2, ctx).active).toBe(true);
    expect(transformMaterial(record({ active: 'maybe' }), 'm.csv', 3, ctx).active).toBe(true);
    expect(ctx.warnings.list()[0]).toContain("Active 'maybe'");
  });
});

describe('transformWorkOrder', () => {
  it('reads the quantity and keeps empty values as null', () => {
    const ctx = context();
    expect(transformWorkOrder({ work_order: 'WO-1', job_number: 'J-1', description: '', quantity: '1,240', status: 'Released' }, 'w.csv', 2, ctx)).toEqual({
      work_order: 'WO-1',
      description: null,
      quantity: 1240,
      status: 'Released',
    });
    expect(transformWorkOrder({ work_order: 'WO-2', job_number: 'J-1', description: 'x', quantity: 'lots', status: '' }, 'w.csv', 3, ctx).quantity).toBeNull();
    expect(ctx.issues.invalidQuantities).toBe(1);
  });
});
