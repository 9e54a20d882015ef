/**
 * The bad-input corpus of the PPak ETL: every way a real export goes wrong that the design names
 * (DESIGN §5/§11, the seed runbook's troubleshooting), run through the whole pipeline.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CancelledError, OutsideDataRootError, ValidationError } from '../../../../src/engine/errors.js';
import { ProgressTracker } from '../../../../src/engine/progress.js';
import { CanonicalProjectsFileSchema, type CanonicalProject } from '../../../../src/sources/canonical/schema.js';
import { runPpakEtl, type PpakEtlInput } from '../../../../src/pipelines/ppak/etl.js';
import {
  csv,
  FIXTURES_DIR,
  MAPPING_DIR,
  MATERIAL_HEADER,
  PROJECT_HEADER,
  readJson,
  readRejects,
  WORK_ORDER_HEADER,
  workspace,
  type Workspace,
} from './helpers.js';

const CORPUS = path.join(FIXTURES_DIR, 'corpus');
let ws: Workspace;
beforeEach(() => {
  ws = workspace();
});
afterEach(() => ws.cleanup());

function input(extra: Partial<PpakEtlInput> = {}): PpakEtlInput {
  return { exportDir: ws.exportDir, outputDir: ws.outputDir, mappingDir: MAPPING_DIR, ...extra };
}

function copyCorpus(): void {
  for (const name of fs.readdirSync(CORPUS)) if (name.endsWith('.csv')) fs.copyFileSync(path.join(CORPUS, name), path.join(ws.exportDir, name));
}

function projectsOf(file: string): CanonicalProject[] {
  return CanonicalProjectsFileSchema.parse(readJson(file)).projects;
}

describe('the bad-input corpus (BOM, CRLF, quoted newlines, ragged rows, duplicates, unknown values)', () => {
  it('is a BOM + CRLF file (a checkout that rewrote line ends would hide what it tests)', () => {
    const bytes = fs.readFileSync(path.join(CORPUS, 'projects_2024-03-01.csv'));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain('"Beta\r\nTwo\r\nLines"');
  });

  it('writes the good rows, rejects the bad ones with file, line and reason, and counts duplicates', async () => {
    copyCorpus();
    const result = await runPpakEtl(input(), ws.ctx);
    expect(result.projects).toEqual({ read: 10, written: 5, rejected: 4, filtered: 0, duplicates: 1 });
    expect(result.materials).toEqual({ read: 3, written: 1, rejected: 1, duplicates: 1 });
    expect(result.work_orders).toEqual({ read: 7, written: 3, rejected: 3, duplicates: 1 });
    const rejects = readRejects(result.outputs.rejects).slice(1);
    expect(rejects.map((row) => row.slice(0, 4))).toEqual([
      ['materials', 'materials_2024-03-01.csv', '3', 'missing SKU'],
      ['projects', 'projects_2024-03-01.csv', '7', expect.stringContaining('has 4 values but the header has 10 columns')],
      ['projects', 'projects_2024-03-01.csv', '9', 'job number P-2 already appears on line 3 with different values; keep one row per job'],
      ['projects', 'projects_2024-03-01.csv', '10', 'missing Job Number'],
      ['projects', 'projects_2024-03-01.csv', '11', 'missing Job Name (job P-5)'],
      ['work_orders', 'work_orders_2024-03-01.csv', '4', 'job number P-4 is not in projects_2024-03-01.csv'],
      ['work_orders', 'work_orders_2024-03-01.csv', '5', "its project (job P-5) was rejected; see that project's row in this file"],
      ['work_orders', 'work_orders_2024-03-01.csv', '6', 'job number P-99 is not in projects_2024-03-01.csv'],
    ]);
    expect(rejects[1]![4]).toBe('P-4,Delta,Acme,Active');
  });

  it('keeps line numbers right after quoted newlines in a CRLF file with a BOM', async () => {
    copyCorpus();
    const result = await runPpakEtl(input(), ws.ctx);
    const projects = projectsOf(result.outputs.canonical_projects);
    expect(projects.map((p) => [p.ppak_job_number, p.source.line])).toEqual([
      ['P-1', 2],
      ['P-2', 3],
      ['P-3', 6],
      ['P-6', 12],
      ['P-7', 14],
    ]);
    expect(projects[1]!.name).toBe('Beta\r\nTwo\r\nLines');
  });

  it('writes bad dates and amounts as null with a warning, and keeps the row', async () => {
    copyCorpus();
    const result = await runPpakEtl(input(), ws.ctx);
    const gamma = projectsOf(result.outputs.canonical_projects).find((p) => p.ppak_job_number === 'P-3')!;
    expect(gamma).toMatchObject({ start_date: null, due_date: null, contract_amount: null });
    expect(result.warnings).toContain("projects_2024-03-01.csv line 6 (job P-3): Start Date '2024-02-30' is not a date (expected YYYY-MM-DD or MM/DD/YYYY); written as null");
    expect(result.warnings).toContain("work_orders_2024-03-01.csv line 8 (work order W-6): Quantity 'lots' is not a number; written as null");
  });

  it('counts unknown status, phase and SKU values, warns once per value and still writes the project', async () => {
    copyCorpus();
    const result = await runPpakEtl(input(), ws.ctx);
    expect(result.unmapped).toEqual({ status: { 'In Progress': 1 }, phase: { 'Warp Speed': 1 }, material: { 'PP-UNKNOWN-9': 1 } });
    expect(result.warnings).toContain("Unknown status value: 'In Progress' (1 project) — add it to status_mapping.csv and re-run the ETL");
    expect(result.warnings).toContain("Unknown phase value: 'Warp Speed' (1 project) — add it to phase_mapping.csv and re-run the ETL");
    expect(result.warnings.some((w) => w.startsWith("Material SKU 'PP-UNKNOWN-9' (1 project) is neither in material_mapping.csv"))).toBe(true);
    const epsilon = projectsOf(result.outputs.canonical_projects).find((p) => p.ppak_job_number === 'P-6')!;
    expect(epsilon).toMatchObject({ status: null, phase: null, ppak_status: 'In Progress', material_skus: ['PP-UNKNOWN-9'] });
  });

  it('warns once about unknown columns and about projects without a customer', async () => {
    copyCorpus();
    const result = await runPpakEtl(input(), ws.ctx);
    expect(result.warnings.filter((w) => w.includes("'Notes'"))).toEqual([
      "projects_2024-03-01.csv: ignored 1 unknown column(s): 'Notes' — add them to config/ppak_columns.json if they should be read",
    ]);
    expect(result.warnings.some((w) => w.startsWith('1 project without a customer'))).toBe(true);
  });

  it('keeps projects whose start date is in date_range, bounds included, and filters undated ones with a warning', async () => {
    copyCorpus();
    const result = await runPpakEtl(input({ dateRange: { from: '2024-03-01', to: '2024-03-02' } }), ws.ctx);
    expect(result.projects).toEqual({ read: 10, written: 2, rejected: 4, filtered: 3, duplicates: 1 });
    expect(projectsOf(result.outputs.canonical_projects).map((p) => p.ppak_job_number)).toEqual(['P-1', 'P-2']);
    expect(result.warnings).toContain('2 project(s) without a readable start date were left out by date_range 2024-03-01..2024-03-02');
    expect(result.work_orders.written).toBe(2);
  });
});

describe('runPpakEtl with broken files', () => {
  it('rejects a row with bytes that are not UTF-8 and reads the rest of the file', async () => {
    ws.write(
      'projects_2024-03-01.csv',
      Buffer.concat([Buffer.from(`${PROJECT_HEADER}\nP-1,Caf`), Buffer.from([0xe9]), Buffer.from(',Acme,,,,,,\nP-2,Ok,Acme,,,,,,\n')]),
    );
    const result = await runPpakEtl(input(), ws.ctx);
    expect(result.projects).toMatchObject({ read: 2, written: 1, rejected: 1 });
    expect(result.reject_samples[0]).toMatchObject({ line: 2, reason: expect.stringContaining('not valid UTF-8') });
    expect(result.reject_samples[0]!.reason).toContain('re-export the file as UTF-8');
  });

  it('accepts a header-only projects file and writes empty canonical files', async () => {
    ws.write('projects_2024-03-01.csv', `${PROJECT_HEADER}\r\n`);
    const result = await runPpakEtl(input(), ws.ctx);
    expect(result.projects).toEqual({ read: 0, written: 0, rejected: 0, filtered: 0, duplicates: 0 });
    expect(projectsOf(result.outputs.canonical_projects)).toEqual([]);
    expect(fs.readFileSync(result.outputs.rejects, 'utf8')).toBe('entity,file,line,reason,raw\n');
  });

  it('is a ValidationError for a zero-byte projects file, but only a warning for a zero-byte materials file', async () => {
    ws.write('projects_2024-03-01.csv', '');
    await expect(runPpakEtl(input(), ws.ctx)).rejects.toThrow(/projects_2024-03-01\.csv is empty/);
    ws.write('projects_2024-03-01.csv', csv([PROJECT_HEADER, 'P-1,One,Acme,,,,,,']));
    ws.write('materials_2024-03-01.csv', '');
    const result = await runPpakEtl(input(), ws.ctx);
    expect(result.warnings).toContain('materials_2024-03-01.csv is empty (no header row): no materials read');
  });

  it('is a ValidationError naming the file, the missing column and the headers found', async () => {
    ws.write('projects_2024-03-01.csv', csv(['Job Number,Customer', 'P-1,Acme']));
    const error = await runPpakEtl(input(), ws.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/projects_2024-03-01\.csv has no column for 'job_name'.*Headers found: 'Job Number', 'Customer'/);
  });

  it('is a ValidationError when the projects file of the export date is missing, listing the files found', async () => {
    ws.write('materials_2024-03-01.csv', csv([MATERIAL_HEADER]));
    await expect(runPpakEtl(input(), ws.ctx)).rejects.toThrow(/expected projects_2024-03-01\.csv\. Export files found: materials_2024-03-01\.csv/);
  });

  it('is a ValidationError when the export folder does not exist', async () => {
    await expect(runPpakEtl(input({ exportDir: path.join(ws.root, 'missing') }), ws.ctx)).rejects.toThrow(ValidationError);
  });

  it('reports an unbalanced quote, keeps the rows before it and warns that the rest was not read', async () => {
    ws.write('projects_2024-03-01.csv', csv([PROJECT_HEADER, 'P-1,One,Acme,,,,,,', 'P-2,"Two,Acme,,,,,,', 'P-3,Three,Acme,,,,,,']));
    const result = await runPpakEtl(input(), ws.ctx);
    expect(result.projects).toMatchObject({ read: 2, written: 1, rejected: 1 });
    expect(result.reject_samples[0]).toMatchObject({ line: 3, reason: expect.stringContaining('never closed') });
    expect(result.warnings.some((w) => w.includes('reading stopped at an unbalanced quote'))).toBe(true);
  });
});

describe('runPpakEtl export set selection', () => {
  it('uses the newest date stamp even when an older set was written later', async () => {
    ws.write('projects_2024-03-08.csv', csv([PROJECT_HEADER, 'P-8,New,Acme,,,,,,']));
    const older = ws.write('projects_2024-03-01.csv', csv([PROJECT_HEADER, 'P-1,Old,Acme,,,,,,']));
    const later = new Date(Date.now() + 3_600_000);
    fs.utimesSync(older, later, later);
    const result = await runPpakEtl(input(), ws.ctx);
    expect(result.export_date).toBe('2024-03-08');
    expect(projectsOf(result.outputs.canonical_projects).map((p) => p.name)).toEqual(['New']);
  });

  it('uses an explicit export_date', async () => {
    ws.write('projects_2024-03-08.csv', csv([PROJECT_HEADER, 'P-8,New,Acme,,,,,,']));
    ws.write('projects_2024-03-01.csv', csv([PROJECT_HEADER, 'P-1,Old,Acme,,,,,,']));
    const result = await runPpakEtl(input({ exportDate: '2024-03-01' }), ws.ctx);
    expect(result.export_date).toBe('2024-03-01');
    expect(result.outputs.canonical_projects).toBe(path.join(ws.outputDir, 'canonical_projects_2024-03-01.json'));
  });
});

describe('runPpakEtl safety', () => {
  it('refuses an export file that is a symlink leading outside the data roots, and writes nothing', async () => {
    const outside = fs.mkdtempSync(path.join(path.dirname(ws.root), 'ppak-outside-'));
    try {
      fs.writeFileSync(path.join(outside, 'materials.csv'), csv([MATERIAL_HEADER, 'X-1,Secret,,,,Y']));
      fs.symlinkSync(path.join(outside, 'materials.csv'), path.join(ws.exportDir, 'materials_2024-03-01.csv'));
      ws.write('projects_2024-03-01.csv', csv([PROJECT_HEADER, 'P-1,One,Acme,,,,,,']));
      await expect(runPpakEtl(input(), ws.ctx)).rejects.toThrow(OutsideDataRootError);
      expect(fs.existsSync(ws.outputDir)).toBe(false);
    } finally {
      fs.rmSync(outside, { recursive: true });
    }
  });

  it('refuses an output folder outside the data roots', async () => {
    ws.write('projects_2024-03-01.csv', csv([PROJECT_HEADER, 'P-1,One,Acme,,,,,,']));
    const outside = path.join(path.dirname(ws.root), `ppak-out-${process.pid}`);
    await expect(runPpakEtl(input({ outputDir: outside }), ws.ctx)).rejects.toThrow(OutsideDataRootError);
    expect(fs.existsSync(outside)).toBe(false);
  });

  it('leaves no output (and no temporary file) when cancelled, and keeps the previous outputs', async () => {
    const lines = [PROJECT_HEADER];
    for (let i = 1; i <= 20_000; i++) lines.push(`P-${i},Project ${i},Acme,Active,Design,2024-03-01,,100,PP-PLY-075`);
    ws.write('projects_2024-03-01.csv', csv(lines));
    ws.write('work_orders_2024-03-01.csv', csv([WORK_ORDER_HEADER, 'W-1,P-1,x,1,']));
    fs.mkdirSync(ws.outputDir);
    const previous = path.join(ws.outputDir, 'canonical_projects_2024-03-01.json');
    fs.writeFileSync(previous, '{"previous": true}');
    const controller = new AbortController();
    const progress = new ProgressTracker(0);
    progress.onUpdate((snapshot) => {
      if (snapshot.phase.startsWith('reading projects') && snapshot.done > 0) controller.abort();
    });
    await expect(runPpakEtl(input(), { ...ws.ctx, progress, signal: controller.signal })).rejects.toThrow(CancelledError);
    expect(fs.readdirSync(ws.outputDir)).toEqual(['canonical_projects_2024-03-01.json']);
    expect(fs.readFileSync(previous, 'utf8')).toBe('{"previous": true}');
  });

  it('uses the default (*) row of a mapping folder inside the data roots', async () => {
    const maps = path.join(ws.root, 'maps');
    fs.mkdirSync(maps);
    fs.writeFileSync(path.join(maps, 'status_mapping.csv'), csv(['ppak_status,innergy_status', 'Open,Active', '*,On Hold']));
    fs.writeFileSync(path.join(maps, 'phase_mapping.csv'), csv(['ppak_phase,innergy_phase', 'Design,Design']));
    ws.write('projects_2024-03-01.csv', csv([PROJECT_HEADER, 'P-1,One,Acme,Weird,Design,,,,']));
    const result = await runPpakEtl(input({ mappingDir: maps }), ws.ctx);
    expect(projectsOf(result.outputs.canonical_projects)[0]).toMatchObject({ status: 'On Hold', ppak_status: 'Weird' });
    expect(result.unmapped.status).toEqual({ Weird: 1 });
    expect(result.warnings).toContain(`No material_mapping.csv in ${maps}: SKUs are kept as exported`);
    expect(result.warnings.some((w) => w.includes("written with the default 'On Hold'"))).toBe(true);
  });

  it('bounds warnings to 50 plus a count of the rest, and reject samples to 20', async () => {
    const lines = [PROJECT_HEADER];
    for (let i = 1; i <= 80; i++) lines.push(`P-${i},Project ${i},Acme,,,not a date,,,`);
    for (let i = 1; i <= 30; i++) lines.push(`,No number ${i},Acme,,,,,,`);
    ws.write('projects_2024-03-01.csv', csv(lines));
    const result = await runPpakEtl(input(), ws.ctx);
    expect(result.warnings).toHaveLength(51);
    expect(result.warnings.at(-1)).toMatch(/^… and \d+ more$/);
    expect(result.reject_samples).toHaveLength(20);
    expect(result.projects.rejected).toBe(30);
    expect(readRejects(result.outputs.rejects)).toHaveLength(31);
  });
});
