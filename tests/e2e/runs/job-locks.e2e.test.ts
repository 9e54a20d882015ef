/**
 * End-to-end: run_full_cycle holds the job locks of its steps (DESIGN §7.7) for its whole run.
 * Through one MCP connection, and across two real processes sharing one ledger (the CLI running
 * the cycle, a server called beside it), a step's own tool called while the cycle runs is refused
 * as busy — naming the cycle's run — and writes nothing to the target. The cycle is paced by a client-side rate limit over many materials, so
 * it is still running when the competing calls arrive (each refusal names the cycle's run id,
 * so a cycle that had already finished would fail the test, not pass it).
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeInnergy, type FakeInnergy } from '../../fakes/innergy.js';
import { writeCanonicalProjects } from '../../helpers/canonical.js';
import { callTool, connectStdio, type StdioSession } from '../../helpers/mcp.js';
import { makeWorkspace, type Workspace } from '../../helpers/workspace.js';
import { spawnCli, waitFor, writeMaterialLibrary } from '../../helpers/run-fixtures.js';

const ERROR_META = 'migration-mcp/error';
let fake: FakeInnergy;
let ws: Workspace;
let session: StdioSession | undefined;

function env(): Record<string, string> {
  return { ...ws.env, INNERGY_API_BASE_URL: fake.url, INNERGY_API_KEY: fake.apiKey, INNERGY_RATE_LIMIT: '20/s' };
}

beforeEach(async () => {
  fake = await startFakeInnergy({ latencyMs: 5 });
  ws = makeWorkspace();
  // The cycle's material sync: 150 creates at 20/s keep it running for seconds.
  writeMaterialLibrary(ws.materialLibrary, 150, 'MAT');
});

afterEach(async () => {
  await session?.close();
  session = undefined;
  await fake.close();
  ws.cleanup();
});

/** Starts run_full_cycle (apply) and returns its run id once its material sync is writing. */
async function startCycle(client: StdioSession['client']): Promise<string> {
  const started = await callTool(client, 'run_full_cycle', { dry_run: false, wait_seconds: 0 });
  expect(started.structured.status).toBe('running');
  await waitFor(() => fake.requests.count({ method: 'POST', path: '/api/materials' }) >= 1);
  return String(started.structured.run_id);
}

/** Cancels the cycle and waits until it has ended. */
async function stopCycle(client: StdioSession['client'], runId: string): Promise<void> {
  await callTool(client, 'cancel_run', { run_id: runId });
  let view = (await callTool(client, 'get_run', { run_id: runId, wait_seconds: 50 })).structured;
  while (view.status === 'running') view = (await callTool(client, 'get_run', { run_id: runId, wait_seconds: 50 })).structured;
  expect(view.status).toBe('cancelled');
}

/** No record of the refused calls exists, and every write the fake accepted is one of the cycle's records. */
function expectOnlyCycleWrites(): void {
  expect(fake.state.materials.filter((m) => m.Sku.startsWith('BUSY-'))).toEqual([]);
  expect(fake.state.projects.filter((p) => p.Number?.startsWith('J-0'))).toEqual([]);
  expect(fake.requests.count({ method: 'POST', path: '/api/materials', status: 201 })).toBe(fake.state.materials.length);
  expect(fake.requests.count({ method: 'POST', path: '/api/projects', status: 201 })).toBe(fake.state.projects.length);
  expect(fake.requests.count({ method: 'PUT' })).toBe(0);
}

// Server and CLI start-ups take seconds each on a loaded machine (a safety net, not a bound under test).
describe('run_full_cycle job locks', { timeout: 120_000 }, () => {
  it('refuses the tools of its steps as busy over the same MCP connection, and they write nothing', async () => {
    const busyLibrary = writeMaterialLibrary(path.join(ws.dir, 'data', 'busy_materials.csv'), 5, 'BUSY');
    const busyProjects = writeCanonicalProjects(path.join(ws.outputDir, 'busy'), 5);
    session = await connectStdio(env());
    const { client } = session;
    const cycleRun = await startCycle(client);

    // The step running now, and a step the cycle has not reached yet: both are locked.
    const sync = await callTool(client, 'sync_innergy_material_library', { material_library: busyLibrary, dry_run: false, wait_seconds: 0 });
    const imported = await callTool(client, 'run_innergy_project_import', { canonical_file: busyProjects, dry_run: false, wait_seconds: 0 });
    for (const refused of [sync, imported]) {
      expect(refused.isError).toBe(true);
      expect(refused.meta?.[ERROR_META]).toMatchObject({ kind: 'busy' });
      expect(String((refused.meta?.[ERROR_META] as { message: string }).message)).toContain(cycleRun);
      expect(refused.text).toMatch(/cancel_run|get_run/);
    }
    // Refused calls leave no run behind.
    const runs = (await callTool(client, 'list_runs', {})).structured.runs as { run_id: string }[];
    expect(runs.map((r) => r.run_id)).toEqual([cycleRun]);

    await stopCycle(client, cycleRun);
    expectOnlyCycleWrites();

    // Once the cycle has ended, the same call runs (the refusal was the lock's).
    const after = await callTool(client, 'sync_innergy_material_library', { material_library: busyLibrary, dry_run: true, wait_seconds: 50 });
    expect(after.isError).toBe(false);
    expect(after.structured).toMatchObject({ status: 'succeeded', new: 5 });
  });

  it('refuses a step called in a second server process while the CLI runs the cycle on the same ledger', async () => {
    const busyLibrary = writeMaterialLibrary(path.join(ws.dir, 'data', 'busy_materials.csv'), 5, 'BUSY');
    session = await connectStdio(env());
    const cycle = spawnCli(['call', 'run_full_cycle', '--args', JSON.stringify({ dry_run: false })], env(), ws.dir);
    try {
      await waitFor(() => fake.requests.count({ method: 'POST', path: '/api/materials' }) >= 1);
      const [running] = (await callTool(session.client, 'list_runs', { status: 'running' })).structured.runs as { run_id: string; tool: string }[];
      expect(running).toMatchObject({ tool: 'run_full_cycle' });

      const refused = await callTool(session.client, 'sync_innergy_material_library', { material_library: busyLibrary, dry_run: false, wait_seconds: 0 });
      expect(refused.isError).toBe(true);
      expect(refused.meta?.[ERROR_META]).toMatchObject({ kind: 'busy' });
      const message = String((refused.meta?.[ERROR_META] as { message: string }).message);
      expect(message).toContain(running!.run_id);
      expect(message).toContain(`pid ${cycle.pid}`);
      // The cycle is undisturbed: still running in the CLI process.
      expect((await callTool(session.client, 'get_run', { run_id: running!.run_id })).structured.status).toBe('running');
    } finally {
      process.kill(cycle.pid, 'SIGKILL');
      await cycle.done;
    }
    expectOnlyCycleWrites();
  });
});
