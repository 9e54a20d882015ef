/**
 * devrev_backfill through an in-process MCP client against the fake DevRev: validation without
 * API calls, group resolution from rows, mapping and DevRev groups, dry run → apply → no-op re-run,
 * skips with reasons, stale plans, a token that may not write, checkpoints in get_run and
 * provenance in explain_record. Effects are counted on the fake, not in the tool's report.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedIssues, startFakeDevRev, type FakeDevRev, type FakeDevRevOptions } from '../../fakes/devrev.js';
import { devrevEnv, writeBackfillCsv } from '../../helpers/devrev.js';
import { callToCompletion, callTool, connectInProcess, type InProcessSession } from '../../helpers/mcp.js';
import { makeWorkspace, type Workspace } from '../../helpers/workspace.js';

let fake: FakeDevRev;
let ws: Workspace;
let session: InProcessSession | undefined;

const GROUPS: FakeDevRevOptions['groups'] = [
  { name: 'Everyone', is_default: true, members: [1, 2, 3, 4, 5] },
  { name: 'Platform', members: [1, 2] },
  { name: 'Billing', members: [2, 3] },
  { name: 'Ops', members: [4] },
  { name: 'Support', members: [5] },
];

async function start(options: FakeDevRevOptions = {}, extraEnv: Record<string, string> = {}) {
  fake = await startFakeDevRev({ issues: seedIssues(40, 5), groups: GROUPS, tokens: ['test-devrev-token', 'ro-token'], readOnlyTokens: ['ro-token'], ...options });
  session = await connectInProcess({ ...ws.env, ...devrevEnv(fake.url, fake.token), ...extraEnv }, ws.dir);
  return session.client;
}

beforeEach(() => {
  ws = makeWorkspace();
});

afterEach(async () => {
  await session?.close();
  session = undefined;
  await fake?.close();
  ws.cleanup();
});

describe('devrev_backfill', () => {
  it('validates without any API call, reporting each invalid row with its line and reason', async () => {
    const client = await start();
    const csv = writeBackfillCsv(ws.dir, 10, { extra: ['bad-id,DEVU-1,Ops,', 'ISS-99,,Ops,'] });
    const result = await callToCompletion(client, 'devrev_backfill', { csv, validate_only: true });
    expect(result.structured).toMatchObject({ status: 'succeeded', dry_run: true, validate_only: true, rows: 12, valid: 10, invalid: 2, processed: 0, plan_id: null });
    expect(result.structured.invalid_samples).toEqual([
      { file: csv, line: 12, reason: expect.stringContaining("issue_id 'bad-id' is not a DevRev issue id") },
      { file: csv, line: 13, reason: 'creator_user_id is empty' },
    ]);
    expect(fs.readFileSync(result.structured.outputs.rejects, 'utf8')).toContain('creator_user_id is empty');
    expect(result.structured.groups).toMatchObject({ from_row: 0, needs_devrev: 10 });
    expect(fake.stats().requests).toBe(0);
  });

  it('fails, naming the rejects file, when every row is rejected', async () => {
    const client = await start();
    const csv = path.join(ws.dir, 'all-bad.csv');
    fs.writeFileSync(csv, 'issue_id,creator_user_id,assigned_group\nnope,DEVU-1,Ops\nISS-2,,Ops\n');
    const result = await callToCompletion(client, 'devrev_backfill', { csv, validate_only: true });
    expect(result.structured).toMatchObject({ status: 'failed', error: { kind: 'validation' } });
    expect(result.structured.error.message).toMatch(/Every one of the 2 rows of the input was rejected; the first: line 2/);
    expect(result.structured.error.action).toMatch(/devrev_backfill_rejects_/);
  });

  it('plans, applies exactly that plan, and a re-run writes nothing', async () => {
    const client = await start();
    const csv = writeBackfillCsv(ws.dir, 30, { group: (i) => (i <= 10 ? 'Given' : '') });
    const dry = await callToCompletion(client, 'devrev_backfill', { csv });
    expect(dry.structured).toMatchObject({ status: 'succeeded', dry_run: true, rows: 30, valid: 30, processed: 30, updated: 30, unchanged: 0, skipped: 0, checkpoint: null });
    expect(dry.structured.groups).toMatchObject({ from_row: 10, from_devrev: 20, devrev_groups: 4, multi_group_users: 1 });
    expect(dry.structured.warnings.join(' ')).toMatch(/1 creator\(s\) belong to several DevRev groups/);
    expect(fake.requests.count({ path: '/works.update' })).toBe(0);
    expect(fake.requests.count({ path: '/works.get' })).toBe(0);

    const applied = await callToCompletion(client, 'devrev_backfill', { csv, dry_run: false, plan_id: dry.structured.plan_id, batch_size: 8 });
    expect(applied.structured).toMatchObject({ status: 'succeeded', dry_run: false, processed: 30, updated: 30, failed: 0 });
    expect(applied.structured.checkpoint).toMatchObject({ batch: 4, batches: 4, last_line: 31, rows_done: 30 });
    expect(applied.structured.batches.map((b: { rows: number }) => b.rows)).toEqual([8, 8, 8, 6]);
    expect(Object.values(fake.state.updateCounts)).toEqual(Array(30).fill(1));
    expect(fake.valueOf('ISS-1')).toBe('Given');
    expect(fake.valueOf('ISS-11')).toBe('Platform'); // DEVU-1: Platform only
    expect(fake.valueOf('ISS-12')).toBe('Billing'); // DEVU-2: Platform and Billing, assigned Ops → first by name
    expect(fake.valueOf('ISS-14')).toBe('Ops');

    fake.requests.clear();
    const again = await callToCompletion(client, 'devrev_backfill', { csv, dry_run: false });
    expect(again.structured).toMatchObject({ status: 'succeeded', updated: 0, unchanged: 30, failed: 0 });
    expect(fake.requests.count({ path: '/works.update' })).toBe(0);
  });

  it('resolves through the group mapping before DevRev, and skips what nothing resolves', async () => {
    const client = await start();
    const mapping = path.join(ws.dir, 'groups.json');
    fs.writeFileSync(mapping, JSON.stringify({ 'DEVU-5': 'Mapped support' }));
    const csv = writeBackfillCsv(ws.dir, 5, { extra: ['ISS-39,DEVU-9,Ops,'] });
    const result = await callToCompletion(client, 'devrev_backfill', { csv, group_mapping: mapping, dry_run: false });
    expect(result.structured).toMatchObject({ updated: 5, skipped: 1 });
    expect(result.structured.groups).toMatchObject({ from_mapping: 1, from_devrev: 4, unresolved: 1 });
    expect(result.structured.items[0]).toMatchObject({ issue_id: 'ISS-39', action: 'skip', reason: expect.stringContaining('DEVU-9') });
    expect(fake.valueOf('ISS-5')).toBe('Mapped support');
    expect(fake.valueOf('ISS-39')).toBeUndefined();
  });

  it('skips issues missing in DevRev and issues holding another group unless overwrite', async () => {
    const client = await start({ issues: seedIssues(3, 1, (i) => (i === 2 ? { tnt__creator_group: 'Legacy' } : {})) });
    const csv = writeBackfillCsv(ws.dir, 3, { group: () => 'New', extra: ['ISS-404,DEVU-1,Ops,New'] });
    const result = await callToCompletion(client, 'devrev_backfill', { csv, dry_run: false });
    expect(result.structured).toMatchObject({ updated: 2, skipped: 2 });
    expect(result.structured.items.filter((i: { action: string }) => i.action === 'skip').map((i: { reason: string }) => i.reason)).toEqual([
      expect.stringContaining("already holds creator group 'Legacy'"),
      expect.stringContaining('ISS-404 was not found'),
    ]);
    expect(fake.valueOf('ISS-2')).toBe('Legacy');
    const overwritten = await callToCompletion(client, 'devrev_backfill', { csv, dry_run: false, overwrite: true });
    expect(overwritten.structured).toMatchObject({ updated: 1, unchanged: 2, skipped: 1 });
    expect(fake.valueOf('ISS-2')).toBe('New');
  });

  it('refuses a plan made stale by a change in DevRev', async () => {
    const client = await start();
    const csv = writeBackfillCsv(ws.dir, 5);
    const dry = await callToCompletion(client, 'devrev_backfill', { csv });
    fake.state.issues[2]!.custom_fields.tnt__creator_group = 'Set by hand';
    const applied = await callToCompletion(client, 'devrev_backfill', { csv, dry_run: false, plan_id: dry.structured.plan_id });
    expect(applied.structured).toMatchObject({ status: 'failed', error: { kind: 'stale_plan' } });
    expect(fake.requests.count({ path: '/works.update' })).toBe(0);
  });

  it('stops at the first write when the token may not update issues, naming the variable', async () => {
    const client = await start({}, { DEVREV_API_TOKEN: 'ro-token' });
    const csv = writeBackfillCsv(ws.dir, 5);
    const result = await callToCompletion(client, 'devrev_backfill', { csv, dry_run: false });
    expect(result.structured).toMatchObject({ status: 'failed', error: { kind: 'auth' } });
    expect(result.structured.error.action).toMatch(/DEVREV_API_TOKEN/);
    expect(fake.state.changeCounts).toEqual({});
  });

  it('shows the checkpoint in get_run and the provenance of a row in explain_record', async () => {
    const client = await start();
    const csv = writeBackfillCsv(ws.dir, 6);
    const applied = await callToCompletion(client, 'devrev_backfill', { csv, dry_run: false, batch_size: 4 });
    const view = (await callTool(client, 'get_run', { run_id: applied.structured.run_id })).structured;
    expect(view.checkpoints.backfill).toMatchObject({ batch: 2, batches: 2, last_line: 7, rows_done: 6 });
    const explained = (await callTool(client, 'explain_record', { system: 'devrev', key: 'ISS-3' })).structured;
    expect(JSON.stringify(explained)).toContain(csv);
    expect(JSON.stringify(explained)).toContain('updated');
  });

  it('needs csv for the csv source and one of query or table for Snowflake', async () => {
    const client = await start();
    expect((await callTool(client, 'devrev_backfill', {})).isError).toBe(true);
    expect((await callTool(client, 'devrev_backfill', { source: 'snowflake' })).text).toMatch(/exactly one of query or table/);
    expect((await callTool(client, 'devrev_backfill', { source: 'snowflake', query: 'DELETE FROM x' })).text).toMatch(/single SELECT/);
    expect((await callTool(client, 'devrev_backfill', { csv: '/etc/passwd' })).isError).toBe(true);
    const resume = await callTool(client, 'devrev_backfill', { csv: writeBackfillCsv(ws.dir, 1), dry_run: false, resume: true });
    expect(resume.text).toMatch(/no interrupted, failed or cancelled apply of this input/);
  });
});

describe('check_devrev_connection', () => {
  it('reports each check and stays read-only', async () => {
    const client = await start({ rateLimit: { count: 1000, windowMs: 300_000 } });
    const result = await callTool(client, 'check_devrev_connection', {});
    expect(result.isError).toBe(false);
    expect(result.structured.ok).toBe(true);
    expect(result.structured.checks.map((c: { check: string }) => c.check)).toEqual(['url', 'credentials', 'works_read', 'groups_read', 'custom_field', 'permissions', 'rate_limit']);
    expect(fake.requests.count({ path: '/works.update' })).toBe(0);
  });

  it('names the missing token', async () => {
    const client = await start({}, { DEVREV_API_TOKEN: '' });
    const result = await callTool(client, 'check_devrev_connection', {});
    expect(result.isError).toBe(true);
    expect(result.structured.next_action).toMatch(/DEVREV_API_TOKEN/);
  });
});
