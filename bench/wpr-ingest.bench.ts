/**
 * Benchmark of the WPR ingest: `npm run bench:wpr-ingest [-- --rows N] [-- --fresh]`.
 *
 * Generates an order report of N lines (default 100,000; a title row above the header, real and
 * text dates, numbers and amounts stored as text, shared strings) once with exceljs's streaming
 * WorkbookWriter, cached outside git in `<os tmp>/migration-mcp-bench/` (`--fresh` rebuilds it),
 * then in this one process, `--rounds` times (default 2, alternating; the best time of each counts),
 *   1. times exceljs's streaming WorkbookReader reading every cell of the workbook (the baseline);
 *   2. times our ingest of the same file into the embedded SQLite batch store (sheet → lines → store);
 *   3. times the whole wpr_ingest_orders pipeline: 2. plus the rejects file and one provenance event
 *      per line in the ledger (for explain_record);
 * and prints the rates, their ratios to the baseline (target ≥ 0.8 for 2.; from CPU time, see
 * Timing) and the peak RSS of the process (target < 500 MB) as a table and one JSON line.
 * Not part of `npm test`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { loadConfig } from '../src/config/env.js';
import { Ledger } from '../src/engine/ledger/ledger.js';
import { ProgressTracker } from '../src/engine/progress.js';
import { getLogger } from '../src/logging/logger.js';
import { loadWprColumns } from '../src/config/wpr-columns.js';
import { ingestWprOrders } from '../src/pipelines/wpr/ingest/ingest.js';
import { WprOrderReport } from '../src/pipelines/wpr/ingest/order-report.js';
import { SqliteBatchStore } from '../src/stores/sqlite-batch-store.js';

const RATIO_TARGET = 0.8;
const RSS_TARGET_MB = 500;
const PRODUCTS = ['FlowOne', 'Session Border Controller', 'NIAM', 'Flow One', 'Policy Manager', 'Media Gateway'];
const STATUSES = ['Open', 'Shipped', 'Cancelled', 'On Hold', 'Invoiced'];
const HEADER = ['Order ID', 'Order Date', 'Customer', 'Product', 'Line Item', 'Description', 'Quantity', 'Unit Price', 'Status', 'Requested Delivery'];

function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

function usDate(day: number): string {
  const date = new Date(Date.UTC(2024, 0, 1 + day));
  return `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()}`;
}

/** Writes the workbook with the streaming writer (bounded memory). */
async function generate(file: string, rows: number): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: temp, useSharedStrings: true, useStyles: true });
  const summary = workbook.addWorksheet('Summary');
  summary.addRow(['WPR export', `${rows} lines`]).commit();
  summary.commit();
  const sheet = workbook.addWorksheet('WP_Overall_Order_Report');
  sheet.addRow(['WP Overall Order Report']).commit();
  sheet.addRow([]).commit();
  sheet.addRow(HEADER).commit();
  for (let i = 0; i < rows; i++) {
    const order = Math.floor(i / 4);
    const day = order % 365;
    const orderDate = i % 10 < 7 ? new Date(Date.UTC(2024, 0, 1 + day)) : i % 10 < 9 ? usDate(day) : new Date(Date.UTC(2024, 0, 1 + day)).toISOString().slice(0, 10);
    const price = ((i * 7919) % 250_000) / 100 + 5;
    const row = sheet.addRow([
      `WPO${String(180_000 + order).padStart(8, '0')}`,
      orderDate,
      `Customer ${order % 2000} GmbH`,
      PRODUCTS[order % PRODUCTS.length],
      (i % 4) + 1,
      `Line ${i}: ${PRODUCTS[i % PRODUCTS.length]} licence, support and installation`,
      i % 5 === 0 ? String((i % 40) + 1) : (i % 40) + 1,
      i % 3 === 0 ? `$${price.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}` : price,
      STATUSES[i % STATUSES.length],
      new Date(Date.UTC(2024, 1, 1 + day)),
    ]);
    row.getCell(2).numFmt = 'm/d/yyyy';
    row.getCell(10).numFmt = 'm/d/yyyy';
    row.commit();
  }
  sheet.commit();
  await workbook.commit();
  fs.renameSync(temp, file);
}

/** The baseline: exceljs's streaming reader touching every cell of every sheet. */
async function rawRead(file: string): Promise<{ rows: number; cells: number }> {
  let rows = 0;
  let cells = 0;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {});
  for await (const worksheet of reader) {
    for await (const row of worksheet as unknown as AsyncIterable<ExcelJS.Row>) {
      rows++;
      for (const value of row.values as unknown[]) if (value !== undefined) cells++;
    }
  }
  return { rows, cells };
}

/** Our ingest path alone: the sheet read into lines and written to the embedded SQLite batch store. */
async function runStoreIngest(file: string, work: string, configDir: string): Promise<{ line_items: number }> {
  const report = new WprOrderReport({ file, columns: await loadWprColumns(configDir), onReject: () => undefined });
  const store = SqliteBatchStore.open(work);
  try {
    return { line_items: (await store.writeBatch({ batch_id: 'bench', file: path.basename(file), sheet: null }, report.lines())).lines };
  } finally {
    await store.close();
  }
}

/**
 * Our ingest, as the tool runs it: the order report into the embedded SQLite batch store, the
 * rejects file, and the provenance of every line in the ledger.
 */
async function runWprIngestBench(file: string, work: string, configDir: string): Promise<{ line_items: number; orders: number; rejected: number }> {
  fs.mkdirSync(work, { recursive: true });
  const config = loadConfig({ MIGRATION_DATA_ROOTS: `${work}:${path.dirname(file)}`, MIGRATION_CONFIG_DIR: configDir, MIGRATION_STATE_DIR: path.join(work, 'var'), LOG_LEVEL: 'error' }, work);
  const logger = getLogger();
  logger.level = 'error';
  const ledger = Ledger.open(config.stateDir);
  try {
    const result = await ingestWprOrders(
      { file, batchId: 'bench', outputDir: path.join(work, 'out') },
      { runId: 'r-bench', config, ledger, logger, progress: new ProgressTracker(), signal: new AbortController().signal },
    );
    return { line_items: result.line_items, orders: result.orders, rejected: result.rejected };
  } finally {
    ledger.close();
  }
}

async function main(): Promise<void> {
  const rows = Number(argValue('--rows') ?? 100_000);
  if (!Number.isInteger(rows) || rows < 1) throw new Error('--rows must be a positive integer');
  const cacheDir = path.join(os.tmpdir(), 'migration-mcp-bench');
  fs.mkdirSync(cacheDir, { recursive: true });
  const file = path.join(cacheDir, `wpr-orders-${rows}-v1.xlsx`);
  if (process.argv.includes('--fresh')) fs.rmSync(file, { force: true });
  if (!fs.existsSync(file)) {
    process.stderr.write(`generating ${rows.toLocaleString('en-US')} order lines in ${file} …\n`);
    await generate(file, rows);
  } else process.stderr.write(`using the cached workbook ${file}\n`);
  const sizeMb = fs.statSync(file).size / 2 ** 20;

  const rounds = Number(argValue('--rounds') ?? 2);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'wpr-bench-'));
  const configDir = path.join(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'), 'config');
  try {
    const raw = new Timing();
    const store = new Timing();
    const pipeline = new Timing();
    let cells = 0;
    let result = { line_items: 0, orders: 0, rejected: 0 };
    for (let round = 1; round <= rounds; round++) {
      cells = (await raw.time(() => rawRead(file))).cells;
      const stored = await store.time(() => runStoreIngest(file, path.join(work, `store-${round}`), configDir));
      if (stored.line_items !== rows) process.stderr.write(`warning: the store ingest kept ${stored.line_items} of ${rows} lines\n`);
      result = await pipeline.time(() => runWprIngestBench(file, path.join(work, `pipeline-${round}`), configDir));
    }
    const ratio = raw.cpu / store.cpu;
    const pipelineRatio = raw.cpu / pipeline.cpu;
    const round2 = (n: number) => Math.round(n * 100) / 100;
    const summary = {
      rows,
      rounds,
      file_mb: Math.round(sizeMb * 10) / 10,
      raw_cells: cells,
      raw_rows_per_cpu_s: Math.round(rows / raw.cpu),
      store_lines_per_cpu_s: Math.round(rows / store.cpu),
      pipeline_lines_per_cpu_s: Math.round(result.line_items / pipeline.cpu),
      ratio: Math.round(ratio * 1000) / 1000,
      pipeline_ratio: Math.round(pipelineRatio * 1000) / 1000,
      wall_ratio: Math.round((raw.wall / store.wall) * 1000) / 1000,
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      raw_seconds: { cpu: round2(raw.cpu), wall: round2(raw.wall) },
      store_seconds: { cpu: round2(store.cpu), wall: round2(store.wall) },
      pipeline_seconds: { cpu: round2(pipeline.cpu), wall: round2(pipeline.wall) },
      line_items: result.line_items,
      orders: result.orders,
      rejected: result.rejected,
    };
    const rate = (n: number) => n.toLocaleString('en-US');
    const table = [
      '| measure | value (best of the rounds; CPU time, wall time in brackets) | target |',
      '|---|---|---|',
      `| workbook | ${rate(rows)} lines, ${summary.file_mb} MB | |`,
      `| exceljs WorkbookReader, every cell | ${rate(summary.raw_rows_per_cpu_s)} rows/s (${summary.raw_seconds.cpu} s; ${summary.raw_seconds.wall} s) | baseline |`,
      `| ingest into SQLite (sheet → lines → batch store) | ${rate(summary.store_lines_per_cpu_s)} lines/s (${summary.store_seconds.cpu} s; ${summary.store_seconds.wall} s) | |`,
      `| ratio ingest / raw | ${summary.ratio} (wall ${summary.wall_ratio}) | ≥ ${RATIO_TARGET} ${summary.ratio >= RATIO_TARGET ? '✓' : '✗'} |`,
      `| whole wpr_ingest_orders pipeline (+ rejects file, provenance of every line) | ${rate(summary.pipeline_lines_per_cpu_s)} lines/s (${summary.pipeline_seconds.cpu} s; ${summary.pipeline_seconds.wall} s), ratio ${summary.pipeline_ratio} | reported |`,
      `| peak RSS | ${summary.peak_rss_mb} MB | < ${RSS_TARGET_MB} MB ${summary.peak_rss_mb < RSS_TARGET_MB ? '✓' : '✗'} |`,
    ];
    process.stdout.write(`${table.join('\n')}\n${JSON.stringify(summary)}\n`);
    if (result.line_items !== rows) process.stderr.write(`warning: ${rows - result.line_items} lines were not stored\n`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The best wall and CPU time of a step over the rounds. CPU time (process.cpuUsage: every thread of
 * the process, zlib's included) is what the ratios use: on a shared machine another process can
 * take the CPU from one step and not the other, which skews wall times but not CPU times.
 */
class Timing {
  wall = Number.POSITIVE_INFINITY;
  cpu = Number.POSITIVE_INFINITY;

  async time<T>(step: () => Promise<T>): Promise<T> {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    const result = await step();
    const used = process.cpuUsage(cpu);
    this.wall = Math.min(this.wall, (performance.now() - wall) / 1000);
    this.cpu = Math.min(this.cpu, (used.user + used.system) / 1e6);
    return result;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
