/**
 * Benchmark of the WPR ingest: `npm run bench:wpr-ingest [-- --rows N] [-- --fresh]`.
 *
 * Generates an order report of N lines (default 100,000; a title row above the header, real and
 * text dates, numbers and amounts stored as text, shared strings) once with exceljs's streaming
 * WorkbookWriter, cached outside git in `<os tmp>/migration-mcp-bench/` (`--fresh` rebuilds it),
 * then in this one process, `--rounds` times (default 2, alternating; the best time of each counts,
 * which keeps a busy machine's noise out of the ratio):
 *   1. times exceljs's streaming WorkbookReader reading every cell of the workbook (the baseline);
 *   2. times our ingest of the same file into the embedded SQLite batch store;
 * and prints both rates, their ratio (target ≥ 0.8) and the peak RSS of the process (target
 * < 500 MB) as a table and one JSON line. Not part of `npm test`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { loadWprColumns } from '../src/config/wpr-columns.js';
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

/** Our ingest: the order report read into the embedded SQLite batch store. */
async function runWprIngestBench(file: string, stateDir: string, configDir: string): Promise<{ line_items: number; orders: number; rejected: number }> {
  const columns = await loadWprColumns(configDir);
  const report = new WprOrderReport({ file, columns, onReject: () => undefined });
  const store = SqliteBatchStore.open(stateDir);
  try {
    const summary = await store.writeBatch({ batch_id: 'bench', file: path.basename(file), sheet: null }, report.lines());
    return { line_items: summary.lines, orders: summary.orders, rejected: report.rejected };
  } finally {
    await store.close();
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
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  try {
    let rawSeconds = Number.POSITIVE_INFINITY;
    let ingestSeconds = Number.POSITIVE_INFINITY;
    let raw = { rows: 0, cells: 0 };
    let result = { line_items: 0, orders: 0, rejected: 0 };
    for (let round = 1; round <= rounds; round++) {
      let started = performance.now();
      raw = await rawRead(file);
      rawSeconds = Math.min(rawSeconds, (performance.now() - started) / 1000);
      started = performance.now();
      result = await runWprIngestBench(file, path.join(work, `round-${round}`), path.join(repo, 'config'));
      ingestSeconds = Math.min(ingestSeconds, (performance.now() - started) / 1000);
    }

    const rawRate = rows / rawSeconds;
    const ingestRate = result.line_items / ingestSeconds;
    const ratio = ingestRate / rawRate;
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    const summary = {
      rows,
      rounds,
      file_mb: Math.round(sizeMb * 10) / 10,
      raw_cells: raw.cells,
      raw_rows_per_s: Math.round(rawRate),
      ingest_lines_per_s: Math.round(ingestRate),
      ratio: Math.round(ratio * 1000) / 1000,
      peak_rss_mb: Math.round(peakRssMb),
      raw_seconds: Math.round(rawSeconds * 100) / 100,
      ingest_seconds: Math.round(ingestSeconds * 100) / 100,
      line_items: result.line_items,
      orders: result.orders,
      rejected: result.rejected,
    };
    const table = [
      '| measure | value | target |',
      '|---|---|---|',
      `| workbook | ${summary.rows.toLocaleString('en-US')} lines, ${summary.file_mb} MB | |`,
      `| exceljs WorkbookReader, every cell | ${summary.raw_rows_per_s.toLocaleString('en-US')} rows/s (${summary.raw_seconds} s) | baseline |`,
      `| ingest into SQLite | ${summary.ingest_lines_per_s.toLocaleString('en-US')} lines/s (${summary.ingest_seconds} s) | |`,
      `| ratio ingest / raw | ${summary.ratio} | ≥ ${RATIO_TARGET} ${summary.ratio >= RATIO_TARGET ? '✓' : '✗'} |`,
      `| peak RSS | ${summary.peak_rss_mb} MB | < ${RSS_TARGET_MB} MB ${summary.peak_rss_mb < RSS_TARGET_MB ? '✓' : '✗'} |`,
    ];
    process.stdout.write(`${table.join('\n')}\n${JSON.stringify(summary)}\n`);
    if (result.line_items !== rows) process.stderr.write(`warning: ${rows - result.line_items} lines were not stored\n`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
