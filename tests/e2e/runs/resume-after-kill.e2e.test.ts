/**
 * End-to-end: kill -9 of the real server mid-run, then a new server resumes the run, for the
 * material sync and for run_full_cycle (the project import has its own in
 * tests/e2e/innergy/project-import.e2e.test.ts). The kill waits on the fake's record count, not
 * on time; the verdict counts the fake's records: every item exactly once.
 */
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeInnergy, type FakeInnergy } from '../../fakes/innergy.js';
import { readProjects } from '../../helpers/canonical.js';
import { callTool, connectStdio, type StdioSession } from '../../helpers/mcp.js';
import { makeWorkspace, type Workspace } from '../../helpers/workspace.js';
import { jobNumber, sku, waitFor, writeMaterialLibrary, writePpakExport } from '../../helpers/run-fixtures.js';

let fake: FakeInnergy;
let ws: Workspace;
let session: StdioSession | undefined;

function env(): Record<string, string> {
  return { ...ws.env, INNERGY_API_BASE_URL: fake.url, INNERGY_API_KEY: fake.apiKey, INNERGY_RATE_LIMIT: '100/s' };
}

beforeEach(async () => {
  fake = await startFakeInnergy({ latencyMs: 25 });
  ws = makeWorkspace();
});

afterEach(async () => {
  await session?.close();
  session = undefined;
  await fake.close();
  ws.cleanup();
});

/** Starts `tool` (apply), kills the server with SIGKILL once `killWhen` holds, and starts a new one. */
async function killMidRun(tool: string, args: Record<string, unknown>, killWhen: () => boolean): Promise<string> {
  session = await connectStdio(env());
  const started = await callTool(session.client, tool, { ...args, dry_run: false, wait_seconds: 0 });
  expect(started.structured.status).toBe('running');
  await waitFor(killWhen);
  process.kill(session.pid(), 'SIGKILL');
  await session.close();
  session = await connectStdio(env());
  return String(started.structured.run_id);
}

/** Resumes `runId` and follows it to its end; returns the final run view. */
async function resumeToEnd(runId: string): Promise<Record<string, any>> {
  const client = session!.client;
  const listed = await callTool(client, 'list_runs', { status: 'interrupted' });
  expect(listed.structured.runs.map((r: { run_id: string }) => r.run_id)).toContain(runId);
  let view = (await callTool(client, 'resume_run', { run_id: runId, wait_seconds: 50 })).structured;
  while (view.status === 'running') view = (await callTool(client, 'get_run', { run_id: runId, wait_seconds: 50 })).structured;
  return view;
}

/** How many records carry each key (every key of `keys` once means exactly once). */
function countsBy<T>(records: readonly T[], keyOf: (record: T) => string | null): Map<string | null, number> {
  const counts = new Map<string | null, number>();
  for (const record of records) counts.set(keyOf(record), (counts.get(keyOf(record)) ?? 0) + 1);
  return counts;
}

function expectEachOnce(counts: Map<string | null, number>, keys: readonly string[]): void {
  expect([...counts.keys()].sort()).toEqual([...keys].sort());
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
}

// Two server start-ups and hundreds of paced writes: minutes on a loaded 2-core machine (a safety net, not a bound under test).
describe('resume after kill -9', { timeout: 180_000 }, () => {
  it('finishes the material sync with every material exactly once, across more than one page', async () => {
    // 250 materials: the kill comes after the first page (100) is full, so the resume's read of
    // INNERGY must page to find what the killed server created.
    const count = 250;
    writeMaterialLibrary(ws.materialLibrary, count);
    const runId = await killMidRun('sync_innergy_material_library', {}, () => fake.state.materials.length >= 120);
    const createdBeforeKill = fake.state.materials.length;
    expect(createdBeforeKill).toBeLessThan(count);

    const view = await resumeToEnd(runId);
    expect(view).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(view.result).toMatchObject({ failed: 0 });
    expect(fake.state.materials).toHaveLength(count);
    const keys = Array.from({ length: count }, (_, i) => sku('MAT', i + 1));
    expectEachOnce(countsBy(fake.state.materials, (m) => m.Sku), keys);
    expect(fake.duplicateExternalIds('materials')).toEqual([]);
  });

  it('finishes run_full_cycle from the step that was killed, with every project and material exactly once', async () => {
    const projects = 150;
    writePpakExport(ws.exportDir, projects);
    writeMaterialLibrary(ws.materialLibrary, 5);
    const runId = await killMidRun('run_full_cycle', {}, () => fake.state.projects.length >= 30);
    expect(fake.state.projects.length).toBeLessThan(projects);
    expect(fake.state.materials).toHaveLength(5);

    // A material added to the master now must not be sent: the material sync finished before
    // the kill, and the resumed cycle continues with the project import.
    fs.appendFileSync(ws.materialLibrary, `${sku('LATE', 1)},Added after the kill,Hardware,each,1.00,true\n`);
    fake.requests.clear();
    const view = await resumeToEnd(runId);
    expect(view).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(view.result).toMatchObject({ stopped_at: null });
    expect(view.result.steps.project_import.result).toMatchObject({ failed: 0 });
    expect(fake.requests.count({ method: 'POST', path: '/api/materials' })).toBe(0);

    const jobs = Array.from({ length: projects }, (_, i) => jobNumber(i + 1));
    expectEachOnce(countsBy(fake.state.projects, (p) => p.ExternalIdentifier), jobs);
    expectEachOnce(countsBy(fake.state.materials, (m) => m.Sku), Array.from({ length: 5 }, (_, i) => sku('MAT', i + 1)));
    const canonical = readProjects(String(view.result.canonical_file));
    expect(canonical.filter((p) => p.innergy_id).map((p) => p.ppak_job_number).sort()).toEqual(jobs);
  });
});
