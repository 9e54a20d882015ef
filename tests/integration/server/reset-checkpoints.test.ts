/**
 * reset_checkpoints through an MCP client: a dry run (the default) only reports what it would
 * clear — the run's checkpoints are still shown by get_run and still make a resume skip the steps
 * done — and `dry_run: false` clears them.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { callTool, callToCompletion } from '../../helpers/mcp.js';
import { useInnergySession } from '../../helpers/innergy-session.js';

const h = useInnergySession('500/s');

async function checkpointsOf(runId: string): Promise<string[]> {
  const view = await callTool(h.session.client, 'get_run', { run_id: runId });
  return Object.keys(view.structured.checkpoints as Record<string, unknown>);
}

describe('reset_checkpoints', () => {
  it('keeps the checkpoints on a dry run, so a resume still skips the steps done, and clears them with dry_run false', async () => {
    const { client } = h.session;
    // The cycle stops at the project import (INNERGY answers its login page once), after the
    // ETL and the material sync were checkpointed.
    h.fake.faults.once({ kind: 'html', match: { method: 'GET', path: '/api/projects' } });
    const stopped = await callToCompletion(client, 'run_full_cycle', { dry_run: false });
    expect(stopped.structured).toMatchObject({ status: 'failed', stopped_at: 'project_import' });
    const runId = String(stopped.structured.run_id);
    expect(await checkpointsOf(runId)).toEqual(['step:etl', 'step:material_sync']);
    const materialsSynced = h.fake.state.materials.length;
    expect(materialsSynced).toBeGreaterThan(0);

    const preview = await callTool(client, 'reset_checkpoints', { tool: 'run_full_cycle' });
    expect(preview.isError).toBe(false);
    expect(preview.structured).toMatchObject({ tool: 'run_full_cycle', dry_run: true, checkpoints: 2, runs: [runId] });
    expect(await checkpointsOf(runId)).toEqual(['step:etl', 'step:material_sync']);
    // A second preview still finds them.
    expect((await callTool(client, 'reset_checkpoints', { tool: 'run_full_cycle', dry_run: true })).structured.checkpoints).toBe(2);

    // The resume continues with the step that stopped: the material sync is not run again, so a
    // material added to the master since is not sent.
    fs.appendFileSync(h.ws.materialLibrary, 'NEW-AFTER-STOP,Added after the stop,Hardware,each,1.00,true\n');
    h.fake.requests.clear();
    const resumed = await callTool(client, 'resume_run', { run_id: runId, wait_seconds: 50 });
    expect(resumed.structured).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(h.fake.requests.count({ method: 'POST', path: '/api/materials' })).toBe(0);
    expect(h.fake.state.materials).toHaveLength(materialsSynced);
    expect(h.fake.state.projects.length).toBeGreaterThan(0);
    expect(await checkpointsOf(runId)).toEqual(['step:etl', 'step:health_check', 'step:material_sync', 'step:project_import']);

    const cleared = await callTool(client, 'reset_checkpoints', { tool: 'run_full_cycle', dry_run: false });
    expect(cleared.structured).toMatchObject({ tool: 'run_full_cycle', dry_run: false, checkpoints: 4, runs: [runId] });
    expect(await checkpointsOf(runId)).toEqual([]);
    expect((await callTool(client, 'reset_checkpoints', { tool: 'run_full_cycle' })).structured.checkpoints).toBe(0);
  });
});
