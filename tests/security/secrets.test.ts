/**
 * Secrets never leave: every secret variable gets a distinctive value, the real server (stdio) is
 * driven through its tools against a target that echoes credentials back and redirects to another
 * origin, and then every output channel is scanned — tool results (text, structuredContent, _meta),
 * stderr, every file under the workspace (reports, outputs, the ledger and its WAL, temp files) and
 * the requests that reached the other origin.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startFakeServer, type FakeServer } from '../fakes/fake-http.js';
import { seedIssues, startFakeDevRev, type FakeDevRev } from '../fakes/devrev.js';
import { startFakeInnergy, type FakeInnergy } from '../fakes/innergy.js';
import { startFakeOpenProject, type FakeOpenProject } from '../fakes/openproject.js';
import { wprCustomFields, wprProjects } from '../fakes/openproject-wpr.js';
import { writeBackfillCsv } from '../helpers/devrev.js';
import { writeCanonicalProjects } from '../helpers/canonical.js';
import { copyWprFixtures } from '../helpers/wpr.js';
import { callTool, callToCompletion, connectStdio, type StdioSession } from '../helpers/mcp.js';
import { makeWorkspace, type Workspace } from '../helpers/workspace.js';

/** Every secret variable of the contract (DESIGN §4), with a value that cannot occur by chance. */
const SECRETS: Record<string, string> = {
  INNERGY_API_KEY: 'sek-innergy-4f7c21d9',
  OPENPROJECT_API_KEY: 'sek-openproject-8a2e61b0',
  DEVREV_API_TOKEN: 'sek-devrev-c3d95e77',
  INFLUX_TOKEN: 'sek-influx-0b6a4f12',
  MIGRATION_HTTP_TOKEN: 'sek-http-token-9e1d73aa',
  SMTP_PASSWORD: 'sek-smtp-pass-6b0f94',
  SNOWFLAKE_PRIVATE_KEY_PASSPHRASE: 'sek-snowflake-pass-2c81e5',
  // The webhook URL is its own credential (alerts are posted to a closed port, so they fail).
  SLACK_WEBHOOK: 'http://127.0.0.1:9/services/T0/B0/sek-slack-hook-71d2',
};
const URL_PASSWORDS: Record<string, [string, string]> = {
  PM_DB_URL: ['postgres://pm_user:sek-pm-pass-51c0e2@127.0.0.1:1/pm', 'sek-pm-pass-51c0e2'],
  WAREHOUSE_DB_URL: ['mssql://wh_user:sek-wh-pass-77ab30@127.0.0.1:1/wh', 'sek-wh-pass-77ab30'],
};
const NEEDLES = [
  ...Object.values(SECRETS),
  ...Object.values(URL_PASSWORDS).map(([, password]) => password),
  Buffer.from(`apikey:${SECRETS.OPENPROJECT_API_KEY}`).toString('base64'),
];

let ws: Workspace;
let evil: FakeServer;
let collector: FakeServer;
let innergy: FakeInnergy;
let influx: FakeServer;
let devrev: FakeDevRev;
let evilOpenProject: FakeServer;
let openproject: FakeOpenProject;
const seen: string[] = [];
let stderr = '';

function record(answer: { structured: unknown; text: string; meta?: unknown }): void {
  seen.push(JSON.stringify(answer.structured), answer.text, JSON.stringify(answer.meta ?? null));
}

async function session(innergyUrl: string): Promise<StdioSession> {
  const env = { ...ws.env, ...SECRETS, ...Object.fromEntries(Object.entries(URL_PASSWORDS).map(([k, [url]]) => [k, url])), INNERGY_API_BASE_URL: innergyUrl, INNERGY_RATE_LIMIT: '200/s', LOG_LEVEL: 'debug' };
  return connectStdio(env);
}

beforeAll(async () => {
  ws = makeWorkspace();
  collector = await startFakeServer({ name: 'collector', routes: [{ method: 'GET', path: '/*', handler: () => json(200, { Items: [] }) }] });
  evil = await startFakeServer({
    name: 'echoing INNERGY',
    routes: [
      // A target that echoes what it was sent: the key in the body, the headers in a header.
      { method: 'GET', path: '/api/materials', handler: (req) => json(401, { message: `Invalid Api-Key ${String(req.headers['api-key'])}`, headers: req.headers }, { 'x-echo': String(req.headers['api-key']) }) },
      { method: 'GET', path: '/api/projects', handler: () => ({ status: 307, headers: { location: `${collector.url}/api/projects` } }) },
    ],
  });
  innergy = await startFakeInnergy({ apiKey: SECRETS.INNERGY_API_KEY, faults: { status5xx: 0.1, lostResponse: 0.05 } });

  const a = await session(evil.url);
  record(await callTool(a.client, 'check_innergy_connection'));
  const file = writeCanonicalProjects(ws.outputDir, 5);
  record(await callToCompletion(a.client, 'run_innergy_project_import', { canonical_file: file }));
  // ACC: PM_DB_URL (PostgreSQL) and WAREHOUSE_DB_URL (SQL Server) answer nothing: the errors name host and port only.
  record(await callTool(a.client, 'acc_warehouse_gap_report'));
  record(await callToCompletion(a.client, 'acc_warehouse_backfill', { dry_run: false }));
  await a.close();
  stderr += a.stderr();

  const b = await session(innergy.url);
  const etl = await callToCompletion(b.client, 'run_ppak_export_etl', {});
  record(etl);
  const imported = await callToCompletion(b.client, 'run_innergy_project_import', { canonical_file: etl.structured.outputs.canonical_projects, dry_run: false });
  record(imported);
  record(await callTool(b.client, 'get_run', { run_id: imported.structured.run_id }));
  record(await callTool(b.client, 'list_runs', {}));
  record(await callTool(b.client, 'explain_record', { key: 'J-1001' }));
  for (const uri of [`migration://runs/${imported.structured.run_id}`, `migration://runs/${imported.structured.run_id}/report`]) {
    seen.push(JSON.stringify(await b.client.readResource({ uri })));
  }
  await b.close();
  stderr += b.stderr();

  // DevRev: a backfill whose API errors raise an alert that Slack and SMTP (with a password) fail to deliver.
  devrev = await startFakeDevRev({ tokens: [SECRETS.DEVREV_API_TOKEN!], issues: seedIssues(5, 1), groups: [{ name: 'Ops', members: [1] }] });
  const c = await connectStdio({
    ...ws.env,
    ...SECRETS,
    DEVREV_BASE_URL: devrev.url,
    DEVREV_RATE_LIMIT: '200/s',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: '9',
    SMTP_USER: 'alerts',
    ALERT_EMAIL: 'ops@example.com',
    ALERT_API_ERRORS: '1',
    LOG_LEVEL: 'debug',
  });
  record(await callTool(c.client, 'check_devrev_connection', { probe_update: true }));
  devrev.faults.once({ kind: 'status5xx', status: 503, match: { path: '/works.update' }, count: 2 });
  const backfill = await callToCompletion(c.client, 'devrev_backfill', { csv: writeBackfillCsv(ws.dir, 5, { users: 1 }), dry_run: false });
  record(backfill);
  seen.push(JSON.stringify(await c.client.readResource({ uri: 'migration://metrics' })));
  await c.close();
  stderr += c.stderr();

  // The WPR ingest against an InfluxDB that echoes the token it was sent.
  const echo = (req: { headers: Record<string, unknown> }) => json(401, { code: 'unauthorized', message: `bad token ${String(req.headers.authorization)}` }, { 'x-echo': String(req.headers.authorization) });
  influx = await startFakeServer({ name: 'echoing InfluxDB', routes: [{ method: 'POST', path: '/api/v2/query', handler: echo }, { method: 'POST', path: '/api/v2/write', handler: echo }] });
  const urls = Object.fromEntries(Object.entries(URL_PASSWORDS).map(([k, [url]]) => [k, url]));
  const d = await connectStdio({ ...ws.env, ...SECRETS, ...urls, INFLUX_URL: influx.url, INFLUX_ORG: 'org', INFLUX_BUCKET: 'wpr', LOG_LEVEL: 'debug' });
  record(await callToCompletion(d.client, 'wpr_ingest_orders', { file: `${copyWprFixtures(ws)}/orders_plain.xlsx` }));
  seen.push(JSON.stringify(await d.client.readResource({ uri: 'migration://wpr/batches' }).catch((error: unknown) => String(error))));
  await d.close();
  stderr += d.stderr();

  // WPR → OpenProject: a connection check against an OpenProject that echoes the Authorization
  // header, then ingest, apply (with faults), cleanup and check against the fake OpenProject.
  const echoAuth = (req: { headers: Record<string, unknown> }) => json(401, { _type: 'Error', errorIdentifier: 'urn:openproject-org:api:v3:errors:Unauthenticated', message: `bad credentials ${String(req.headers.authorization)}` }, { 'x-echo': String(req.headers.authorization) });
  evilOpenProject = await startFakeServer({ name: 'echoing OpenProject', routes: [{ method: 'GET', path: '/api/v3', handler: () => json(200, { _type: 'Root' }) }, { method: 'GET', path: '/api/v3/*', handler: echoAuth }] });
  openproject = await startFakeOpenProject({ apiKey: SECRETS.OPENPROJECT_API_KEY, customFields: wprCustomFields(), projects: wprProjects('flowone', 'session-border-controller', 'niam'), faults: { status5xx: 0.1, lostResponse: 0.05 } });
  const e = await connectStdio({ ...ws.env, ...SECRETS, ...urls, OPENPROJECT_URL: evilOpenProject.url, LOG_LEVEL: 'debug' });
  record(await callTool(e.client, 'check_openproject_connection', {}));
  await e.close();
  stderr += e.stderr();
  const f = await connectStdio({ ...ws.env, ...SECRETS, ...urls, OPENPROJECT_URL: openproject.url, OPENPROJECT_RATE_LIMIT: '200/s', LOG_LEVEL: 'debug' });
  record(await callTool(f.client, 'check_openproject_connection', {}));
  record(await callToCompletion(f.client, 'wpr_ingest_orders', { file: `${copyWprFixtures(ws)}/orders_plain.xlsx`, batch_id: 'secrets' }));
  const wprApplied = await callToCompletion(f.client, 'wpr_delta_apply', { batch_id: 'secrets', dry_run: false });
  record(wprApplied);
  record(await callToCompletion(f.client, 'wpr_cleanup_duplicates', {}));
  seen.push(JSON.stringify(await f.client.readResource({ uri: `migration://runs/${wprApplied.structured.run_id}/report` })));
  await f.close();
  stderr += f.stderr();
}, 240_000);

afterAll(async () => {
  await Promise.all([evil?.close(), collector?.close(), innergy?.close(), devrev?.close(), influx?.close(), evilOpenProject?.close(), openproject?.close()]);
  ws?.cleanup();
});

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('secrets', () => {
  it('drove the server through its error paths (the scan below is not vacuous)', () => {
    const all = seen.join('\n');
    expect(all).toContain('another origin');
    expect(all).toMatch(/401|Unauthorized/);
    expect(all).toMatch(/InfluxDB at http:\/\/127\.0\.0\.1:\d+ answered 401/);
    expect(filesUnder(path.join(ws.outputDir, 'reports')).length).toBeGreaterThanOrEqual(4);
    expect(innergy.requests.count({ method: 'POST' })).toBeGreaterThan(0);
    expect(all).toMatch(/"channel":"slack","ok":false/);
    expect(all).toMatch(/"channel":"email","ok":false/);
  });

  it.each(NEEDLES)('never shows %s in a tool result, error or resource', (needle) => {
    expect(seen.join('\n')).not.toContain(needle);
  });

  it.each(NEEDLES)('never writes %s to stderr', (needle) => {
    expect(stderr.length).toBeGreaterThan(0);
    expect(stderr).not.toContain(needle);
  });

  it.each(NEEDLES)('never writes %s to a file: reports, outputs, the ledger, its WAL, temp files', (needle) => {
    const files = filesUnder(ws.dir);
    expect(files.some((f) => f.endsWith('state.db'))).toBe(true);
    for (const file of files) expect(fs.readFileSync(file).includes(Buffer.from(needle)), file).toBe(false);
  });

  it('sends nothing to another origin after a redirect', () => {
    expect(collector.requests.entries).toEqual([]);
  });
});
