/** The health check's markdown report, next action and sample wording, pinned through runHealthCheck and evaluateHealth. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PathSandbox } from '../../../../src/config/sandbox.js';
import type { RunContext } from '../../../../src/engine/run-context.js';
import { evaluateHealth, runHealthCheck, type InnergyState } from '../../../../src/pipelines/health/health-check.js';
import type { CanonicalProject } from '../../../../src/sources/canonical/schema.js';
import type { InnergyMaterial, InnergyProject } from '../../../../src/targets/innergy/fields.js';
import type { InnergyConnection } from '../../../../src/targets/registry.js';
import { canonicalProject } from '../../../helpers/canonical.js';

const innergyProject = (id: string) => ({ Id: id, Name: id }) as InnergyProject;
const innergyMaterial = (sku: string, external: string | null = sku) => ({ Id: `I-${sku}`, Sku: sku, Name: sku, Active: true, ExternalIdentifier: external }) as InnergyMaterial;
const byName = (checks: ReturnType<typeof evaluateHealth>) => Object.fromEntries(checks.map((c) => [c.name, c]));

let dir: string;
let file: string;
let progress: string[];

beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'health-report-test-')));
  file = path.join(dir, 'canonical_projects_2024-01-15.json');
  progress = [];
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function context(): RunContext {
  return {
    runId: 'run-1',
    signal: new AbortController().signal,
    progress: { start: (label: string) => progress.push(label) },
    config: { sandbox: new PathSandbox([dir], dir) },
  } as unknown as RunContext;
}

function connection(state: InnergyState): InnergyConnection {
  return {
    client: { verifyAccess: async () => undefined, listProjects: async () => state.projects, listMaterials: async () => state.materials },
  } as unknown as InnergyConnection;
}

async function healthOf(projects: CanonicalProject[], state: InnergyState | undefined) {
  fs.writeFileSync(file, JSON.stringify({ export_date: '2024-01-15', generated_at: 'x', projects }));
  const outcome = await runHealthCheck({ canonicalFile: file, outputDir: dir }, context(), state ? connection(state) : undefined);
  return { ...outcome, report: fs.readFileSync(outcome.result.report_path, 'utf8') };
}

/** A clean, imported project: id P-<i> known to INNERGY, mapped status and phase, sane dates. */
const clean = (i: number, overrides: Partial<CanonicalProject> = {}) => canonicalProject(i, { innergy_id: `P-${i}`, ...overrides });

describe('the health report of a messy migration', () => {
  it('lists every check in a table, explains each failing or warning one with samples and advice, and writes health_check_<export date>.md', async () => {
    const projects = [
      clean(1, { material_skus: ['M-1', 'S-2', 'X-4', 'Y-3'] }),
      clean(2, { innergy_id: 'gone-2', material_skus: ['X-4', 'Y-3'] }),
      clean(3, { innergy_id: null, material_skus: ['X-4', 'Y-3'] }),
      clean(4, { innergy_id: null, material_skus: ['X-4'] }),
      clean(5, { innergy_id: null, status: null, ppak_status: 'In Progress' }),
      clean(6, { innergy_id: null, customer_name: null }),
      clean(7, { innergy_id: null, start_date: '2024-05-01', due_date: '2024-04-30' }),
      clean(8, { innergy_id: null, start_date: '2024-03-03', due_date: '2024-03-03' }),
      ...[9, 10, 11, 12].map((i) => clean(i, { innergy_id: null })),
    ];
    const state = { projects: [innergyProject('P-1'), innergyProject('P-2')], materials: [innergyMaterial('M-1'), innergyMaterial('S-2', 'EXT-S-2')] };
    const { result, nextAction, markdown, report } = await healthOf(projects, state);

    expect(result.ok).toBe(false);
    expect(result.report_path).toBe(path.join(dir, 'health_check_2024-01-15.md'));
    expect(markdown).toBe(report);
    expect(report).toBe(
      [
        '# Migration health check',
        '',
        `Canonical file: \`${file}\``,
        '',
        '**Result: NOT healthy**',
        '',
        '| check | status | count |',
        '|---|---|---|',
        '| projects_missing_innergy_id | fail | 11 |',
        '| materials_missing_in_innergy | fail | 2 |',
        '| unmapped_status | fail | 1 |',
        '| unmapped_phase | pass | 0 |',
        '| data_quality | fail | 2 |',
        '',
        '## projects_missing_innergy_id (fail)',
        '',
        '- J-000002: innergy_id gone-2 not found in INNERGY',
        '- J-000003: no innergy_id',
        '- J-000004: no innergy_id',
        '- J-000005: no innergy_id',
        '- J-000006: no innergy_id',
        '- J-000007: no innergy_id',
        '- J-000008: no innergy_id',
        '- J-000009: no innergy_id',
        '- J-000010: no innergy_id',
        '- J-000011: no innergy_id',
        '- … and 1 more',
        '',
        'What to do: import them with run_innergy_project_import (dry run, then apply).',
        '',
        '## materials_missing_in_innergy (fail)',
        '',
        '- X-4 (used by J-000001, J-000002, J-000003 and 1 more)',
        '- Y-3 (used by J-000001, J-000002, J-000003)',
        '',
        'What to do: add the materials to MATERIAL_LIBRARY_MASTER and run sync_innergy_material_library.',
        '',
        '## unmapped_status (fail)',
        '',
        "- J-000005: 'In Progress'",
        '',
        'What to do: add the values to status_mapping.csv and re-run the ETL.',
        '',
        '## data_quality (fail)',
        '',
        '- J-000006: missing customer_name',
        '- J-000007: due date 2024-04-30 before start date 2024-05-01',
        '',
        'What to do: correct the PPak export (required fields, dates, duplicate job numbers) and re-run the ETL.',
        '',
      ].join('\n'),
    );
    expect(nextAction).toBe(
      'Fix the failing checks (projects_missing_innergy_id, materials_missing_in_innergy, unmapped_status, data_quality): import them with run_innergy_project_import (dry run, then apply). Then run migration_health_check again.',
    );
  });
});

describe('the health report without INNERGY', () => {
  it('reports healthy, shows the detail of checks it could not verify even when they pass, and gives no advice', async () => {
    const { result, nextAction, report } = await healthOf([clean(1)], undefined);
    expect(result.ok).toBe(true);
    expect(report).toBe(
      [
        '# Migration health check',
        '',
        `Canonical file: \`${file}\``,
        '',
        '**Result: healthy**',
        '',
        '| check | status | count |',
        '|---|---|---|',
        '| projects_missing_innergy_id | pass | 0 |',
        '| materials_missing_in_innergy | warn | 0 |',
        '| unmapped_status | pass | 0 |',
        '| unmapped_phase | pass | 0 |',
        '| data_quality | pass | 0 |',
        '',
        '## projects_missing_innergy_id (pass)',
        '',
        'INNERGY is not configured: ids were not verified against INNERGY.',
        '',
        '',
        '## materials_missing_in_innergy (warn)',
        '',
        'INNERGY is not configured: materials were not checked.',
        '',
        '',
      ].join('\n'),
    );
    expect(nextAction).toBe('The migration is healthy.');
  });

  it('shows a warning section with its samples but no advice', async () => {
    const { result, nextAction, report } = await healthOf([clean(1, { start_date: '2024-05-01', due_date: '2024-04-01' })], undefined);
    expect(result.ok).toBe(true);
    expect(nextAction).toBe('The migration is healthy.');
    expect(report.endsWith(['', '## data_quality (warn)', '', '- J-000001: due date 2024-04-01 before start date 2024-05-01', ''].join('\n'))).toBe(true);
    expect(report).not.toContain('What to do');
  });
});

describe('the "… and N more" line', () => {
  const missingIds = (n: number) => Array.from({ length: n }, (_, i) => clean(i + 1, { innergy_id: null }));

  it('is absent when every problem is shown (count equals the 10 samples)', async () => {
    const { report } = await healthOf(missingIds(10), undefined);
    expect(report).toContain('- J-000010: no innergy_id\n\nWhat to do:');
    expect(report).not.toContain('more');
  });

  it('counts the problems beyond the 10 samples', async () => {
    const { report } = await healthOf(missingIds(13), undefined);
    expect(report).toContain('- J-000010: no innergy_id\n- … and 3 more\n\nWhat to do:');
  });
});

describe('the advice for the first failing check', () => {
  const state = { projects: [innergyProject('P-1')], materials: [innergyMaterial('M-1')] };
  it.each([
    ['materials_missing_in_innergy', clean(1, { material_skus: ['M-404'] }), 'add the materials to MATERIAL_LIBRARY_MASTER and run sync_innergy_material_library.'],
    ['unmapped_status', clean(1, { status: null }), 'add the values to status_mapping.csv and re-run the ETL.'],
    ['unmapped_phase', clean(1, { phase: null }), 'add the values to phase_mapping.csv and re-run the ETL.'],
    ['data_quality', clean(1, { customer_name: null }), 'correct the PPak export (required fields, dates, duplicate job numbers) and re-run the ETL.'],
  ])('for %s is given in the next action and under the section', async (name, project, advice) => {
    const { result, nextAction, report } = await healthOf([project], state);
    expect(result.ok).toBe(false);
    expect(nextAction).toBe(`Fix the failing checks (${name}): ${advice} Then run migration_health_check again.`);
    expect(report.endsWith(`\n\nWhat to do: ${advice}\n`)).toBe(true);
  });

  it('shows an unmapped value that PPak left empty as empty quotes', async () => {
    const { report } = await healthOf([clean(1, { phase: null, ppak_phase: null })], state);
    expect(report).toContain("## unmapped_phase (fail)\n\n- J-000001: ''\n");
  });
});

describe('materials_missing_in_innergy samples', () => {
  const usedBy = (jobs: number, sku = 'X-1') => Array.from({ length: jobs }, (_, i) => clean(i + 1, { material_skus: [sku] }));
  const materialsCheck = (projects: CanonicalProject[], materials: InnergyMaterial[] = []) =>
    byName(evaluateHealth(projects, { projects: [], materials })).materials_missing_in_innergy!;

  it('names all the jobs when exactly 3 use the material', () => {
    expect(materialsCheck(usedBy(3)).samples).toEqual(['X-1 (used by J-000001, J-000002, J-000003)']);
  });

  it('names the first 3 jobs and counts the rest when more use the material', () => {
    expect(materialsCheck(usedBy(5)).samples).toEqual(['X-1 (used by J-000001, J-000002, J-000003 and 2 more)']);
  });

  it('names a single job', () => {
    expect(materialsCheck(usedBy(1)).samples).toEqual(['X-1 (used by J-000001)']);
  });

  it('knows a material by its Sku when its ExternalIdentifier is something else', () => {
    expect(materialsCheck(usedBy(2, 'S-1'), [innergyMaterial('S-1', 'EXT-1')])).toMatchObject({ status: 'pass', count: 0, samples: [] });
  });

  it('knows a material by its ExternalIdentifier', () => {
    expect(materialsCheck(usedBy(1, 'EXT-1'), [innergyMaterial('S-1', 'EXT-1')])).toMatchObject({ status: 'pass', count: 0 });
  });

  it('reports nothing and no detail when every material is known', () => {
    const check = materialsCheck(usedBy(1, 'M-1'), [innergyMaterial('M-1')]);
    expect(check).toStrictEqual({ name: 'materials_missing_in_innergy', status: 'pass', count: 0, samples: [] });
  });

  it('warns with no samples when INNERGY is not configured', () => {
    const check = byName(evaluateHealth(usedBy(1), undefined)).materials_missing_in_innergy!;
    expect(check).toEqual({ name: 'materials_missing_in_innergy', status: 'warn', count: 0, samples: [], detail: 'INNERGY is not configured: materials were not checked.' });
  });
});

describe('data_quality problems', () => {
  const quality = (...projects: CanonicalProject[]) => byName(evaluateHealth(projects, undefined)).data_quality!;

  it('fails on a project without a name', () => {
    expect(quality(clean(1, { name: '' }))).toEqual({ name: 'data_quality', status: 'fail', count: 1, samples: ['J-000001: missing name'] });
  });

  it('fails on a project without a customer name', () => {
    expect(quality(clean(1, { customer_name: null }))).toEqual({ name: 'data_quality', status: 'fail', count: 1, samples: ['J-000001: missing customer_name'] });
  });

  it('joins the problems of one project with semicolons', () => {
    expect(quality(clean(1, { name: '', customer_name: null })).samples).toEqual(['J-000001: missing name; missing customer_name']);
  });

  it('accepts a due date equal to the start date', () => {
    expect(quality(clean(1, { start_date: '2024-03-03', due_date: '2024-03-03' }))).toEqual({ name: 'data_quality', status: 'pass', count: 0, samples: [] });
  });

  it('accepts a due date after the start date', () => {
    expect(quality(clean(1, { start_date: '2024-03-03', due_date: '2024-03-04' })).status).toBe('pass');
  });

  it('does not compare dates when one is missing', () => {
    expect(quality(clean(1, { start_date: '2024-03-03', due_date: null }), clean(2, { start_date: null, due_date: '2024-03-03' })).status).toBe('pass');
  });

  it('only warns about a due date before the start date', () => {
    expect(quality(clean(1, { start_date: '2024-03-03', due_date: '2024-03-02' }))).toEqual({
      name: 'data_quality',
      status: 'warn',
      count: 1,
      samples: ['J-000001: due date 2024-03-02 before start date 2024-03-03'],
    });
  });

  it('fails when a project has another problem besides a due date before its start date', () => {
    expect(quality(clean(1, { customer_name: null, start_date: '2024-03-03', due_date: '2024-03-02' }))).toEqual({
      name: 'data_quality',
      status: 'fail',
      count: 1,
      samples: ['J-000001: missing customer_name; due date 2024-03-02 before start date 2024-03-03'],
    });
  });
});
