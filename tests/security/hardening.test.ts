/**
 * What a hostile but fair tester found, kept closed through the public interface (MCP tools over an
 * in-process client): credentials in URLs, reports escaping through a symlink, unbounded echoes,
 * loose checks, temp files left by a killed run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { setLogLevel } from '../../src/logging/logger.js';
import { callTool, callToCompletion, connectInProcess, type InProcessSession } from '../helpers/mcp.js';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';

let ws: Workspace;
let session: InProcessSession | undefined;
beforeEach(() => {
  setLogLevel('error');
  ws = makeWorkspace();
});
afterEach(async () => {
  await session?.close();
  session = undefined;
  ws.cleanup();
});

const errorOf = (answer: { meta?: Record<string, unknown> }) => answer.meta?.['migration-mcp/error'] as { kind: string; message: string; action: string };

describe('credentials in URLs', () => {
  it('refuses a target base URL with user:password@ and never repeats the password', () => {
    let caught: Error | undefined;
    try {
      loadConfig({ ...ws.env, INNERGY_API_BASE_URL: 'https://user:hunter2-pw-77@app.innergy.com' }, ws.dir);
    } catch (error) {
      caught = error as Error;
    }
    expect(caught?.message).toContain('INNERGY_API_BASE_URL');
    expect(caught?.message).toContain('credentials');
    expect(`${caught?.message} ${(caught as { action?: string })?.action}`).not.toContain('hunter2-pw-77');
  });
});

describe('reports', () => {
  it('refuses to write run reports through a symlink leading outside the data roots, and follows output_dir', async () => {
    const outside = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'reports-outside-')));
    try {
      fs.symlinkSync(outside, path.join(ws.outputDir, 'reports'));
      session = await connectInProcess(ws.env, ws.dir);
      await callToCompletion(session.client, 'run_ppak_export_etl', {});
      expect(fs.readdirSync(outside)).toEqual([]);
      const own = path.join(ws.dir, 'data', 'own_output');
      const run = await callToCompletion(session.client, 'run_ppak_export_etl', { output_dir: own });
      expect(fs.readdirSync(path.join(own, 'reports'))).toContain(`${run.structured.run_id}.md`);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('bounded echoes and up-front checks', () => {
  beforeEach(async () => {
    session = await connectInProcess(ws.env, ws.dir);
  });

  it('refuses a 1 MB run id before using it, in a short answer', async () => {
    const answer = await callTool(session!.client, 'get_run', { run_id: 'r'.repeat(1 << 20) });
    expect(answer.isError).toBe(true);
    expect(answer.text.length).toBeLessThan(2000);
  });

  it('refuses a 1 MB key for explain_record in a short answer', async () => {
    const answer = await callTool(session!.client, 'explain_record', { key: 'k'.repeat(1 << 20) });
    expect(answer.isError).toBe(true);
    expect(answer.text.length).toBeLessThan(2000);
  });

  it('cuts a long path in the outside-the-roots error', async () => {
    const answer = await callToCompletion(session!.client, 'run_ppak_export_etl', { ppak_export_dir: `/${'x/'.repeat(1500)}` });
    expect(answer.isError).toBe(true);
    expect(answer.text.length).toBeLessThan(2000);
  });

  it('says which tools have checkpoints when reset_checkpoints names an unknown tool', async () => {
    const answer = await callTool(session!.client, 'reset_checkpoints', { tool: 'run_nothing' });
    expect(answer.isError).toBe(true);
    expect(errorOf(answer)).toMatchObject({ kind: 'validation', action: expect.stringContaining('run_full_cycle') });
  });

  it('says which systems the ledger knows when explain_record names an unknown one', async () => {
    const answer = await callTool(session!.client, 'explain_record', { system: 'nosuch', key: 'J-1' });
    expect(answer.isError).toBe(true);
    expect(errorOf(answer).kind).toBe('validation');
  });

  it('refuses an export_date that is not a calendar date', async () => {
    const answer = await callTool(session!.client, 'run_ppak_export_etl', { export_date: '2024-13-45' });
    expect(answer.isError).toBe(true);
    expect(answer.text).toMatch(/calendar date/);
  });

  it('refuses a directory given as a file with an operator error, not a bug', async () => {
    const answer = await callToCompletion(session!.client, 'sync_innergy_material_library', { material_library: ws.outputDir, mode: 'csv' });
    expect(answer.isError).toBe(true);
    expect(answer.text).toMatch(/folder, not a file|EISDIR/);
    expect(answer.text).not.toMatch(/Internal error/);
  });
});

describe('configuration', () => {
  it.each(['verbose', 'silly', 'loud'])('refuses LOG_LEVEL=%s up front', (level) => {
    expect(() => loadConfig({ ...ws.env, LOG_LEVEL: level }, ws.dir)).toThrow(/LOG_LEVEL.*error, warn, info, debug/);
  });
});

describe('temp files', () => {
  it('removes the temp files a killed run left when the output is written again', async () => {
    const stale = path.join(ws.outputDir, `.canonical_projects_2024-01-15.json.999999.deadbeef.tmp`);
    fs.writeFileSync(stale, 'x'.repeat(1024));
    const mine = path.join(ws.outputDir, `.canonical_projects_2024-01-15.json.${process.pid}.cafe.tmp`);
    fs.writeFileSync(mine, 'y');
    session = await connectInProcess(ws.env, ws.dir);
    await callToCompletion(session.client, 'run_ppak_export_etl', {});
    expect(fs.existsSync(stale)).toBe(false);
    expect(fs.existsSync(mine)).toBe(true);
  });
});
