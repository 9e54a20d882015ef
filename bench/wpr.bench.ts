/**
 * Benchmark: WPR apply against the fake OpenProject (a separate process) limited to 20 requests/s
 * with 20 ms latency, 10 workers.
 *
 * 1. apply a batch of 500 orders / 2,000 lines (every epic and story created);
 * 2. apply it again unchanged: as a backfill (every order verified on OpenProject: reads only) and
 *    as a delta (unchanged orders: no request at all);
 * 3. a no-op delta over a 100,000-line batch in the embedded SQLite batch store, already applied
 *    (its order hashes recorded in the ledger as the apply records them; applying 125,000 work
 *    packages at 20 req/s would take hours).
 *
 * Prints one table: writes/s ÷ limit (target ≥ 0.95), requests per created or updated work package
 * (target ≤ 1.05 plus paged reads), requests of the unchanged re-runs (reads only, 0 writes), the
 * 100k no-op delta's time (target < 2 s) and requests (target 0), 429s received.
 * Run: npm run bench:wpr [-- --orders 500 --lines 4 --big-lines 100000 --rate 20 --latency 20 --workers 10]
 */
import { parseArgs } from 'node:util';
import type { WprApplyResult } from '../src/pipelines/wpr/apply-result.js';
import { compileOrders, newTally } from '../src/pipelines/wpr/plan-bundle.js';
import { ORDER_KIND } from '../src/pipelines/wpr/select.js';
import { loadWprConfig } from '../src/pipelines/wpr/setup.js';
import type { RequestLogEntry } from '../tests/fakes/request-log.js';
import { wprCustomFields, wprProjects } from '../tests/fakes/openproject-wpr.js';
import { spawnFakeOpenProject } from '../tests/fakes/spawn-openproject.js';
import { openWprBench } from '../tests/helpers/wpr-runs.js';
import { wprOrders } from '../tests/helpers/wpr-lines.js';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '500' },
    lines: { type: 'string', default: '4' },
    'big-lines': { type: 'string', default: '100000' },
    rate: { type: 'string', default: '20' },
    latency: { type: 'string', default: '20' },
    workers: { type: 'string', default: '10' },
  },
});
const orders = Number(values.orders);
const linesPerOrder = Number(values.lines);
const bigLines = Number(values['big-lines']);
const rate = Number(values.rate);
const latencyMs = Number(values.latency);
const workers = Number(values.workers);

const fake = await spawnFakeOpenProject({ customFields: wprCustomFields(), projects: wprProjects('flowone'), latencyMs, rateLimit: { count: rate, windowMs: 1000 } });
const bench = openWprBench({ url: fake.url, apiKey: fake.apiKey ?? 'test-openproject-key' }, { OPENPROJECT_RATE_LIMIT: `${rate}/s`, MAX_RETRIES: '5', LOG_LEVEL: 'error' }, { store: 'sqlite' });
const writes = (entries: RequestLogEntry[]) => entries.filter((entry) => entry.method !== 'GET');
try {
  // 1. First apply.
  await bench.batch('b-500', wprOrders(orders, linesPerOrder));
  const first = await bench.apply({ batchId: 'b-500', workers });
  const firstResult = first.result as WprApplyResult;
  const log = await fake.control.requests();
  const written = writes(log).filter((entry) => entry.status !== null && entry.status < 300);
  const windowSeconds = (written.at(-1)!.timestamp + (written.at(-1)!.durationMs ?? 0) - written[0]!.timestamp) / 1000;
  const writesPerSecond = written.length / windowSeconds;
  const firstApi = firstResult.api;
  const firstReads = firstApi.by_method.GET ?? 0;
  const touched = firstResult.created + firstResult.updated;

  // 2. Unchanged re-runs: a backfill-style verification (reads only) and a delta (nothing).
  const since = async (mark: number) => (await fake.control.requests()).slice(mark);
  let mark = log.length;
  const verified = await bench.apply({ batchId: 'b-500', workers, allOrders: true });
  const verifiedLog = await since(mark);
  mark += verifiedLog.length;
  const delta = await bench.apply({ batchId: 'b-500', workers });
  const deltaLog = await since(mark);
  mark += deltaLog.length;
  const deltaRequests = deltaLog.length;

  // 3. A 100,000-line batch already applied: its order hashes are in the ledger, as an apply leaves them.
  await bench.batch('b-100k', wprOrders(Math.ceil(bigLines / linesPerOrder), linesPerOrder, { from: 1_000_000 }));
  const config = await loadWprConfig(bench.config.configDir);
  const ref = { system: 'openproject', scope: bench.targets.openproject().scope, kind: ORDER_KIND };
  const applied: Array<[string, string]> = [];
  for await (const order of compileOrders(bench.store.readBatch('b-100k'), { registry: config.registry, columns: config.columns }, newTally())) applied.push([order.epic.key, order.hash]);
  bench.ledger.transaction(() => {
    applied.forEach(([key, hash], index) => bench.ledger.identities.upsert(ref, key, String(10_000_000 + index), hash, 'bench-seed'));
  });
  const started = performance.now();
  const big = await bench.apply({ batchId: 'b-100k', workers });
  const bigSeconds = (performance.now() - started) / 1000;
  const bigRequests = (await since(mark)).length;
  const bigResult = big.result as WprApplyResult;

  const state = (await fake.control.state()) as { workPackages: Array<{ type: string; fields: Record<string, unknown> }> };
  const epicKeys = state.workPackages.filter((wp) => wp.type === 'Epic').map((wp) => wp.fields['WPR Order ID']);
  const storyKeys = state.workPackages.filter((wp) => wp.type === 'User story').map((wp) => wp.fields['WPR Line Key']);
  const duplicates = epicKeys.length - new Set(epicKeys).size + storyKeys.length - new Set(storyKeys).size;
  const received429 = firstApi.rate_limited + (verified.result as WprApplyResult).api.rate_limited + (delta.result as WprApplyResult).api.rate_limited + bigResult.api.rate_limited;

  const figures = {
    orders,
    lines: orders * linesPerOrder,
    first_status: first.status,
    created: firstResult.created,
    failures: firstResult.failures,
    write_window_seconds: Number(windowSeconds.toFixed(2)),
    writes_per_second: Number(writesPerSecond.toFixed(2)),
    rate_limit: rate,
    ratio_to_limit: Number((writesPerSecond / rate).toFixed(3)),
    requests_per_written_wp: Number(((firstApi.requests - firstReads) / touched).toFixed(3)),
    paged_reads: firstReads,
    verify_rerun_requests: verifiedLog.length,
    verify_rerun_writes: writes(verifiedLog).length,
    delta_rerun_requests: deltaRequests,
    big_lines: bigLines,
    big_orders: bigResult.orders,
    big_noop_seconds: Number(bigSeconds.toFixed(2)),
    big_noop_requests: bigRequests,
    big_orders_changed: bigResult.orders_changed,
    http_429_received: received429,
    work_packages: state.workPackages.length,
    duplicates,
  };
  const table = [
    `WPR apply benchmark: fake OpenProject at ${rate} req/s, ${latencyMs} ms latency, ${workers} workers`,
    '',
    '| measure | value | target |',
    '|---|---|---|',
    `| writes/s ÷ limit (${orders} orders / ${orders * linesPerOrder} lines, ${firstResult.created} created) | ${figures.writes_per_second} ÷ ${rate} = ${figures.ratio_to_limit} | ≥ 0.95 |`,
    `| requests per created/updated work package | ${figures.requests_per_written_wp} (+ ${firstReads} paged/preflight reads) | ≤ 1.05 + reads |`,
    `| unchanged re-run, every order verified (backfill) | ${figures.verify_rerun_requests} requests, ${figures.verify_rerun_writes} writes | reads only, 0 writes |`,
    `| unchanged re-run, delta | ${figures.delta_rerun_requests} requests | 0 |`,
    `| no-op delta over ${bigLines.toLocaleString('en')} lines (${bigResult.orders} orders) | ${figures.big_noop_seconds} s, ${figures.big_noop_requests} requests | < 2 s, 0 |`,
    `| 429s received | ${figures.http_429_received} | – |`,
    `| work packages in OpenProject / duplicates | ${figures.work_packages} / ${duplicates} | ${orders * (linesPerOrder + 1)} / 0 |`,
    '',
  ].join('\n');
  process.stderr.write(table);
  process.stdout.write(`${JSON.stringify(figures)}\n`); // stdout-ok: benchmark output
} finally {
  await bench.close();
  await fake.stop();
}
