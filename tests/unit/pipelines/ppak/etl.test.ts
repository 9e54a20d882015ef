import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CanonicalMaterialsFileSchema, CanonicalProjectsFileSchema } from '../../../../src/sources/canonical/schema.js';
import { runPpakEtl } from '../../../../src/pipelines/ppak/etl.js';
import { parseDateRange } from '../../../../src/transform/date-range.js';
import { PpakEtlResultSchema } from '../../../../src/pipelines/ppak/result.js';
import { EXAMPLES_DIR, MAPPING_DIR, readJson, readRejects, workspace, type Workspace } from './helpers.js';

let ws: Workspace;
beforeEach(() => {
  ws = workspace({ extraRoots: [EXAMPLES_DIR] });
});
afterEach(() => ws.cleanup());

const runExamples = (extra: { exportDate?: string; dateRange?: { from: string; to: string } } = {}) =>
  runPpakEtl({ exportDir: EXAMPLES_DIR, outputDir: ws.outputDir, mappingDir: MAPPING_DIR, ...extra }, ws.ctx);

describe('runPpakEtl on the examples', () => {
  it('reads the newest export set and returns the counts, unmapped values, outputs and warnings', async () => {
    const result = await runExamples();
    expect(PpakEtlResultSchema.parse(result)).toEqual(result);
    expect(result.export_date).toBe('2024-01-15');
    expect(result.projects).toEqual({ read: 20, written: 18, rejected: 1, filtered: 0, duplicates: 1 });
    expect(result.materials).toEqual({ read: 12, written: 12, rejected: 0, duplicates: 0 });
    expect(result.work_orders).toEqual({ read: 14, written: 13, rejected: 1, duplicates: 0 });
    expect(result.unmapped).toEqual({ status: { 'In Progress': 3 }, phase: {}, material: { 'PP-DOOR-001': 1 } });
    expect(result.warnings).toContain("Unknown status value: 'In Progress' (3 projects) — add it to status_mapping.csv and re-run the ETL");
    expect(result.reject_samples).toEqual([
      { entity: 'projects', file: 'projects_2024-01-15.csv', line: 16, reason: 'missing Job Number' },
      { entity: 'work_orders', file: 'work_orders_2024-01-15.csv', line: 15, reason: 'job number J-1099 is not in projects_2024-01-15.csv' },
    ]);
    for (const file of Object.values(result.outputs)) {
      expect(path.isAbsolute(file)).toBe(true);
      expect(fs.existsSync(file)).toBe(true);
    }
    expect(fs.readdirSync(ws.outputDir).sort()).toEqual([
      'canonical_materials_2024-01-15.json',
      'canonical_projects_2024-01-15.json',
      'migration_summary_2024-01-15.md',
      'rejects_2024-01-15.csv',
    ]);
  });

  it('writes canonical files that validate against their schemas, with exact source lines', async () => {
    const result = await runExamples();
    const projects = CanonicalProjectsFileSchema.parse(readJson(result.outputs.canonical_projects));
    const materials = CanonicalMaterialsFileSchema.parse(readJson(result.outputs.canonical_materials));
    expect(projects.export_date).toBe('2024-01-15');
    expect(projects.projects).toHaveLength(18);
    const smith = projects.projects.find((p) => p.ppak_job_number === 'J-1002')!;
    expect(smith.name).toBe('Smith Residence\r\nKitchen & Pantry');
    expect(smith.source).toEqual({ file: 'projects_2024-01-15.csv', line: 3 });
    const riverside = projects.projects.find((p) => p.ppak_job_number === 'J-1003')!;
    expect(riverside.source.line).toBe(5);
    expect(riverside).toMatchObject({ status: null, ppak_status: 'In Progress', contract_amount: 18900 });
    const kessler = projects.projects.find((p) => p.ppak_job_number === 'J-1017')!;
    expect(kessler).toMatchObject({ name: 'Kessler Dental Sterilization Center', status: 'Active', phase: 'Design', contract_amount: 23300 });
    const pine = projects.projects.find((p) => p.ppak_job_number === 'J-1010')!;
    expect(pine.work_orders.map((w) => w.work_order)).toEqual(['WO-5009', 'WO-5010']);
    expect(projects.projects.find((p) => p.ppak_job_number === 'J-1006')!.customer_name).toBeNull();
    expect(materials.materials.find((m) => m.sku === 'LAM-OAK-NAT')!.active).toBe(false);
    expect(materials.materials.map((m) => m.sku)).toContain('PLY-MAPLE-075');
  });

  it('produces materials that all exist in the example material library master (one of them inactive)', async () => {
    const result = await runExamples();
    const materials = CanonicalMaterialsFileSchema.parse(readJson(result.outputs.canonical_materials)).materials;
    const master = fs.readFileSync(path.join(EXAMPLES_DIR, '..', 'material_library_master.csv'), 'utf8').trim().split('\n');
    expect(master[0]).toBe('sku,name,category,unit,unit_cost,active');
    const library = new Map(master.slice(1).map((line) => [line.split(',')[0]!, line.endsWith(',false')]));
    expect(materials.map((m) => m.sku).filter((sku) => !library.has(sku))).toEqual([]);
    expect([...library].filter(([, inactive]) => inactive).map(([sku]) => sku)).toEqual(['LAM-OAK-NAT']);
  });

  it('writes the rejects file with one row per rejected record and a readable summary report', async () => {
    const result = await runExamples();
    const rejects = readRejects(result.outputs.rejects);
    expect(rejects[0]).toEqual(['entity', 'file', 'line', 'reason', 'raw']);
    expect(rejects).toHaveLength(3);
    expect(rejects[1]!.slice(0, 4)).toEqual(['projects', 'projects_2024-01-15.csv', '16', 'missing Job Number']);
    expect(rejects[1]![4]).toContain('Westgate Mall Kiosk');
    const report = fs.readFileSync(result.outputs.summary_report, 'utf8');
    expect(report).toContain('# PPak migration summary — export 2024-01-15');
    expect(report).toContain('| projects | 20 | 18 | 1 | 1 | 0 |');
    expect(report).toContain('| In Progress | 3 |');
    expect(report).toContain('status_mapping.csv');
    expect(report).toContain('| projects | projects_2024-01-15.csv:16 | missing Job Number |');
    expect(report).toContain(result.outputs.canonical_projects);
  });

  it('reads an explicit older export set', async () => {
    const result = await runExamples({ exportDate: '2024-01-08' });
    expect(result.export_date).toBe('2024-01-08');
    expect(result.projects).toEqual({ read: 10, written: 10, rejected: 0, filtered: 0, duplicates: 0 });
    expect(result.work_orders.read).toBe(0);
    expect(result.warnings).toContain('No work_orders_2024-01-08.csv: projects are written without work orders');
    expect(fs.existsSync(path.join(ws.outputDir, 'canonical_projects_2024-01-08.json'))).toBe(true);
  });

  it('keeps projects whose start date is in date_range (inclusive) and counts the others as filtered', async () => {
    const result = await runExamples({ dateRange: parseDateRange('2024-01-02,2024-01-08') });
    const projects = CanonicalProjectsFileSchema.parse(readJson(result.outputs.canonical_projects)).projects;
    expect(projects.map((p) => p.start_date).every((d) => d !== null && d >= '2024-01-02' && d <= '2024-01-08')).toBe(true);
    expect(projects.map((p) => p.ppak_job_number).sort()).toEqual(['J-1001', 'J-1002', 'J-1003', 'J-1008', 'J-1014', 'J-1016']);
    expect(result.projects).toEqual({ read: 20, written: 6, rejected: 1, filtered: 12, duplicates: 1 });
    expect(result.warnings.some((w) => /work order\(s\) belong to projects outside date_range/.test(w))).toBe(true);
  });

  it('reports progress per file it reads', async () => {
    const phases: string[] = [];
    ws.ctx.progress.onUpdate((snapshot) => {
      if (phases.at(-1) !== snapshot.phase) phases.push(snapshot.phase);
    });
    await runExamples();
    expect(phases).toEqual([
      'reading materials_2024-01-15.csv',
      'reading work_orders_2024-01-15.csv',
      'reading projects_2024-01-15.csv',
      'writing outputs',
    ]);
  });
});
