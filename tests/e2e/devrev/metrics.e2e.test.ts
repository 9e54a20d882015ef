/**
 * End-to-end: Prometheus metrics of a real server process. `GET /metrics` on the HTTP transport
 * sits behind the same bearer token as `/mcp`; `--metrics-port` serves them on loopback; the
 * `migration://metrics` resource reads them over MCP. After a backfill they count its records by
 * tool and outcome, its run, and the DevRev requests by status. Needs `npm run build`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedIssues, startFakeDevRev, type FakeDevRev } from '../../fakes/devrev.js';
import { devrevEnv, writeBackfillCsv } from '../../helpers/devrev.js';
import { callToCompletion } from '../../helpers/mcp.js';
import { childEnv, MAIN_JS, makeWorkspace, type Workspace } from '../../helpers/workspace.js';

const TOKEN = 'metrics-test-token-9d2e';
let fake: FakeDevRev;
let ws: Workspace;
let server: { child: ChildProcess; url: string; metricsUrl: string | undefined; stop(): Promise<void> } | undefined;

function start(args: string[]): Promise<NonNullable<typeof server>> {
  const child = spawn(process.execPath, [MAIN_JS, 'serve', '--http', '--port', '0', ...args], {
    cwd: ws.dir,
    env: childEnv({ ...ws.env, ...devrevEnv(fake.url, fake.token), MIGRATION_HTTP_TOKEN: TOKEN }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 20_000);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const listening = /Listening on (\S+)/.exec(stderr);
      if (!listening) return;
      clearTimeout(timer);
      resolve({
        child,
        url: listening[1]!,
        metricsUrl: /Metrics on (\S+)/.exec(stderr)?.[1],
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

beforeEach(async () => {
  ws = makeWorkspace();
  fake = await startFakeDevRev({ issues: seedIssues(12, 3), groups: [{ name: 'Ops', members: [1, 2, 3] }], rateLimit: { count: 1000, windowMs: 300_000 } });
});

afterEach(async () => {
  await server?.stop();
  server = undefined;
  await fake.close();
  ws.cleanup();
});

function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe('metrics of a running server', () => {
  it('serves /metrics behind the bearer token, on --metrics-port, and as a resource, counting a backfill', async () => {
    server = await start(['--metrics-port', '0']);
    const client = new Client({ name: 'metrics-e2e', version: '0.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { authorization: `Bearer ${TOKEN}` } } }));
    const csv = writeBackfillCsv(ws.dir, 12, { users: 3 });
    const result = await callToCompletion(client, 'devrev_backfill', { csv, dry_run: false });
    expect(result.structured).toMatchObject({ status: 'succeeded', updated: 12 });

    const metricsUrl = server.url.replace(/\/mcp$/, '/metrics');
    expect((await fetch(metricsUrl)).status).toBe(401);
    const scraped = await fetch(metricsUrl, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toContain('text/plain');
    const text = await scraped.text();
    expect(sample(text, 'migration_records_total', { tool: 'devrev_backfill', outcome: 'updated' })).toBe(12);
    expect(sample(text, 'migration_runs_total', { tool: 'devrev_backfill', status: 'succeeded' })).toBe(1);
    expect(sample(text, 'migration_http_requests_total', { target: 'DevRev', method: 'POST', status: '200' })).toBeGreaterThanOrEqual(13);
    expect(sample(text, 'migration_rate_limit_limit', { target: 'DevRev' })).toBe(1000);
    expect(sample(text, 'migration_batch_duration_seconds_count', { tool: 'devrev_backfill' })).toBe(1);
    expect(text).toContain('migration_process_resident_memory_bytes');

    expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const local = await (await fetch(server.metricsUrl!)).text();
    expect(sample(local, 'migration_records_total', { tool: 'devrev_backfill', outcome: 'updated' })).toBe(12);

    const resource = await client.readResource({ uri: 'migration://metrics' });
    expect(String((resource.contents[0] as { text: string }).text)).toContain('migration_records_total{tool="devrev_backfill",outcome="updated"} 12');
    await client.close();
  });
});
