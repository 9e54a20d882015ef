/**
 * End-to-end: the real server process over stdio (SDK Client) against a fake DevRev on
 * 127.0.0.1 — validate_only reaches no API, dry run → apply → no-op re-run, kill -9 at ~40 % then
 * `resume: true` with every row written exactly once, a 429 storm survived without hammering the
 * window, and an alert delivered to a Slack webhook and an SMTP server. Needs `npm run build`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedIssues, startFakeDevRev, type FakeDevRev, type FakeDevRevOptions } from '../../fakes/devrev.js';
import { startSlackReceiver, startSmtpReceiver } from '../../helpers/alert-receivers.js';
import { devrevEnv, writeBackfillCsv } from '../../helpers/devrev.js';
import { callTool, callToCompletion, connectStdio, type StdioSession } from '../../helpers/mcp.js';
import { makeWorkspace, type Workspace } from '../../helpers/workspace.js';

let fake: FakeDevRev;
let ws: Workspace;
let session: StdioSession | undefined;
const closers: Array<() => Promise<void>> = [];

const GROUPS: FakeDevRevOptions['groups'] = [
  { name: 'Platform', members: [1, 2] },
  { name: 'Billing', members: [3] },
  { name: 'Ops', members: [4, 5] },
];

async function startFake(options: FakeDevRevOptions = {}): Promise<FakeDevRev> {
  await fake?.close();
  fake = await startFakeDevRev({ issues: seedIssues(300, 5), groups: GROUPS, latencyMs: 2, ...options });
  return fake;
}

function env(extra: Record<string, string> = {}) {
  return { ...ws.env, ...devrevEnv(fake.url, fake.token), ...extra };
}

beforeEach(async () => {
  ws = makeWorkspace();
  await startFake();
});

afterEach(async () => {
  await session?.close();
  session = undefined;
  await Promise.all(closers.splice(0).map((close) => close()));
  await fake.close();
  ws.cleanup();
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('devrev_backfill end to end', () => {
  it('validate_only sends no request; a dry run plans; the apply writes each issue once; a re-run writes nothing', async () => {
    const csv = writeBackfillCsv(ws.dir, 60, { extra: ['ISS-x,DEVU-1,Ops,'] });
    session = await connectStdio(env());
    const { client } = session;

    const checked = await callToCompletion(client, 'devrev_backfill', { csv, validate_only: true });
    expect(checked.structured).toMatchObject({ status: 'succeeded', rows: 61, valid: 60, invalid: 1, validate_only: true });
    expect(checked.structured.invalid_samples[0]).toMatchObject({ line: 62 });
    expect(fake.stats().requests).toBe(0);

    const dry = await callToCompletion(client, 'devrev_backfill', { csv });
    expect(dry.structured).toMatchObject({ status: 'succeeded', dry_run: true, updated: 60, unchanged: 0, skipped: 0 });
    expect(fake.requests.count({ path: '/works.update' })).toBe(0);

    const applied = await callToCompletion(client, 'devrev_backfill', { csv, dry_run: false, plan_id: dry.structured.plan_id, batch_size: 25 });
    expect(applied.structured).toMatchObject({ status: 'succeeded', updated: 60, failed: 0, processed: 60 });
    expect(applied.structured.batches).toHaveLength(3);
    expect(Object.keys(fake.state.updateCounts)).toHaveLength(60);
    expect(Object.values(fake.state.updateCounts).every((n) => n === 1)).toBe(true);
    expect(fake.requests.count({ path: '/works.get' })).toBe(0);

    fake.requests.clear();
    const again = await callToCompletion(client, 'devrev_backfill', { csv, dry_run: false });
    expect(again.structured).toMatchObject({ status: 'succeeded', updated: 0, unchanged: 60 });
    expect(fake.requests.count({ path: '/works.update' })).toBe(0);
  });

  it('after kill -9 at about 40 %, resume: true finishes the same run with every row written exactly once', async () => {
    const count = 200;
    await startFake({ latencyMs: 15 });
    const csv = writeBackfillCsv(ws.dir, count);
    const runEnv = env({ DEVREV_RATE_LIMIT: '80/s' });
    session = await connectStdio(runEnv);
    const started = await callTool(session.client, 'devrev_backfill', { csv, dry_run: false, batch_size: 20, wait_seconds: 0 });
    const runId = String(started.structured.run_id);
    await waitFor(() => Object.keys(fake.state.updateCounts).length >= count * 0.4, 60_000);
    process.kill(session.pid(), 'SIGKILL');
    await session.close();
    const beforeCrash = Object.keys(fake.state.updateCounts).length;
    expect(beforeCrash).toBeLessThan(count);

    session = await connectStdio(runEnv);
    const interrupted = (await callTool(session.client, 'get_run', { run_id: runId })).structured;
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.checkpoints.backfill.batch).toBeGreaterThan(0);

    const resumed = await callToCompletion(session.client, 'devrev_backfill', { csv, dry_run: false, resume: true, batch_size: 20 });
    expect(resumed.structured).toMatchObject({ run_id: runId, status: 'succeeded', updated: count, failed: 0 });
    expect(resumed.structured.checkpoint).toMatchObject({ batch: 10, batches: 10, resumed_from: { batch: interrupted.checkpoints.backfill.batch } });
    expect(Object.keys(fake.state.updateCounts)).toHaveLength(count);
    expect(Object.entries(fake.state.updateCounts).filter(([, n]) => n !== 1)).toEqual([]);
    expect(fake.state.issues.slice(0, count).every((issue) => typeof issue.custom_fields.tnt__creator_group === 'string')).toBe(true);
  });

  it('survives a 429 storm on its token without hammering the window', async () => {
    const count = 120;
    await startFake({ rateLimit: { count: 60, windowMs: 3000 } });
    const csv = writeBackfillCsv(ws.dir, count);
    session = await connectStdio(env({ DEVREV_RATE_LIMIT: '200/s' }));
    const run = callToCompletion(session.client, 'devrev_backfill', { csv, dry_run: false, batch_size: 20 });
    await waitFor(() => Object.keys(fake.state.updateCounts).length >= 20, 60_000);
    // Another client of the same token spends the window: the run's next requests get 429s.
    let stormed = 0;
    for (let i = 0; i < 80; i += 1) {
      const answer = await fetch(`${fake.url}/dev-users.self`, { method: 'POST', headers: { authorization: `Bearer ${fake.token}`, 'content-type': 'application/json' }, body: '{}' });
      if (answer.status === 429) stormed += 1;
    }
    expect(stormed).toBeGreaterThan(0);
    const result = await run;
    expect(result.structured).toMatchObject({ status: 'succeeded', updated: count, failed: 0 });
    expect(Object.values(fake.state.updateCounts).every((n) => n === 1)).toBe(true);
    const throttled = fake.requests.filter({ path: '/works.update' }).filter((entry) => entry.rateLimited).length;
    // At most the requests in flight when the window was spent (one per worker), not a storm of retries.
    expect(throttled).toBeLessThanOrEqual(4);
  });

  it('delivers an alert to the Slack webhook and by email, and the run still succeeds', async () => {
    const slack = await startSlackReceiver();
    const smtp = await startSmtpReceiver();
    closers.push(() => slack.close(), () => smtp.close());
    const csv = writeBackfillCsv(ws.dir, 20);
    fake.faults.once({ kind: 'status5xx', status: 503, match: { path: '/works.update' }, count: 2 });
    session = await connectStdio(
      env({ SLACK_WEBHOOK: slack.url, SMTP_HOST: smtp.host, SMTP_PORT: String(smtp.port), ALERT_EMAIL: 'oncall@example.com', ALERT_EMAIL_FROM: 'mmcp@example.com', ALERT_API_ERRORS: '2' }),
    );
    const result = await callToCompletion(session.client, 'devrev_backfill', { csv, dry_run: false, batch_size: 10 });
    expect(result.structured).toMatchObject({ status: 'succeeded', updated: 20, failed: 0 });
    expect(result.structured.alerts).toEqual([
      expect.objectContaining({ kind: 'api_errors', deliveries: [{ channel: 'log', ok: true }, { channel: 'slack', ok: true }, { channel: 'email', ok: true }] }),
    ]);
    expect(slack.posts).toEqual([{ text: expect.stringContaining('devrev_backfill run') }]);
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.to).toEqual(['oncall@example.com']);
    expect(smtp.messages[0]!.raw).toContain('api errors alert');
    expect(session.stderr()).not.toContain('secret-hook-token');
  });
});
