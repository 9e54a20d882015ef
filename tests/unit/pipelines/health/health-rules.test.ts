/** The five health rules of the PPak → INNERGY runbook, as table cases over canonical projects. */
import { describe, expect, it } from 'vitest';
import { evaluateHealth } from '../../../../src/pipelines/health/health-check.js';
import type { InnergyMaterial, InnergyProject } from '../../../../src/targets/innergy/fields.js';
import { canonicalProject } from '../../../helpers/canonical.js';

const project = (i: number, overrides = {}) => canonicalProject(i, { innergy_id: `P-${i}`, ...overrides });
const innergyProject = (id: string) => ({ Id: id, Name: id }) as InnergyProject;
const innergyMaterial = (sku: string, external: string | null = sku) => ({ Id: `I-${sku}`, Sku: sku, Name: sku, Active: true, ExternalIdentifier: external }) as InnergyMaterial;
const byName = (checks: ReturnType<typeof evaluateHealth>) => Object.fromEntries(checks.map((c) => [c.name, c]));

describe('evaluateHealth', () => {
  it('passes every check for a clean import', () => {
    const checks = evaluateHealth([project(1, { material_skus: ['M-1'] })], { projects: [innergyProject('P-1')], materials: [innergyMaterial('M-1')] });
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ['projects_missing_innergy_id', 'pass'],
      ['materials_missing_in_innergy', 'pass'],
      ['unmapped_status', 'pass'],
      ['unmapped_phase', 'pass'],
      ['data_quality', 'pass'],
    ]);
  });

  it.each([
    ['a project without innergy_id', [project(1, { innergy_id: null })], 'projects_missing_innergy_id', 'fail', 'J-000001: no innergy_id'],
    ['an innergy_id INNERGY does not have', [project(1, { innergy_id: 'P-9' })], 'projects_missing_innergy_id', 'fail', 'J-000001: innergy_id P-9 not found in INNERGY'],
    ['a material INNERGY lacks', [project(1, { material_skus: ['M-404'] })], 'materials_missing_in_innergy', 'fail', 'M-404 (used by J-000001)'],
    ['an unmapped status', [project(1, { status: null, ppak_status: 'In Progress' })], 'unmapped_status', 'fail', "J-000001: 'In Progress'"],
    ['an unmapped phase', [project(1, { phase: null, ppak_phase: 'Punch' })], 'unmapped_phase', 'fail', "J-000001: 'Punch'"],
    ['a due date before the start date (a warning only)', [project(1, { start_date: '2024-05-01', due_date: '2024-04-01' })], 'data_quality', 'warn', 'J-000001: due date 2024-04-01 before start date 2024-05-01'],
    ['a job number twice', [project(1), project(1)], 'data_quality', 'fail', 'J-000001: job number appears 2 times'],
  ])('flags %s', (_case, projects, name, status, sample) => {
    const check = byName(evaluateHealth(projects, { projects: [innergyProject('P-1')], materials: [innergyMaterial('M-1')] }))[name]!;
    expect(check).toMatchObject({ status, count: 1 });
    expect(check.samples[0]).toBe(sample);
  });

  it('finds materials by Sku when INNERGY has no ExternalIdentifier for them', () => {
    const check = byName(evaluateHealth([project(1, { material_skus: ['M-1'] })], { projects: [innergyProject('P-1')], materials: [innergyMaterial('M-1', null)] })).materials_missing_in_innergy!;
    expect(check.status).toBe('pass');
  });

  it('says what it could not verify when INNERGY is not configured', () => {
    const checks = byName(evaluateHealth([project(1)], undefined));
    expect(checks.projects_missing_innergy_id).toMatchObject({ status: 'pass', detail: expect.stringContaining('not configured') });
    expect(checks.materials_missing_in_innergy).toMatchObject({ status: 'warn', detail: expect.stringContaining('not configured') });
  });

  it('counts distinct projects and keeps at most 10 samples', () => {
    const check = byName(evaluateHealth(Array.from({ length: 15 }, (_, i) => project(i + 1, { innergy_id: null })), undefined)).projects_missing_innergy_id!;
    expect(check.count).toBe(15);
    expect(check.samples).toHaveLength(10);
  });
});
