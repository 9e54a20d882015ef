/**
 * Benchmark: DevRev creator-group backfill against the fake DevRev (a separate process) whose
 * per-token window is the only binding limit: `--limit` requests/s over `--window` seconds
 * (default 1,500 per 30 s = 50/s), 5 ms latency; the client-side DEVREV_RATE_LIMIT is set to
 * twice the window's rate, so the pace comes from adaptive pacing on X-RateLimit-*.
 * Backfills N issues (half the rows carry creator_group, half are resolved from DevRev groups),
 * then re-runs unchanged.
 *
 * Prints one table: writes/s ÷ limit (target ≥ 0.95), requests per updated issue (target ≤ 1.02,
 * paged reads counted apart), the unchanged re-run's writes (target 0), and 429s received.
 * Run: npm run bench:devrev [-- --rows 5000 --limit 50 --window 30 --workers 8]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { spawnFakeDevRev } from '../tests/fakes/spawn-fake.js';
import { writeBackfillCsv } from '../tests/helpers/devrev.js';
import { callToCompletion, connectInProcess } from '../tests/helpers/mcp.js';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '5000' }, limit: { type: 'string', default: '50' }, window: { type: 'string', default: '30' }, latency: { type: 'string', default: '5' }, workers: { type: 'string', default: '8' } },
});
const rows = Number(values.rows);
const limit = Number(values.limit);
const windowSeconds = Number(values.window);
const latencyMs = Number(values.latency);
const workers = Number(values.workers);
const users = 10;

const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-devrev-')));
const fake = await spawnFakeDevRev({
  generate: { issues: rows, users },
  groups: [
    { name: 'Platform', members: [1, 2, 3] },
    { name: 'Billing', members: [4, 5, 6] },
    { name: 'Ops', members: [7, 8, 9, 10] },
  ],
  latencyMs,
  rateLimit: { count: limit * windowSeconds, windowMs: windowSeconds * 1000 },
});

type Stats = { byRoute: Record<string, number>; rateLimited: number; requests: number };
const route = (stats: Stats, name: string) => stats.byRoute[`POST /${name}`] ?? 0;

/**
 * Requests per second over the fake's complete windows (a window starts at the first request after
 * the previous one ended, as the fake counts them), the gaps between windows included: the pace the
 * run sustains, without the burst a last, partly used window allows.
 */
function sustainedRate(times: number[], windowMs: number): { rate: number; windows: number } | undefined {
  const starts: number[] = [];
  const counts: number[] = [];
  for (const t of times) {
    if (starts.length === 0 || t >= starts.at(-1)! + windowMs) {
      starts.push(t);
      counts.push(0);
    }
    counts[counts.length - 1]! += 1;
  }
  if (starts.length < 2) return undefined;
  const full = starts.length - 1;
  const requests = counts.slice(0, full).reduce((a, b) => a + b, 0);
  return { rate: requests / ((starts[full]! - starts[0]!) / 1000), windows: full };
}

try {
  const csv = writeBackfillCsv(dir, rows, { users, group: (i) => (i % 2 === 0 ? 'Given' : '') });
  const env = {
    MIGRATION_STATE_DIR: path.join(dir, 'var'),
    MIGRATION_DATA_ROOTS: dir,
    MIGRATION_OUTPUT_DIR: path.join(dir, 'out'),
    DEVREV_BASE_URL: fake.url,
    DEVREV_API_TOKEN: fake.apiKey ?? 'test-devrev-token',
    DEVREV_RATE_LIMIT: `${limit * 2}/s`,
    LOG_LEVEL: 'error',
  };
  const session = await connectInProcess(env, dir);

  const started = performance.now();
  const first = await callToCompletion(session.client, 'devrev_backfill', { csv, dry_run: false, workers }, 60 * 60_000);
  const seconds = (performance.now() - started) / 1000;
  const firstStats = await fake.control.stats();
  const sustained = sustainedRate((await fake.control.requests()).map((entry) => entry.timestamp), windowSeconds * 1000);
  const rerun = await callToCompletion(session.client, 'devrev_backfill', { csv, dry_run: false, workers }, 60 * 60_000);
  const rerunStats = await fake.control.stats();
  const state = (await fake.control.state()) as { updateCounts: Record<string, number> };
  await session.close();

  const updated = Number(first.structured.updated);
  const writes = route(firstStats, 'works.update');
  const pagedReads = route(firstStats, 'works.list') + route(firstStats, 'groups.list') + route(firstStats, 'groups.members.list');
  const writesPerSecond = updated / seconds;
  const figures = {
    rows,
    updated,
    failed: first.structured.failed,
    seconds: Number(seconds.toFixed(2)),
    limit_per_second: limit,
    window_seconds: windowSeconds,
    writes_per_second: Number(writesPerSecond.toFixed(2)),
    ratio_to_limit: Number((writesPerSecond / limit).toFixed(3)),
    sustained_requests_per_second: sustained ? Number(sustained.rate.toFixed(2)) : null,
    sustained_ratio: sustained ? Number((sustained.rate / limit).toFixed(3)) : null,
    full_windows: sustained?.windows ?? 0,
    requests_per_updated_issue: Number((writes / updated).toFixed(3)),
    paged_reads: pagedReads,
    rerun_writes: route(rerunStats, 'works.update') - writes,
    rerun_unchanged: rerun.structured.unchanged,
    rerun_requests: rerunStats.requests - firstStats.requests,
    http_429: rerunStats.rateLimited,
    issues_written_more_than_once: Object.values(state.updateCounts).filter((n) => n > 1).length,
  };
  process.stderr.write(
    [
      `DevRev backfill benchmark: ${rows} rows; fake window ${limit * windowSeconds} requests / ${windowSeconds} s (${limit}/s), ${latencyMs} ms latency; DEVREV_RATE_LIMIT ${limit * 2}/s; ${workers} workers`,
      '',
      '| measure | value | target |',
      '|---|---|---|',
      `| writes/s ÷ limit | ${figures.writes_per_second} / ${limit} = ${figures.ratio_to_limit} | ≥ 0.95 |`,
      `| sustained requests/s ÷ limit (${figures.full_windows} full windows, gaps included) | ${figures.sustained_requests_per_second} / ${limit} = ${figures.sustained_ratio} | ≥ 0.95 |`,
      `| requests per updated issue | ${figures.requests_per_updated_issue} (+ ${pagedReads} paged reads) | ≤ 1.02 |`,
      `| unchanged re-run writes | ${figures.rerun_writes} (${figures.rerun_requests} requests, ${figures.rerun_unchanged} unchanged) | 0 |`,
      `| 429s received | ${figures.http_429} | – |`,
      `| issues written more than once | ${figures.issues_written_more_than_once} | 0 |`,
      '',
    ].join('\n'),
  );
  process.stdout.write(`${JSON.stringify(figures)}\n`); // stdout-ok: benchmark output
} finally {
  await fake.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
