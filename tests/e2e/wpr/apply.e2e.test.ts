/**
 * End-to-end: the real server process over stdio (SDK Client) against a fake OpenProject on
 * 127.0.0.1 — the WPR write path: ingest → dry run → apply → a re-run writes nothing; a second
 * batch writes exactly its changed and new orders; kill -9 mid-apply then resume_run (every epic and
 * story exactly once, under the right epic); 20 % injected faults converge; an epic deleted by hand
 * is recreated with its stories; duplicates are cleaned with no story lost; a missing custom field
 * stops before the first write; progress comes in the seed's words. Counts are the fake's records.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenProject, type FakeOpenProject, type FakeOpenProjectOptions } from '../../fakes/openproject.js';
import { wprCustomFields, wprProjects } from '../../fakes/openproject-wpr.js';
import { callTool, callToCompletion, connectStdio, type StdioSession } from '../../helpers/mcp.js';
import { makeWorkspace, REPO_ROOT, type Workspace } from '../../helpers/workspace.js';
import { WPR_HEADER, writeWorkbook } from '../../helpers/xlsx.js';

let fake: FakeOpenProject;
let ws: Workspace;
let session: StdioSession | undefined;

async function startFake(options: FakeOpenProjectOptions = {}) {
  await fake?.close();
  fake = await startFakeOpenProject({ customFields: wprCustomFields(), projects: wprProjects('flowone'), ...options });
}

function env(extra: Record<string, string> = {}) {
  return { ...ws.env, MIGRATION_CONFIG_DIR: path.join(ws.dir, 'config'), OPENPROJECT_URL: fake.url, OPENPROJECT_API_KEY: fake.apiKey, OPENPROJECT_RATE_LIMIT: '300/s', ...extra };
}

/** Writes an order report: `orders` orders of `lines` lines; `change(order, line)` may alter a row. */
async function report(name: string, orders: number, lines: number, change: (row: unknown[], order: number, line: number) => void = () => {}): Promise<string> {
  const rows: unknown[][] = [WPR_HEADER];
  for (let o = 1; o <= orders; o += 1) {
    for (let l = 1; l <= lines; l += 1) {
      const row: unknown[] = [`WPO${String(o).padStart(8, '0')}`, '2024-03-01', 'Acme Corp', 'FlowOne', l * 10, `Item ${l} of order ${o}`, 1, 100, 'Open', '2024-04-01'];
      change(row, o, l);
      rows.push(row);
    }
  }
  const file = path.join(ws.dir, 'data', `${name}.xlsx`);
  await writeWorkbook(file, [{ name: 'WP_Overall_Order_Report', rows }]);
  return file;
}

const writes = () => fake.requests.entries.filter((e) => e.method !== 'GET');
const epics = () => fake.workPackages().filter((wp) => wp.type === 'Epic');
const stories = () => fake.workPackages().filter((wp) => wp.type === 'User story');

/** Every epic once per order, every story once per line, each story under its order's epic. */
function expectExactlyOnce(orders: number, lines: number): void {
  const e = epics();
  const s = stories();
  expect(e).toHaveLength(orders);
  expect(new Set(e.map((wp) => wp.fields['WPR Order ID'])).size).toBe(orders);
  expect(s).toHaveLength(orders * lines);
  expect(new Set(s.map((wp) => wp.fields['WPR Line Key'])).size).toBe(orders * lines);
  for (const story of s) expect(e.find((epic) => epic.id === story.parentId)?.fields['WPR Order ID']).toBe(story.fields['WPR Order ID']);
}

async function ingest(client: StdioSession['client'], file: string, batchId: string) {
  const result = await callToCompletion(client, 'wpr_ingest_orders', { file, batch_id: batchId });
  expect(result.structured.status, result.text).toBe('succeeded');
  return result;
}

const waitFor = async (condition: () => boolean, ms: number) => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

beforeEach(async () => {
  ws = makeWorkspace();
  fs.cpSync(path.join(REPO_ROOT, 'config'), path.join(ws.dir, 'config'), { recursive: true });
  fs.writeFileSync(path.join(ws.dir, 'config', 'product_project_registry.json'), JSON.stringify({ registry: { FlowOne: 'flowone' } }));
  await startFake();
});

afterEach(async () => {
  await session?.close();
  session = undefined;
  await fake.close();
  ws.cleanup();
});

describe('wpr_delta_apply end to end', () => {
  it('plans in a dry run, applies exactly that plan with progress in the seed\'s words, and a re-run writes nothing', async () => {
    session = await connectStdio(env());
    const { client } = session;
    await ingest(client, await report('orders', 5, 3), 'b1');
    const dry = await callToCompletion(client, 'wpr_delta_apply', { batch_id: 'b1' });
    expect(dry.structured).toMatchObject({ status: 'succeeded', dry_run: true, orders: 5, orders_changed: 5, created: 20, updated: 0, failures: 0, warnings: 0 });
    expect(writes()).toHaveLength(0);

    const messages: string[] = [];
    const applied = await callTool(client, 'wpr_delta_apply', { batch_id: 'b1', dry_run: false, plan_id: dry.structured.plan_id, workers: 4, wait_seconds: 50 }, { onprogress: (p) => messages.push(p.message ?? '') });
    expect(applied.structured).toMatchObject({ status: 'succeeded', created: 20, failures: 0 });
    expect(messages.some((m) => /^\[\d\/5\] order WPO0000000\d: epics=1, stories=3/.test(m)), messages.join('\n')).toBe(true);
    expectExactlyOnce(5, 3);
    expect(fake.state.notificationsSent).toBe(0);

    fake.requests.clear();
    const again = await callToCompletion(client, 'wpr_delta_apply', { batch_id: 'b1', dry_run: false });
    expect(again.structured).toMatchObject({ status: 'succeeded', orders_changed: 0, created: 0, updated: 0 });
    expect(fake.requests.count()).toBe(0);
  });

  it('writes exactly the 3 changed and 2 new orders of a second batch', async () => {
    session = await connectStdio(env());
    const { client } = session;
    await ingest(client, await report('first', 10, 2), 'b1');
    await callToCompletion(client, 'wpr_delta_apply', { batch_id: 'b1', dry_run: false });
    const changed = new Set([2, 5, 9]);
    await ingest(client, await report('second', 12, 2, (row, o, l) => {
      if (changed.has(o) && l === 1) row[6] = 5;
    }), 'b2');
    fake.requests.clear();
    const delta = await callToCompletion(client, 'wpr_delta_apply', { batch_id: 'b2', dry_run: false });
    expect(delta.structured).toMatchObject({ status: 'succeeded', orders: 12, orders_changed: 5, created: 6, updated: 3, failures: 0 });
    expect(fake.requests.count({ method: 'POST' })).toBe(6);
    expect(fake.requests.count({ method: 'PATCH' })).toBe(3);
    expect(fake.requests.filter({ method: 'PATCH' }).map((e) => stories().find((wp) => `/api/v3/work_packages/${wp.id}` === e.path)?.fields['WPR Line Key']).sort()).toEqual(['WPO00000002-10', 'WPO00000005-10', 'WPO00000009-10']);
    expectExactlyOnce(12, 2);
  });

  it('finishes after kill -9 mid-apply: every epic and story exactly once, under the right epic', async () => {
    await startFake({ latencyMs: 15 });
    session = await connectStdio(env({ OPENPROJECT_RATE_LIMIT: '100/s' }));
    await ingest(session.client, await report('big', 40, 3), 'b1');
    const started = await callTool(session.client, 'wpr_delta_apply', { batch_id: 'b1', dry_run: false, workers: 4, wait_seconds: 0 });
    expect(started.structured.status).toBe('running');
    const runId = String(started.structured.run_id);
    await waitFor(() => stories().length >= 20, 30_000);
    process.kill(session.pid(), 'SIGKILL');
    await session.close();
    expect(fake.workPackages().length).toBeLessThan(160);

    session = await connectStdio(env({ OPENPROJECT_RATE_LIMIT: '100/s' }));
    const listed = await callTool(session.client, 'list_runs', { status: 'interrupted' });
    expect(listed.structured.runs.map((r: { run_id: string }) => r.run_id)).toContain(runId);
    const resumed = await callToCompletion(session.client, 'resume_run', { run_id: runId });
    expect(resumed.structured).toMatchObject({ status: 'succeeded' });
    expectExactlyOnce(40, 3);
    const again = await callToCompletion(session.client, 'wpr_delta_apply', { batch_id: 'b1', dry_run: false });
    expect(again.structured).toMatchObject({ orders_changed: 0 });
  });

  it('converges with 20 % injected faults (5xx, resets, responses lost after commit) and no duplicates', async () => {
    session = await connectStdio(env({ MAX_RETRIES: '3' }));
    await ingest(session.client, await report('orders', 15, 3), 'b1');
    fake.faults.set({ status5xx: 0.08, reset: 0.06, lostResponse: 0.06 });
    const statuses: string[] = [];
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const run = await callToCompletion(session.client, 'wpr_delta_apply', { batch_id: 'b1', dry_run: false, workers: 4 });
      statuses.push(`${run.structured.status}:${run.structured.failures ?? '-'}:${run.structured.orders_changed ?? '-'}`);
      if (run.structured.status === 'interrupted') continue;
      if (run.structured.failures === 0 && run.structured.orders_changed === 0) break;
    }
    expect(statuses.at(-1), statuses.join(' ')).toBe('succeeded:0:0');
    expect(fake.faults.applied.lostResponse).toBeGreaterThan(0);
    fake.faults.clear();
    expectExactlyOnce(15, 3);
  });

  it('recreates an epic deleted by hand, with its stories, when the cache is not trusted', async () => {
    session = await connectStdio(env());
    await ingest(session.client, await report('orders', 3, 2), 'b1');
    await callToCompletion(session.client, 'wpr_delta_apply', { batch_id: 'b1', dry_run: false });
    const epic = epics().find((wp) => wp.fields['WPR Order ID'] === 'WPO00000002')!;
    await fetch(`${fake.url}/__fake/openproject/work-packages/${epic.id}`, { method: 'DELETE' });
    expect(fake.workPackages()).toHaveLength(6);
    const run = await callToCompletion(session.client, 'wpr_delta_apply', { batch_id: 'b1', dry_run: false, ignore_cached_identity: true });
    expect(run.structured).toMatchObject({ status: 'succeeded', created: 3, updated: 0, failures: 0 });
    expectExactlyOnce(3, 2);
  });

  it('stops before the first write with one error naming every missing custom field', async () => {
    await startFake({ customFields: wprCustomFields().filter((field) => field.name !== 'WPR Product' && field.name !== 'WPR Status') });
    session = await connectStdio(env());
    await ingest(session.client, await report('orders', 3, 2), 'b1');
    const run = await callToCompletion(session.client, 'wpr_delta_apply', { batch_id: 'b1', dry_run: false });
    expect(run.isError).toBe(true);
    expect(run.structured).toMatchObject({ status: 'failed', error: { kind: 'config' } });
    expect(run.structured.error.message).toContain('custom field "WPR Product" is not active for Epic in project "flowone"');
    expect(run.structured.error.message).toContain('custom field "WPR Status" is not active for User story in project "flowone"');
    expect(writes()).toHaveLength(0);
  });
});

describe('wpr_cleanup_duplicates end to end', () => {
  it('removes seeded duplicates, moving their stories under the kept epic: no story lost', async () => {
    session = await connectStdio(env());
    await ingest(session.client, await report('orders', 4, 2), 'b1');
    await callToCompletion(session.client, 'wpr_delta_apply', { batch_id: 'b1', dry_run: false });
    // An older tool made two more epics for order 1 (the newest is kept; the stories are under the
    // first one), and a copy of a story of order 3.
    fake.addWorkPackage({ project: 'flowone', type: 'Epic', subject: 'copy', fields: { 'WPR Order ID': 'WPO00000001', 'WPR Product': 'FlowOne' } });
    const newest = fake.addWorkPackage({ project: 'flowone', type: 'Epic', subject: 'newest', fields: { 'WPR Order ID': 'WPO00000001', 'WPR Product': 'FlowOne' } });
    const story3 = stories().find((wp) => wp.fields['WPR Line Key'] === 'WPO00000003-10')!;
    fake.addWorkPackage({ project: 'flowone', type: 'User story', subject: 'dup', parentId: story3.parentId, fields: { 'WPR Order ID': 'WPO00000003', 'WPR Line Key': 'WPO00000003-10' } });
    expect(epics()).toHaveLength(6);

    const dry = await callToCompletion(session.client, 'wpr_cleanup_duplicates', {});
    expect(dry.structured).toMatchObject({ status: 'succeeded', groups: 2, duplicates: 3, reparented: 2 });
    expect(dry.structured.kept.find((g: { role: string }) => g.role === 'epic').kept_id).toBe(String(newest.id));
    const applied = await callToCompletion(session.client, 'wpr_cleanup_duplicates', { dry_run: false, plan_id: dry.structured.plan_id });
    expect(applied.structured).toMatchObject({ status: 'succeeded', duplicates: 3, failures: 0 });
    expect(epics()).toHaveLength(4);
    const keys = stories().map((wp) => wp.fields['WPR Line Key']).sort();
    expect(keys).toEqual(['WPO00000001-10', 'WPO00000001-20', 'WPO00000002-10', 'WPO00000002-20', 'WPO00000003-10', 'WPO00000003-20', 'WPO00000004-10', 'WPO00000004-20']);
    for (const s of stories().filter((wp) => wp.fields['WPR Order ID'] === 'WPO00000001')) expect(s.parentId).toBe(newest.id);

    const verify = await callToCompletion(session.client, 'wpr_delta_apply', { batch_id: 'b1', ignore_cached_identity: true });
    expect(verify.structured).toMatchObject({ created: 0, failures: 0 });
  });
});

describe('wpr_backfill end to end', () => {
  it('ingests and plans in a dry run, applies with skip_ingest and the plan_id, and is idempotent', async () => {
    session = await connectStdio(env());
    const file = await report('backfill', 6, 2);
    const dry = await callToCompletion(session.client, 'wpr_backfill', { file, batch_id: 'backfill-run-v1', workers: 3 });
    expect(dry.structured).toMatchObject({ status: 'succeeded', dry_run: true, orders: 6, orders_changed: 6, created: 18, failures: 0 });
    expect(dry.structured.ingest).toMatchObject({ batch_id: 'backfill-run-v1', line_items: 12 });
    expect(dry.structured.next_action).toMatch(/"skip_ingest": true/);
    expect(writes()).toHaveLength(0);

    const applied = await callToCompletion(session.client, 'wpr_backfill', { batch_id: 'backfill-run-v1', skip_ingest: true, dry_run: false, plan_id: dry.structured.plan_id, workers: 3 });
    expect(applied.structured).toMatchObject({ status: 'succeeded', created: 18, failures: 0, ingest: null });
    expectExactlyOnce(6, 2);

    fake.requests.clear();
    const again = await callToCompletion(session.client, 'wpr_backfill', { file, batch_id: 'backfill-run-v1', dry_run: false });
    expect(again.structured).toMatchObject({ status: 'succeeded', orders_changed: 6, created: 0, updated: 0, unchanged: 18 });
    expect(writes()).toHaveLength(0);
    expect(fake.requests.count()).toBeGreaterThan(0);
  });

  it('says what is missing when neither a file nor a stored batch is given', async () => {
    session = await connectStdio(env());
    const refused = await callTool(session.client, 'wpr_backfill', { skip_ingest: true });
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(/skip_ingest needs the batch_id/);
  });
});
