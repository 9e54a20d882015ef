/**
 * Benchmark of the PPak ETL: `npx tsx bench/ppak-etl.bench.ts [--rows N] [--keep]`.
 *
 * Generates a projects export of N rows (default 1,000,000; streamed to disk, never built in
 * memory) plus small materials and work-orders files in a temp dir, then in this one process:
 *   1. times a raw csv-parse pass over the projects file (default options, records counted);
 *   2. times the full ETL over the export set;
 * and prints both rates, their ratio (target ≥ 0.6), and the peak RSS of the process (target
 * < 300 MB) as a table and one JSON line. Not part of `npm test`.
 */
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
import { loadConfig } from '../src/config/env.js';
import { ProgressTracker } from '../src/engine/progress.js';
import { getLogger } from '../src/logging/logger.js';
import { runPpakEtl } from '../src/pipelines/ppak/etl.js';

const RATIO_TARGET = 0.6;
const RSS_TARGET_MB = 300;
const DATE = '2024-01-15';
const STATUSES = ['Active', 'Open', 'On Hold', 'Complete', 'Closed', 'Cancelled', 'In Progress'];
const PHASES = ['Design', 'Engineering', 'Production', 'Install', 'Punch'];
const SKUS = Array.from({ length: 40 }, (_, i) => `PP-MAT-${String(i).padStart(3, '0')}`);

function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

/** Writes text produced chunk by chunk, honouring back-pressure. */
async function writeStreamed(file: string, rows: number, header: string, row: (i: number) => string): Promise<void> {
  const out = fs.createWriteStream(file);
  let buffer = header;
  for (let i = 1; i <= rows; i++) {
    buffer += row(i);
    if (buffer.length >= 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}

function projectRow(i: number): string {
  const n = i % 997 === 0 ? i - 1 : i; // ~0.1 % exact duplicates of the previous row
  const month = (n % 12) + 1;
  const day = (n % 28) + 1;
  const start = n % 2 === 0 ? `${month}/${day}/2024` : `2024-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const amount = ((n * 7919) % 9_000_000) / 100 + 1000;
  const money = `"$${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}"`;
  const skus = `${SKUS[n % SKUS.length]};${SKUS[(n * 7) % SKUS.length]}`;
  return `J-${String(n).padStart(7, '0')},"Project ${n}, Building ${n % 40}",Customer ${n % 5000} LLC,${STATUSES[n % STATUSES.length]},${PHASES[n % PHASES.length]},${start},2025-06-30,${money},${skus}\r\n`;
}

async function generate(dir: string, rows: number): Promise<string> {
  const projects = path.join(dir, `projects_${DATE}.csv`);
  await writeStreamed(projects, rows, '\uFEFFJob Number,Job Name,Customer,Status,Phase,Start Date,Due Date,Contract Amount,Materials\r\n', projectRow);
  await writeStreamed(path.join(dir, `materials_${DATE}.csv`), SKUS.length - 5, 'SKU,Description,Category,Unit,Unit Cost,Active\n', (i) =>
    `${SKUS[i - 1]},Material ${i},Category ${i % 6},each,$${(i * 3.25).toFixed(2)},${i % 10 === 0 ? 'N' : 'Y'}\n`,
  );
  const workOrders = Math.min(5000, rows);
  await writeStreamed(path.join(dir, `work_orders_${DATE}.csv`), workOrders, 'Work Order,Job Number,Description,Quantity,Status\n', (i) =>
    `WO-${i},J-${String(((i * 104729) % rows) + 1).padStart(7, '0')},Work order ${i},${(i % 20) + 1},Released\n`,
  );
  return projects;
}

async function rawParse(file: string): Promise<number> {
  let rows = 0;
  for await (const _record of fs.createReadStream(file).pipe(parse({ bom: true }))) rows++;
  return rows - 1; // header
}

async function main(): Promise<void> {
  const rows = Number(argValue('--rows') ?? 1_000_000);
  if (!Number.isInteger(rows) || rows < 1) throw new Error('--rows must be a positive integer');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ppak-bench-'));
  const exportDir = path.join(root, 'exports');
  fs.mkdirSync(exportDir);
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  try {
    process.stderr.write(`generating ${rows.toLocaleString('en-US')} project rows in ${exportDir} …\n`);
    const projects = await generate(exportDir, rows);
    const sizeMb = fs.statSync(projects).size / 2 ** 20;

    let started = performance.now();
    const parsed = await rawParse(projects);
    const rawSeconds = (performance.now() - started) / 1000;

    const config = loadConfig({ MIGRATION_DATA_ROOTS: root, MIGRATION_CONFIG_DIR: path.join(repo, 'config'), LOG_LEVEL: 'error' }, root);
    const logger = getLogger();
    logger.level = 'error';
    started = performance.now();
    const result = await runPpakEtl(
      { exportDir, outputDir: path.join(root, 'out'), mappingDir: path.join(repo, 'config', 'mappings') },
      { config, logger, progress: new ProgressTracker(), signal: new AbortController().signal },
    );
    const etlSeconds = (performance.now() - started) / 1000;

    const rawRate = parsed / rawSeconds;
    const etlRate = result.projects.read / etlSeconds;
    const ratio = etlRate / rawRate;
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    const summary = {
      rows,
      file_mb: Math.round(sizeMb * 10) / 10,
      raw_rows_per_s: Math.round(rawRate),
      etl_rows_per_s: Math.round(etlRate),
      ratio: Math.round(ratio * 1000) / 1000,
      peak_rss_mb: Math.round(peakRssMb),
      raw_seconds: Math.round(rawSeconds * 100) / 100,
      etl_seconds: Math.round(etlSeconds * 100) / 100,
      written: result.projects.written,
      duplicates: result.projects.duplicates,
      rejected: result.projects.rejected,
      ratio_ok: ratio >= RATIO_TARGET,
      rss_ok: peakRssMb < RSS_TARGET_MB,
    };
    const table = [
      ['measure', 'value', 'target'],
      ['projects file', `${summary.file_mb} MB, ${rows.toLocaleString('en-US')} rows`, ''],
      ['raw csv-parse', `${summary.raw_rows_per_s.toLocaleString('en-US')} rows/s (${summary.raw_seconds} s)`, ''],
      ['full ETL', `${summary.etl_rows_per_s.toLocaleString('en-US')} rows/s (${summary.etl_seconds} s)`, ''],
      ['ratio ETL / raw', summary.ratio.toFixed(3), `≥ ${RATIO_TARGET} ${summary.ratio_ok ? 'ok' : 'MISSED'}`],
      ['peak RSS', `${summary.peak_rss_mb} MB`, `< ${RSS_TARGET_MB} MB ${summary.rss_ok ? 'ok' : 'MISSED'}`],
    ];
    const widths = [0, 1, 2].map((c) => Math.max(...table.map((r) => r[c]!.length)));
    for (const r of table) process.stdout.write(`${r.map((v, c) => v.padEnd(widths[c]!)).join('  ')}\n`);
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    if (process.argv.includes('--keep')) process.stderr.write(`kept ${root}\n`);
    else fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
