/**
 * Cancellation over MCP, end to end (DESIGN §7.8): the real server process over stdio, a slow
 * INNERGY project import, and the two ways an MCP client stops it — the `cancel_run` tool, and
 * aborting the tool request itself (`notifications/cancelled`). Each must leave the run
 * `cancelled` in the ledger and the fake must get no write request afterwards.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callTool, connectStdio, type StdioSession } from '../../helpers/mcp.js';
import { expectNoFurtherWrites, PROJECTS, startSlowImport, waitFor, writesReceived, type SlowImport } from './slow-import.js';

let slow: SlowImport;
let session: StdioSession | undefined;

beforeEach(async () => {
  slow = await startSlowImport();
  session = await connectStdio(slow.env);
});

afterEach(async () => {
  await session?.close();
  session = undefined;
  await slow.cleanup();
});

/** Follows a run with get_run until it is no longer running; returns the run view. */
async function settle(runId: string): Promise<Record<string, any>> {
  for (;;) {
    const view = (await callTool(session!.client, 'get_run', { run_id: runId, wait_seconds: 50 })).structured;
    if (view.status !== 'running') return view;
  }
}

describe('cancelling a run over MCP', () => {
  it('cancel_run stops a running import: the run ends cancelled and the target gets no more writes', async () => {
    const { client } = session!;
    const started = await callTool(client, 'run_innergy_project_import', { canonical_file: slow.file, dry_run: false, wait_seconds: 0 });
    expect(started.structured.status).toBe('running');
    const runId = String(started.structured.run_id);
    await waitFor(() => slow.fake.state.projects.length >= 5, 'the first projects on the fake');

    const cancelled = await callTool(client, 'cancel_run', { run_id: runId });
    expect(cancelled.isError, cancelled.text).toBe(false);
    expect(cancelled.structured).toMatchObject({ run_id: runId, status: 'cancelled' });

    const view = await settle(runId);
    expect(view).toMatchObject({ run_id: runId, status: 'cancelled', error: { kind: 'cancelled' } });
    await expectNoFurtherWrites(slow.fake);
    const listed = (await callTool(client, 'list_runs', { status: 'cancelled' })).structured.runs.map((r: { run_id: string }) => r.run_id);
    expect(listed).toContain(runId);
  }, 120_000);

  it('a cancelled import resumes to exactly one project per job number', async () => {
    const { client } = session!;
    const started = await callTool(client, 'run_innergy_project_import', { canonical_file: slow.file, dry_run: false, wait_seconds: 0 });
    const runId = String(started.structured.run_id);
    await waitFor(() => slow.fake.state.projects.length >= 5, 'the first projects on the fake');
    await callTool(client, 'cancel_run', { run_id: runId });
    expect((await settle(runId)).status).toBe('cancelled');
    const beforeResume = slow.fake.state.projects.length;
    expect(beforeResume).toBeLessThan(PROJECTS);

    await callTool(client, 'resume_run', { run_id: runId, wait_seconds: 0 });
    const view = await settle(runId);
    expect(view).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(slow.fake.state.projects).toHaveLength(PROJECTS);
    expect(slow.fake.duplicateExternalIds('projects')).toEqual([]);
  }, 120_000);

  it('aborting the tool request (notifications/cancelled) cancels the run it was waiting for', async () => {
    const { client } = session!;
    const abort = new AbortController();
    const pending = client.callTool(
      { name: 'run_innergy_project_import', arguments: { canonical_file: slow.file, dry_run: false, wait_seconds: 50 } },
      undefined,
      { signal: abort.signal, timeout: 120_000 },
    );
    const outcome = pending.then(
      () => 'answered',
      () => 'aborted',
    );
    await waitFor(() => slow.fake.state.projects.length >= 5, 'the first projects on the fake');
    expect(writesReceived(slow.fake)).toBeLessThan(PROJECTS);
    abort.abort();
    expect(await outcome).toBe('aborted');

    // The client never got a run id: find the run in the ledger.
    const [run] = (await callTool(client, 'list_runs', { tool: 'run_innergy_project_import' })).structured.runs;
    const view = await settle(String(run.run_id));
    expect(view).toMatchObject({ status: 'cancelled', error: { kind: 'cancelled' } });
    await expectNoFurtherWrites(slow.fake);
  }, 120_000);
});
