/**
 * Bounded results (DESIGN §7.9) through an MCP client: with more records than the sample cap,
 * `projects[]` and `items[]` hold exactly the cap (20) while the counts give the totals and
 * `report_uri` names the run's report — in a dry run, an apply, and the full cycle's steps.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCanonicalProjects } from '../../helpers/canonical.js';
import { callToCompletion } from '../../helpers/mcp.js';
import { useInnergySession } from '../../helpers/innergy-session.js';
import { writeMaterialLibrary, writePpakExport } from '../../helpers/run-fixtures.js';

const CAP = 20;
const h = useInnergySession('1000/s');

/** The result is bounded: `samples` holds exactly the cap, and the run's report is named. */
function expectBounded(result: Record<string, any>, samples: string): void {
  expect(result[samples]).toHaveLength(CAP);
  expect(result.report_uri).toBe(`migration://runs/${result.run_id}/report`);
}

describe('bounded result samples', () => {
  it('run_innergy_project_import returns 20 projects of 45 in the dry run and the apply, with the totals', async () => {
    const file = writeCanonicalProjects(h.ws.outputDir, 45);
    const dry = await callToCompletion(h.session.client, 'run_innergy_project_import', { canonical_file: file });
    expect(dry.structured).toMatchObject({ status: 'succeeded', dry_run: true, created: 45 });
    expectBounded(dry.structured, 'projects');

    const applied = await callToCompletion(h.session.client, 'run_innergy_project_import', { canonical_file: file, dry_run: false, plan_id: dry.structured.plan_id });
    expect(applied.structured).toMatchObject({ status: 'succeeded', created: 45, failed: 0 });
    expectBounded(applied.structured, 'projects');
    expect(h.fake.state.projects).toHaveLength(45);
    // The sample names real records: each is one the fake holds, under its id.
    const ids = new Map(h.fake.state.projects.map((p) => [p.ExternalIdentifier, p.Id]));
    for (const sample of applied.structured.projects) expect(sample.innergy_id).toBe(ids.get(sample.job_number));
  });

  it('sync_innergy_material_library returns 20 items of 30 new materials, with the total', async () => {
    const library = writeMaterialLibrary(path.join(h.ws.dir, 'data', 'materials_30.csv'), 30);
    const dry = await callToCompletion(h.session.client, 'sync_innergy_material_library', { material_library: library });
    expect(dry.structured).toMatchObject({ status: 'succeeded', dry_run: true, new: 30 });
    expectBounded(dry.structured, 'items');

    const applied = await callToCompletion(h.session.client, 'sync_innergy_material_library', { material_library: library, dry_run: false });
    expect(applied.structured).toMatchObject({ status: 'succeeded', new: 30, failed: 0 });
    expectBounded(applied.structured, 'items');
    expect(h.fake.state.materials).toHaveLength(30);
  });

  it('run_full_cycle bounds the samples of its steps too', async () => {
    const exportDir = writePpakExport(path.join(h.ws.dir, 'data', 'big_export'), 30);
    const library = writeMaterialLibrary(path.join(h.ws.dir, 'data', 'materials_30.csv'), 30);
    const dry = await callToCompletion(h.session.client, 'run_full_cycle', { ppak_export_dir: exportDir, material_library: library });
    expect(dry.structured).toMatchObject({ status: 'succeeded', dry_run: true, stopped_at: null });
    expect(dry.structured.steps.material_sync.result).toMatchObject({ new: 30 });
    expect(dry.structured.steps.material_sync.result.items).toHaveLength(CAP);
    expect(dry.structured.steps.project_import.result).toMatchObject({ created: 30 });
    expect(dry.structured.steps.project_import.result.projects).toHaveLength(CAP);
  });
});
