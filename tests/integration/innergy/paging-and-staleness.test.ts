/**
 * What the runs read and what an approved plan protects, counted on the fake INNERGY:
 * - lists are read in pages, each page once per run (DESIGN §7.4: bulk reads, never a GET per record);
 * - a plan approved before INNERGY changed is refused as stale, even when the source did not change
 *   (the plan_id covers the target's state, DESIGN §7.1), and nothing is written.
 */
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedProject, startFakeInnergy, type FakeInnergy, type FakeInnergyOptions } from '../../fakes/innergy.js';
import { writeCanonicalProjects } from '../../helpers/canonical.js';
import { callToCompletion, connectInProcess, type InProcessSession } from '../../helpers/mcp.js';
import { makeWorkspace, type Workspace } from '../../helpers/workspace.js';
import { importedProject as imported, jobNumbers } from './fake-records.js';

const PAGE = 40;
let fake: FakeInnergy | undefined;
let ws: Workspace;
let session: InProcessSession | undefined;

beforeEach(() => {
  ws = makeWorkspace();
});

afterEach(async () => {
  await session?.close();
  await fake?.close();
  session = undefined;
  fake = undefined;
  ws.cleanup();
});

async function start(options: FakeInnergyOptions) {
  fake = await startFakeInnergy(options);
  session = await connectInProcess({ ...ws.env, INNERGY_API_BASE_URL: fake.url, INNERGY_API_KEY: fake.apiKey, INNERGY_RATE_LIMIT: '500/s' }, ws.dir);
  return session.client;
}

/** The page numbers of every GET of `path`, in order. */
function pagesRead(path: string): number[] {
  return fake!.requests.filter({ method: 'GET', path }).map((e) => Number(e.query.page));
}

const writes = () => fake!.requests.count({ method: 'POST' }) + fake!.requests.count({ method: 'PUT' });
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('paged reads', () => {
  it('reads every project page exactly once per run: ceil(records / page size) list GETs', async () => {
    const total = 250;
    const client = await start({ maxPageSize: PAGE, projects: range(total).map((i) => imported(i)) });
    const file = writeCanonicalProjects(ws.outputDir, total);
    const pages = Math.ceil(total / PAGE);

    const dry = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file });
    expect(dry.structured).toMatchObject({ status: 'succeeded', created: 0, updated: 0, unchanged: total });
    expect(pagesRead('/api/projects')).toEqual(range(pages));
    expect(fake!.requests.count({ method: 'GET' })).toBe(pages);

    fake!.requests.clear();
    const applied = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file, dry_run: false, plan_id: dry.structured.plan_id });
    expect(applied.structured).toMatchObject({ status: 'succeeded', created: 0, unchanged: total, failed: 0 });
    expect(pagesRead('/api/projects')).toEqual(range(pages));
    expect(fake!.requests.count({ method: 'GET' })).toBe(pages);
    expect(writes()).toBe(0);
  });

  it('reads every material page exactly once per sync run', async () => {
    const total = 130;
    const skus = range(total).map((i) => `MAT-${String(i).padStart(3, '0')}`);
    const client = await start({
      maxPageSize: PAGE,
      materials: skus.map((sku) => ({ Sku: sku, Name: sku, Category: 'Panels', Unit: 'EA', UnitCost: { Value: 1 }, Active: true, ExternalIdentifier: sku })),
    });
    fs.writeFileSync(ws.materialLibrary, ['sku,name,category,unit,unit_cost,active', ...skus.map((sku) => `${sku},${sku},Panels,EA,1,Y`), ''].join('\n'));

    const dry = await callToCompletion(client, 'sync_innergy_material_library', {});
    expect(dry.structured).toMatchObject({ status: 'succeeded', new: 0, updated: 0, unchanged: total, not_in_master: 0 });
    expect(pagesRead('/api/materials')).toEqual(range(Math.ceil(total / PAGE)));
    expect(fake!.requests.count({ method: 'GET' })).toBe(Math.ceil(total / PAGE));
  });
});

describe('a plan approved before INNERGY changed', () => {
  /** Jobs 1–4 in INNERGY (job 2 with an old name), jobs 1–6 in the file: 2 creates, 1 update planned. */
  async function planned() {
    const client = await start({ projects: [1, 2, 3, 4].map((i) => imported(i, i === 2 ? { Name: 'Old name' } : {})) });
    const file = writeCanonicalProjects(ws.outputDir, 6);
    const dry = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file });
    expect(dry.structured).toMatchObject({ status: 'succeeded', created: 2, updated: 1, unchanged: 3 });
    return { client, file, planId: String(dry.structured.plan_id) };
  }

  it('is refused as stale when a project changed in INNERGY only, and nothing is written', async () => {
    const { client, file, planId } = await planned();
    fake!.state.projects.find((p) => p.ExternalIdentifier === 'J-000001')!.Name = 'Renamed in INNERGY';
    const fileBefore = fs.readFileSync(file, 'utf8');

    const applied = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file, dry_run: false, plan_id: planId });
    expect(applied.isError).toBe(true);
    expect(applied.structured.error).toMatchObject({ kind: 'stale_plan' });
    expect(writes()).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe(fileBefore);
    expect(fake!.state.projects.map((p) => [p.ExternalIdentifier, p.Name])).toEqual([
      ['J-000001', 'Renamed in INNERGY'], ['J-000002', 'Old name'], ['J-000003', 'Project 3'], ['J-000004', 'Project 4'],
    ]);
  });

  it('is refused as stale when a planned project appeared in INNERGY meanwhile, and nothing is written', async () => {
    const { client, file, planId } = await planned();
    fake!.state.projects.push(seedProject(imported(5), 'made-by-hand-5'));

    const applied = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file, dry_run: false, plan_id: planId });
    expect(applied.structured.error).toMatchObject({ kind: 'stale_plan' });
    expect(writes()).toBe(0);
    expect(fake!.state.projects.map((p) => p.ExternalIdentifier)).toEqual(jobNumbers(5));
  });

  it('is refused as stale for the material sync when a material changed in INNERGY only', async () => {
    const client = await start({ materials: [{ Sku: 'MAT-1', Name: 'Oak', Category: 'Panels', Unit: 'EA', UnitCost: { Value: 2 }, Active: true, ExternalIdentifier: 'MAT-1' }] });
    fs.writeFileSync(ws.materialLibrary, 'sku,name,category,unit,unit_cost,active\nMAT-1,Oak,Panels,EA,2,Y\nMAT-2,Birch,Panels,EA,3,Y\n');
    const dry = await callToCompletion(client, 'sync_innergy_material_library', {});
    expect(dry.structured).toMatchObject({ new: 1, unchanged: 1 });
    fake!.state.materials[0]!.Name = 'Oak (edited in INNERGY)';

    const applied = await callToCompletion(client, 'sync_innergy_material_library', { dry_run: false, plan_id: dry.structured.plan_id });
    expect(applied.structured.error).toMatchObject({ kind: 'stale_plan' });
    expect(writes()).toBe(0);
    expect(fake!.state.materials.map((m) => m.Name)).toEqual(['Oak (edited in INNERGY)']);
  });
});
