/**
 * End-to-end: the real server process over stdio (SDK Client) against a fake INNERGY on
 * 127.0.0.1 — the write path the INNERGY issue must prove: plan → apply → no-op re-run, stale
 * plans refused, kill -9 mid-import then resume with exactly one project per job number, and a
 * bad key stopping the run with a clear message.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeInnergy, type FakeInnergy } from '../../fakes/innergy.js';
import { readProjects, writeCanonicalProjects } from '../../helpers/canonical.js';
import { callTool, callToCompletion, connectStdio, type StdioSession } from '../../helpers/mcp.js';
import { makeWorkspace, type Workspace } from '../../helpers/workspace.js';

let fake: FakeInnergy;
let ws: Workspace;
let session: StdioSession | undefined;

function env(extra: Record<string, string> = {}) {
  return { ...ws.env, INNERGY_API_BASE_URL: fake.url, INNERGY_API_KEY: fake.apiKey, INNERGY_RATE_LIMIT: '200/s', ...extra };
}

beforeEach(async () => {
  fake = await startFakeInnergy({ latencyMs: 2 });
  ws = makeWorkspace();
});

afterEach(async () => {
  await session?.close();
  session = undefined;
  await fake.close();
  ws.cleanup();
});

describe('run_innergy_project_import end to end', () => {
  it('plans in a dry run, applies exactly that plan, and a re-run writes nothing', async () => {
    const file = writeCanonicalProjects(ws.outputDir, 25);
    session = await connectStdio(env());
    const { client } = session;

    const dry = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file });
    expect(dry.isError).toBe(false);
    expect(dry.structured).toMatchObject({ status: 'succeeded', dry_run: true, created: 25, updated: 0, failed: 0 });
    expect(dry.structured.plan_id).toMatch(/^[a-f0-9]{32}$/);
    expect(fake.state.projects).toHaveLength(0);

    const applied = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file, dry_run: false, plan_id: dry.structured.plan_id });
    expect(applied.structured).toMatchObject({ status: 'succeeded', dry_run: false, created: 25, failed: 0, canonical_file_updated: file });
    expect(fake.state.projects).toHaveLength(25);
    expect(fake.duplicateExternalIds('projects')).toEqual([]);
    const ids = new Set(fake.state.projects.map((p) => p.Id));
    for (const project of readProjects(file)) expect(ids.has(project.innergy_id!)).toBe(true);

    fake.requests.clear();
    const again = await callToCompletion(client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    expect(again.structured).toMatchObject({ status: 'succeeded', created: 0, updated: 0, unchanged: 25, failed: 0 });
    expect(fake.requests.count({ method: 'POST' }) + fake.requests.count({ method: 'PUT' })).toBe(0);
  });

  it('updates only the projects whose fields changed', async () => {
    const file = writeCanonicalProjects(ws.outputDir, 10);
    session = await connectStdio(env());
    await callToCompletion(session.client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    writeCanonicalProjects(ws.outputDir, 10, (p, i) => ({ ...p, innergy_id: readProjects(file)[i - 1]!.innergy_id, name: i === 3 ? 'Renamed project' : p.name }));

    fake.requests.clear();
    const result = await callToCompletion(session.client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    expect(result.structured).toMatchObject({ created: 0, updated: 1, unchanged: 9 });
    expect(fake.requests.count({ method: 'PUT' })).toBe(1);
    expect(result.structured.projects[0]).toMatchObject({ job_number: 'J-000003', action: 'update', changed_fields: ['Name'] });
  });

  it('refuses a stale plan and says to run the dry run again', async () => {
    const file = writeCanonicalProjects(ws.outputDir, 5);
    session = await connectStdio(env());
    const dry = await callToCompletion(session.client, 'run_innergy_project_import', { canonical_file: file });
    fake.state.projects.push({ Id: 'manual-1', Number: 'J-000002', Name: 'Made by hand', CustomerName: 'X', Status: 'Active', Phase: 'Design', StartDate: null, DueDate: null, ContractAmount: null, ExternalIdentifier: 'J-000002' });

    const applied = await callToCompletion(session.client, 'run_innergy_project_import', { canonical_file: file, dry_run: false, plan_id: dry.structured.plan_id });
    expect(applied.isError).toBe(true);
    expect(applied.structured).toMatchObject({ status: 'failed', error: { kind: 'stale_plan' } });
    expect(applied.structured.error.action).toMatch(/dry run again/);
    expect(fake.state.projects).toHaveLength(1);
  });

  it('finishes after kill -9 mid-import with exactly one project per job number', async () => {
    const count = 150;
    const file = writeCanonicalProjects(ws.outputDir, count);
    await fake.close();
    fake = await startFakeInnergy({ latencyMs: 25, port: 0 });
    session = await connectStdio(env({ INNERGY_RATE_LIMIT: '100/s' }));

    const started = await callTool(session.client, 'run_innergy_project_import', { canonical_file: file, dry_run: false, wait_seconds: 0 });
    expect(started.structured.status).toBe('running');
    const runId = String(started.structured.run_id);
    await waitFor(() => fake.state.projects.length >= 30, 20_000);
    process.kill(session.pid(), 'SIGKILL');
    await session.close();
    const createdBeforeCrash = fake.state.projects.length;
    expect(createdBeforeCrash).toBeLessThan(count);

    session = await connectStdio(env({ INNERGY_RATE_LIMIT: '100/s' }));
    const listed = await callTool(session.client, 'list_runs', { status: 'interrupted' });
    expect(listed.structured.runs.map((r: { run_id: string }) => r.run_id)).toContain(runId);

    const resumed = await callTool(session.client, 'resume_run', { run_id: runId, wait_seconds: 50 });
    let view = resumed.structured;
    while (view.status === 'running') view = (await callTool(session.client, 'get_run', { run_id: runId, wait_seconds: 50 })).structured;
    expect(view).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(view.result).toMatchObject({ created: count, failed: 0 });

    expect(fake.state.projects).toHaveLength(count);
    expect(fake.duplicateExternalIds('projects')).toEqual([]);
    expect(readProjects(file).every((p) => p.innergy_id)).toBe(true);
  });

  it('leaves a run interrupted, not cancelled, when the server is stopped while a client waits for it', async () => {
    const file = writeCanonicalProjects(ws.outputDir, 150);
    await fake.close();
    fake = await startFakeInnergy({ latencyMs: 25 });
    session = await connectStdio(env({ INNERGY_RATE_LIMIT: '100/s' }));
    const pending = callTool(session.client, 'run_innergy_project_import', { canonical_file: file, dry_run: false, wait_seconds: 50 }).catch(() => undefined);
    await waitFor(() => fake.state.projects.length >= 10, 20_000);
    process.kill(session.pid(), 'SIGTERM');
    await pending;
    await session.close();

    session = await connectStdio(env());
    const [run] = (await callTool(session.client, 'list_runs', { tool: 'run_innergy_project_import' })).structured.runs;
    expect(run.status).toBe('interrupted');
    const view = (await callTool(session.client, 'get_run', { run_id: run.run_id })).structured;
    expect(view.error.message).toMatch(/shut down/);
  });

  it('stops the run with a clear message when INNERGY refuses the key', async () => {
    const file = writeCanonicalProjects(ws.outputDir, 3);
    session = await connectStdio(env({ INNERGY_API_KEY: 'wrong-key-1234' }));
    const result = await callToCompletion(session.client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    expect(result.isError).toBe(true);
    expect(result.structured).toMatchObject({ status: 'failed', error: { kind: 'auth' } });
    expect(result.text).toMatch(/INNERGY_API_KEY/);
    expect(session.stderr()).not.toContain('wrong-key-1234');
    expect(fake.state.projects).toHaveLength(0);
  });

  it('stops on a 401 answer too and names the key variable', async () => {
    await fake.close();
    fake = await startFakeInnergy({ authStyle: '401' });
    const file = writeCanonicalProjects(ws.outputDir, 3);
    session = await connectStdio(env({ INNERGY_API_KEY: 'wrong-key-5678' }));
    const result = await callToCompletion(session.client, 'run_innergy_project_import', { canonical_file: file, dry_run: false });
    expect(result.structured).toMatchObject({ status: 'failed', error: { kind: 'auth' } });
    expect(result.structured.error.message).toMatch(/401/);
    expect(result.structured.error.action).toMatch(/INNERGY_API_KEY/);
  });
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
