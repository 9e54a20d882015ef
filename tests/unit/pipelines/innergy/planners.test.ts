/** The pure planners of the INNERGY pipelines: what each source record becomes against INNERGY's state. */
import { describe, expect, it } from 'vitest';
import { planMaterials, toMaterialPayload } from '../../../../src/pipelines/innergy/material-sync.js';
import { planProjects, toProjectPayload } from '../../../../src/pipelines/innergy/project-import.js';
import type { LibraryMaterial } from '../../../../src/pipelines/innergy/material-library.js';
import type { InnergyMaterial, InnergyProject } from '../../../../src/targets/innergy/fields.js';
import { canonicalProject } from '../../../helpers/canonical.js';

const material = (overrides: Partial<LibraryMaterial> = {}): LibraryMaterial => ({ sku: 'M-1', name: 'Panel', category: 'Sheet', unit: 'ea', unit_cost: 12.5, active: true, line: 2, ...overrides });
const inInnergy = (m: LibraryMaterial, overrides: Partial<InnergyMaterial> = {}): InnergyMaterial => ({ Id: 'I-1', ...toMaterialPayload(m), ...overrides });

describe('planMaterials', () => {
  it.each([
    ['a new active material', material(), [], 'create', undefined],
    ['a new inactive material (nothing to deactivate in INNERGY)', material({ active: false }), [], 'unchanged', 'inactive in the master and absent from INNERGY'],
    ['an identical material', material(), [inInnergy(material())], 'unchanged', undefined],
    ['a changed cost', material({ unit_cost: 13 }), [inInnergy(material())], 'update', 'changed: UnitCost'],
    ['a cost equal to the cent', material({ unit_cost: 12.5 }), [inInnergy(material(), { UnitCost: { Value: 12.5000001 } })], 'unchanged', undefined],
    ['a material made inactive in the master', material({ active: false }), [inInnergy(material())], 'deactivate', 'changed: Active'],
    ['a material found by Sku when made by hand in INNERGY', material({ name: 'New name' }), [inInnergy(material(), { ExternalIdentifier: null })], 'update', 'changed: Name, ExternalIdentifier'],
  ])('plans %s', (_case, row, existing, action, reason) => {
    const { plan } = planMaterials([row], existing, '/data/master.csv', 'api');
    expect(plan.items[0]).toMatchObject({ key: 'M-1', action, ...(reason ? { reason } : {}) });
  });

  it('lists every material as new, or to deactivate, when INNERGY is unknown (csv mode without the API)', () => {
    const { plan } = planMaterials([material(), material({ sku: 'M-2', active: false })], undefined, '/data/master.csv', 'csv');
    expect(plan.items.map((i) => i.action)).toEqual(['create', 'deactivate']);
    expect(plan.target).toBe('unknown:/data/master.csv');
  });

  it('counts INNERGY materials the master does not have, and leaves them alone', () => {
    const { plan, notInMaster } = planMaterials([material()], [inInnergy(material()), { ...inInnergy(material({ sku: 'X-9' })), Id: 'I-9' }], 'f', 'api');
    expect(notInMaster).toBe(1);
    expect(plan.items).toHaveLength(1);
  });

  it('gives the api and csv modes different plan ids for the same inputs', () => {
    expect(planMaterials([material()], [], 'f', 'api').plan.planId).not.toBe(planMaterials([material()], [], 'f', 'csv').plan.planId);
  });
});

describe('planProjects', () => {
  const inInnergy = (i: number, overrides: Partial<InnergyProject> = {}): InnergyProject => ({ Id: `P-${i}`, ...toProjectPayload(canonicalProject(i)), ...overrides });

  it.each([
    ['a project INNERGY lacks', canonicalProject(1), [], 'create', 'not in INNERGY'],
    ['a project INNERGY has as it is', canonicalProject(1), [inInnergy(1)], 'unchanged', undefined],
    ['a renamed project', canonicalProject(1, { name: 'Lobby B' }), [inInnergy(1)], 'update', 'changed: Name'],
    ['a date written with a time in INNERGY', canonicalProject(1), [inInnergy(1, { StartDate: '2024-01-02T00:00:00' })], 'unchanged', undefined],
    ['a project without a customer', canonicalProject(1, { customer_name: null }), [], 'skip', "Missing required field 'customer_name'"],
    ['a project with an unmapped status', canonicalProject(1, { status: null, ppak_status: 'In Progress' }), [], 'skip', "Unknown status value: 'In Progress' (add it to status_mapping.csv and re-run the ETL)"],
    ['a project whose innergy_id INNERGY still has', canonicalProject(1, { innergy_id: 'P-77', name: 'x' }), [inInnergy(1, { Id: 'P-77', ExternalIdentifier: 'other' })], 'update', 'changed: Name, ExternalIdentifier'],
  ])('plans %s', (_case, project, existing, action, reason) => {
    const plan = planProjects([project], existing, []);
    expect(plan.items[0]).toMatchObject({ key: project.ppak_job_number, action, ...(reason ? { reason } : {}) });
  });

  it('warns about duplicates in INNERGY and about an innergy_id INNERGY no longer has', () => {
    const warnings: string[] = [];
    planProjects([canonicalProject(1, { innergy_id: 'P-gone' })], [inInnergy(1, { Id: 'P-a' }), inInnergy(1, { Id: 'P-b' })], warnings);
    expect(warnings).toEqual([
      expect.stringContaining('INNERGY has 2 projects for job J-000001 (ids P-a, P-b); using P-a'),
      expect.stringContaining('innergy_id P-gone of job J-000001 no longer exists in INNERGY; using P-a'),
    ]);
  });

  it('keeps the first of two rows with one job number and skips the second with a reason', () => {
    const plan = planProjects([canonicalProject(1), canonicalProject(1, { name: 'twin' })], [], []);
    expect(plan.items.map((i) => i.action)).toEqual(['create', 'skip']);
    expect(plan.items[1]!.reason).toMatch(/duplicate project key J-000001/);
  });
});
