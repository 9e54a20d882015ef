/** migration_health_check and run_full_cycle through an MCP client against the fake INNERGY. */
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeInnergy, type FakeInnergy } from '../../fakes/innergy.js';
import { canonicalProject, writeCanonicalProjects } from '../../helpers/canonical.js';
import { callToCompletion, connectInProcess, type InProcessSession } from '../../helpers/mcp.js';
import { makeWorkspace, type Workspace } from '../../helpers/workspace.js';

let fake: FakeInnergy;
let ws: Workspace;
let session: InProcessSession | undefined;

async function connect(extra: Record<string, string> = {}) {
  session = await connectInProcess({ ...ws.env, INNERGY_API_BASE_URL: fake.url, INNERGY_API_KEY: fake.apiKey, INNERGY_RATE_LIMIT: '500/s', ...extra }, ws.dir);
  return session.client;
}

beforeEach(async () => {
  ws = makeWorkspace();
  fake = await startFakeInnergy({ materials: [{ Sku: 'MAT-1', Name: 'Oak', Active: true, ExternalIdentifier: 'MAT-1' }] });
});

afterEach(async () => {
  await session?.close();
  session = undefined;
  await fake.close();
  ws.cleanup();
});

describe('migration_health_check', () => {
  it('passes every check once the projects are imported', async () => {
    const client = await connect();
    const file = writeCanonicalProjects(ws.outputDir, 4, (p) => ({ ...p, material_skus: ['MAT-1'] }));
    await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    const health = await callToCompletion(client, 'migration_health_check', { canonical_file: file });
    expect(health.structured).toMatchObject({ status: 'succeeded', ok: true });
    expect(health.structured.checks.map((c: { name: string; status: string }) => `${c.name}:${c.status}`)).toEqual([
      'projects_missing_innergy_id:pass',
      'materials_missing_in_innergy:pass',
      'unmapped_status:pass',
      'unmapped_phase:pass',
      'data_quality:pass',
    ]);
    expect(fs.readFileSync(health.structured.report_path, 'utf8')).toMatch(/Result: healthy/);
    expect(health.structured.report_path).toMatch(/health_check_2024-01-15\.md$/);
  });

  it('fails each check with counts and samples on a messy file', async () => {
    const client = await connect();
    const file = writeCanonicalProjects(ws.outputDir, 0);
    const projects = [
      canonicalProject(1, { material_skus: ['MAT-1', 'PP-DOOR-001'] }),
      canonicalProject(2, { status: null, ppak_status: 'In Progress', innergy_id: 'gone-42' }),
      canonicalProject(3, { phase: null, ppak_phase: 'Mystery' }),
      canonicalProject(4, { customer_name: null, start_date: '2024-05-01', due_date: '2024-01-01' }),
      canonicalProject(1),
    ];
    fs.writeFileSync(file, JSON.stringify({ export_date: '2024-01-15', generated_at: 'x', projects }));
    const health = await callToCompletion(client, 'migration_health_check', { canonical_file: file });
    expect(health.structured.ok).toBe(false);
    const checks = Object.fromEntries(health.structured.checks.map((c: { name: string }) => [c.name, c]));
    expect(checks.projects_missing_innergy_id).toMatchObject({ status: 'fail', count: 4 });
    expect(checks.projects_missing_innergy_id.samples).toContain('J-000002: innergy_id gone-42 not found in INNERGY');
    expect(checks.materials_missing_in_innergy).toMatchObject({ status: 'fail', count: 1, samples: ['PP-DOOR-001 (used by J-000001)'] });
    expect(checks.unmapped_status).toMatchObject({ status: 'fail', count: 1, samples: ["J-000002: 'In Progress'"] });
    expect(checks.unmapped_phase).toMatchObject({ status: 'fail', count: 1 });
    expect(checks.data_quality).toMatchObject({ status: 'fail', count: 2 });
    expect(checks.data_quality.samples.join('\n')).toMatch(/J-000001: job number appears 2 times/);
    expect(checks.data_quality.samples.join('\n')).toMatch(/due date 2024-01-01 before start date 2024-05-01/);
    expect(health.structured.next_action).toMatch(/run_innergy_project_import/);
  });
});

describe('run_full_cycle', () => {
  it('chains the dry runs, then applies every step as one run with a combined report', async () => {
    const client = await connect();
    const dry = await callToCompletion(client, 'run_full_cycle', {});
    expect(dry.structured).toMatchObject({ status: 'succeeded', dry_run: true, stopped_at: null, health_ok: false });
    expect(Object.keys(dry.structured.steps)).toEqual(['etl', 'material_sync', 'project_import', 'health_check']);
    expect(dry.structured.steps.project_import.result).toMatchObject({ created: 14, skipped: 4 });
    expect(fake.state.projects).toHaveLength(0);

    const applied = await callToCompletion(client, 'run_full_cycle', { dry_run: false });
    expect(applied.structured).toMatchObject({ status: 'succeeded', dry_run: false, stopped_at: null });
    expect(applied.structured.steps.material_sync.result.new).toBeGreaterThan(0);
    expect(applied.structured.steps.project_import.result).toMatchObject({ created: 14, failed: 0 });
    expect(fake.state.projects).toHaveLength(14);
    expect(applied.structured.health_ok).toBe(false);
    expect(applied.structured.next_action).toMatch(/health check is not ok/);

    const report = await session!.client.readResource({ uri: applied.structured.report_uri });
    const text = String((report.contents[0] as { text: string }).text);
    for (const step of ['etl', 'material_sync', 'project_import', 'health_check']) expect(text).toContain(`## Step: ${step}`);
  });

  it('stops at the failed step with its reason and the next action', async () => {
    const client = await connect({ INNERGY_API_KEY: 'wrong-key-0000' });
    const result = await callToCompletion(client, 'run_full_cycle', {});
    expect(result.isError).toBe(true);
    expect(result.structured).toMatchObject({ status: 'failed', stopped_at: 'material_sync' });
    expect(result.structured.steps.etl.status).toBe('succeeded');
    expect(result.structured.steps.material_sync).toMatchObject({ status: 'failed', error: { kind: 'auth' } });
    expect(result.structured.steps.project_import.status).toBe('skipped');
    expect(result.structured.next_action).toMatch(/INNERGY_API_KEY/);
  });
});
