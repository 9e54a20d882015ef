/**
 * What an approved plan protects: a resume never applies more than was reviewed, and re-running
 * the ETL keeps the INNERGY ids an import wrote back.
 */
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeInnergy, type FakeInnergy } from '../../fakes/innergy.js';
import { readProjects, writeCanonicalProjects } from '../../helpers/canonical.js';
import { callTool, callToCompletion, connectInProcess, type InProcessSession } from '../../helpers/mcp.js';
import { makeWorkspace, type Workspace } from '../../helpers/workspace.js';

let fake: FakeInnergy;
let ws: Workspace;
let session: InProcessSession;

beforeEach(async () => {
  ws = makeWorkspace();
  fake = await startFakeInnergy();
  session = await connectInProcess({ ...ws.env, INNERGY_API_BASE_URL: fake.url, INNERGY_API_KEY: fake.apiKey, INNERGY_RATE_LIMIT: '500/s', MAX_RETRIES: '0' }, ws.dir);
});

afterEach(async () => {
  await session.close();
  await fake.close();
  ws.cleanup();
});

describe('approved plans and resume', () => {
  it('refuses to resume a run whose plan was refused as stale', async () => {
    const file = writeCanonicalProjects(ws.outputDir, 3);
    const dry = await callToCompletion(session.client, 'run_innergy_project_import', { canonical_file: file });
    writeCanonicalProjects(ws.outputDir, 8);
    const applied = await callToCompletion(session.client, 'run_innergy_project_import', { canonical_file: file, dry_run: false, plan_id: dry.structured.plan_id });
    expect(applied.structured.error.kind).toBe('stale_plan');

    const resumed = await callTool(session.client, 'resume_run', { run_id: applied.structured.run_id });
    expect(resumed.isError).toBe(true);
    expect(resumed.text).toMatch(/plan was stale/);
    expect(fake.state.projects).toHaveLength(0);
  });

  it('refuses to resume an interrupted apply once its inputs changed, and continues it when they did not', async () => {
    const file = writeCanonicalProjects(ws.outputDir, 12);
    const dry = await callToCompletion(session.client, 'run_innergy_project_import', { canonical_file: file });
    fake.faults.set({ routes: [{ match: { method: 'POST', path: '/api/projects' }, status5xx: 1 }] });
    const broken = await callToCompletion(session.client, 'run_innergy_project_import', { canonical_file: file, dry_run: false, plan_id: dry.structured.plan_id });
    expect(broken.structured.status).toBe('interrupted');
    fake.faults.clear();

    // Every create of the broken run was answered 503 before INNERGY stored anything.
    expect(fake.state.projects).toHaveLength(0);
    const postsBefore = fake.requests.count({ method: 'POST' });

    writeCanonicalProjects(ws.outputDir, 40);
    const refused = await callToCompletion(session.client, 'resume_run', { run_id: broken.structured.run_id });
    expect(refused.structured).toMatchObject({ status: 'failed', error: { kind: 'stale_plan' } });
    expect(fake.state.projects).toHaveLength(0);
    expect(fake.requests.count({ method: 'POST' })).toBe(postsBefore);
    expect(fake.requests.count({ method: 'PUT' })).toBe(0);

    writeCanonicalProjects(ws.outputDir, 12);
    const again = await callToCompletion(session.client, 'run_innergy_project_import', { canonical_file: file });
    fake.faults.set({ routes: [{ match: { method: 'POST', path: '/api/projects' }, status5xx: 1 }] });
    const second = await callToCompletion(session.client, 'run_innergy_project_import', { canonical_file: file, dry_run: false, plan_id: again.structured.plan_id });
    fake.faults.clear();
    const resumed = await callToCompletion(session.client, 'resume_run', { run_id: second.structured.run_id });
    expect(resumed.structured).toMatchObject({ status: 'succeeded' });
    expect(fake.state.projects).toHaveLength(12);
    expect(fake.duplicateExternalIds('projects')).toEqual([]);
  });

  it('writes back the ids of projects created before the run stopped', async () => {
    const file = writeCanonicalProjects(ws.outputDir, 20);
    let posts = 0;
    fake.faults.set({ routes: [{ match: { method: 'POST', path: '/api/projects', where: () => ++posts > 3 }, status5xx: 1 }] });
    const broken = await callToCompletion(session.client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    expect(broken.structured.status).toBe('interrupted');
    const withIds = readProjects(file).filter((p) => p.innergy_id);
    expect(withIds.length).toBeGreaterThan(0);
    expect(withIds.length).toBe(fake.state.projects.length);
  });
});

describe('re-running the ETL', () => {
  it('keeps the innergy_id of projects imported before', async () => {
    const etl = await callToCompletion(session.client, 'run_ppak_export_etl', {});
    const file = String(etl.structured.outputs.canonical_projects);
    await callToCompletion(session.client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    const imported = readProjects(file).filter((p) => p.innergy_id).length;
    expect(imported).toBeGreaterThan(0);

    await callToCompletion(session.client, 'run_ppak_export_etl', {});
    expect(readProjects(file).filter((p) => p.innergy_id).length).toBe(imported);
    expect(fs.existsSync(file)).toBe(true);
  });
});
