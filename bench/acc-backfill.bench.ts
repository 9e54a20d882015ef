/**
 * Benchmark of the ACC warehouse backfill: `npm run bench:acc [-- --rows N]`.
 *
 * On a throwaway PostgreSQL 15 cluster with N mapped ACC issues (default 100,000) and an empty
 * dim.issue, in this one process and twice — on loopback, and through a TCP proxy adding 1 ms per
 * direction (a warehouse across a network) — it times:
 *   - ours: `acc_warehouse_backfill {"dry_run": false}` called over stdio on the real server process
 *     (`node dist/main.js serve`; preflight, COPY out, plan, ledger, COPY in + one set-based upsert
 *     per batch, gap after), timed from the call to its result;
 *   - the seed's method: fetch every row of the view, then one MERGE statement per row over the same
 *     warehouse connection, one transaction (the runbook's script, on PostgreSQL 15's MERGE).
 * Both start from an empty dim.issue. Prints the ratio per network (targets: ≥ 5× on loopback,
 * ≥ 50× through the proxy), the writes of an unchanged re-run (target 0), and the peak RSS of the
 * server process over the backfill and its re-run (VmHWM; target < 300 MB), as a table and one JSON
 * line. Run `npm run build` first (npm run bench:acc does). Not part of `npm test`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { setupAccDatabases } from '../tests/helpers/acc-databases.js';
import { callToCompletion, connectStdio } from '../tests/helpers/mcp.js';
import { startPostgres } from '../tests/helpers/postgres.js';
import { startLatencyProxy } from './latency-proxy.js';

const TARGETS = { loopback: 5, proxy: 50 } as const;
const RSS_TARGET_MB = 300;
const { values: options } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, delay: { type: 'string', default: '1' } } });
const rows = Number(options.rows);
const delayMs = Number(options.delay);

/** The seed's statement, on PostgreSQL 15's MERGE (no RETURNING needed: it counted nothing). */
const SEED_MERGE = `MERGE INTO dim.issue di
USING (SELECT $1::text AS source_system, $2::text AS source_issue_id, $3::text AS source_project_id) src
ON di.source_system = src.source_system AND di.source_issue_id = src.source_issue_id AND di.source_project_id = src.source_project_id
WHEN MATCHED THEN UPDATE SET issue_bk = $4, title = $5, import_run_id = $6, updated_at = now()
WHEN NOT MATCHED THEN INSERT (source_system, source_issue_id, source_project_id, issue_bk, title, import_run_id, created_at, updated_at, current_flag)
  VALUES ('ACC', $7, $8, $9, $10, $11, now(), now(), 1)`;

/** The runbook's backfill script: fetchall from the view, one MERGE per row, one commit. */
async function seedMethod(pmUrl: string, warehouseUrl: string): Promise<number> {
  const pm = new pg.Client({ connectionString: pmUrl });
  const warehouse = new pg.Client({ connectionString: warehouseUrl });
  await Promise.all([pm.connect(), warehouse.connect()]);
  try {
    const started = performance.now();
    const run = await warehouse.query(`SELECT import_run_id FROM fact.issue_import_runs WHERE source_system = 'ACC' AND status = 'Success' ORDER BY created_at DESC LIMIT 1`);
    const runId = run.rows[0].import_run_id as number;
    const issues = await pm.query('SELECT issue_key, acc_issue_number, acc_issue_uuid, source_project_id, acc_title, acc_status, acc_created_at, acc_updated_at FROM dbo.vw_acc_issue_id_map');
    await warehouse.query('BEGIN');
    for (const issue of issues.rows) {
      const uuid = String(issue.acc_issue_uuid);
      const number = String(issue.acc_issue_number);
      await warehouse.query(SEED_MERGE, ['ACC', uuid, issue.source_project_id, number, issue.acc_title, runId, uuid, issue.source_project_id, number, issue.acc_title, runId]);
    }
    await warehouse.query('COMMIT');
    return (performance.now() - started) / 1000;
  } finally {
    await Promise.all([pm.end(), warehouse.end()]);
  }
}

/** Median round trip of `SELECT 1` in ms over a URL. */
async function roundTripMs(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    await client.query('SELECT 1');
    times.push(performance.now() - t);
  }
  await client.end();
  return times.sort((a, b) => a - b)[100]!;
}

/** The peak resident set of a process so far (Linux VmHWM), in MB. */
function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function accRows(cluster: Awaited<ReturnType<typeof startPostgres>>, database: string): Promise<number> {
  const { rows: counted } = await cluster.sql(`SELECT count(*)::int AS n FROM dim.issue WHERE source_system = 'ACC'`, database);
  return counted[0].n as number;
}

const cluster = await startPostgres();
const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-acc-')));
const proxy = await startLatencyProxy({ target: { host: cluster.host, port: cluster.port }, delayMs });
try {
  const dbs = await setupAccDatabases(cluster, { mapped: rows, unmapped: 0, revizto: 0, projects: 40 });
  const viaProxy = (url: string) => url.replace(`:${cluster.port}/`, `:${proxy.port}/`);
  const networks = [
    { name: 'loopback' as const, url: (u: string) => u },
    { name: 'proxy' as const, url: viaProxy },
  ];
  const figures: Record<string, { rtt_ms: number; ours_s: number; seed_s: number; ratio: number; target: number; rerun_writes: number }> = {};
  const ours: Record<string, { seconds: number; rerunWrites: number; peakRssMb: number }> = {};

  for (const network of networks) {
    const wh = await dbs.freshWarehouse({ existingAcc: 0, revizto: 0 });
    const env = {
      MIGRATION_STATE_DIR: path.join(dir, `var-${network.name}`),
      MIGRATION_DATA_ROOTS: dir,
      MIGRATION_OUTPUT_DIR: path.join(dir, 'out'),
      PM_DB_URL: network.url(dbs.pmUrl),
      WAREHOUSE_DB_URL: network.url(wh.url),
      LOG_LEVEL: 'error',
    };
    const session = await connectStdio(env);
    const started = performance.now();
    const first = await callToCompletion(session.client, 'acc_warehouse_backfill', { dry_run: false }, 30 * 60_000);
    const seconds = (performance.now() - started) / 1000;
    if (first.structured.inserted !== rows || (await accRows(cluster, wh.name)) !== rows) throw new Error(`our backfill wrote ${first.structured.inserted} rows: ${first.text}`);
    const rerun = await callToCompletion(session.client, 'acc_warehouse_backfill', { dry_run: false }, 30 * 60_000);
    ours[network.name] = { seconds, rerunWrites: Number(rerun.structured.inserted) + Number(rerun.structured.updated), peakRssMb: peakRssMb(session.pid()) };
    await session.close();
  }
  const peakRss = Math.max(...Object.values(ours).map((run) => run.peakRssMb));

  for (const network of networks) {
    const wh = await dbs.freshWarehouse({ existingAcc: 0, revizto: 0 });
    const seedSeconds = await seedMethod(network.url(dbs.pmUrl), network.url(wh.url));
    if ((await accRows(cluster, wh.name)) !== rows) throw new Error('the seed method did not write every row');
    const { seconds, rerunWrites } = ours[network.name]!;
    figures[network.name] = {
      rtt_ms: Number((await roundTripMs(network.url(dbs.pmUrl))).toFixed(2)),
      ours_s: Number(seconds.toFixed(2)),
      seed_s: Number(seedSeconds.toFixed(2)),
      ratio: Number((seedSeconds / seconds).toFixed(1)),
      target: TARGETS[network.name],
      rerun_writes: rerunWrites,
    };
  }

  const lines = [
    `ACC backfill, ${rows.toLocaleString('en-US')} mapped rows into an empty dim.issue (PostgreSQL 15, this machine)`,
    '',
    '| network | round trip | ours | seed (MERGE per row) | ratio | target | re-run writes |',
    '|---|---|---|---|---|---|---|',
    ...networks.map(({ name }) => {
      const f = figures[name]!;
      return `| ${name === 'proxy' ? `proxy +${delayMs} ms/direction` : 'loopback'} | ${f.rtt_ms} ms | ${f.ours_s} s | ${f.seed_s} s | ${f.ratio}× | ≥ ${f.target}× ${f.ratio >= f.target ? 'ok' : 'MISSED'} | ${f.rerun_writes} |`;
    }),
    '',
    `peak RSS of the server over backfill + re-run: ${peakRss.toFixed(0)} MB (target < ${RSS_TARGET_MB} MB ${peakRss < RSS_TARGET_MB ? 'ok' : 'MISSED'})`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  process.stdout.write(`${JSON.stringify({ rows, delay_ms: delayMs, ...figures, peak_rss_mb: Math.round(peakRss) })}\n`);
} finally {
  await proxy.close();
  await cluster.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
