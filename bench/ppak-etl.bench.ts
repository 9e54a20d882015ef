/**
 * Benchmark of the PPak ETL: `npm run bench:ppak -- [--rows N] [--keep]`.
 *
 * Generates a projects export of N rows (default 1,000,000; streamed to disk, never built in
 * memory) plus small materials and work-orders files in a temp dir, then in this one process:
 *   1. a raw csv-parse pass over the projects file (plain streaming csv-parse, default options
 *      plus `bom`, records counted: the baseline);
 *   2. the full ETL over the export set (projects, materials, work orders → canonical files,
 *      rejects, summary).
 * For each phase it prints wall time, rows/s, CPU seconds (`process.cpuUsage()`, user + system of
 * every thread of the process, so the ETL's parsing worker counts) and peak RSS; then the wall
 * ratio (ETL rows/s ÷ raw rows/s, target ≥ 0.8 with two free cores) and the CPU ratio (ETL CPU ÷
 * raw CPU, target ≤ 2). CPU seconds are the robust figure on a shared machine: wall time depends
 * on whether a second core is free (the load average at start is printed for that reason).
 * On Linux it also splits each phase's CPU by thread (from /proc, sampled every 100 ms): the main
 * thread, the busiest other thread (in the ETL, the csv-parse worker) and the rest (GC helpers, file
 * I/O). Peak RSS per phase is sampled every 10 ms; the process peak (getrusage maxRSS) is printed
 * too (target < 300 MB). Ends with one JSON line. Not part of `npm test`; on a shared machine run it
 * several times and compare spreads, not single runs.
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

const WALL_RATIO_TARGET = 0.8;
const CPU_RATIO_TARGET = 2;
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

/** What one phase cost. */
interface PhaseCost {
  rows: number;
  wallSeconds: number;
  cpuSeconds: number;
  /** Highest RSS sampled during the phase, in MB. */
  peakRssMb: number;
  /** CPU seconds by thread (Linux only, sampled every 100 ms): the main thread, the busiest other thread, the rest. */
  threads: { main: number; busiest: number; rest: number } | undefined;
}

/** CPU seconds of each live thread of this process, by thread id (empty where /proc is missing). */
function threadCpu(): Map<string, number> {
  const seconds = new Map<string, number>();
  try {
    for (const tid of fs.readdirSync('/proc/self/task')) {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      seconds.set(tid, (Number(fields[11]) + Number(fields[12])) / 100); // utime + stime, in clock ticks
    }
  } catch {
    // not Linux, or a thread ended while listing: no breakdown for this sample
  }
  return seconds;
}

/** Runs one phase, measuring wall time, CPU time of the whole process (all threads) and RSS. */
async function measure(run: () => Promise<number>): Promise<PhaseCost> {
  let peak = process.memoryUsage.rss();
  const before = threadCpu();
  const latest = new Map(before);
  const sample = (): void => {
    for (const [tid, seconds] of threadCpu()) latest.set(tid, seconds);
  };
  let ticks = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
    if (++ticks % 10 === 0) sample();
  }, 10);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const rows = await run();
  const wallSeconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  sample();
  peak = Math.max(peak, process.memoryUsage.rss());
  let threads: PhaseCost['threads'];
  if (latest.size > 0) {
    const spent = [...latest].map(([tid, seconds]) => ({ tid, seconds: seconds - (before.get(tid) ?? 0) }));
    const main = spent.find((t) => t.tid === String(process.pid))?.seconds ?? 0;
    const others = spent.filter((t) => t.tid !== String(process.pid)).map((t) => t.seconds).sort((a, b) => b - a);
    threads = { main, busiest: others[0] ?? 0, rest: others.slice(1).reduce((a, b) => a + b, 0) };
  }
  return { rows, wallSeconds, cpuSeconds: (used.user + used.system) / 1e6, peakRssMb: peak / 2 ** 20, threads };
}

const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;
const thousands = (value: number): string => Math.round(value).toLocaleString('en-US');

/** Prints rows as aligned columns on stdout. */
function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) process.stdout.write(`${r.map((v, c) => v.padEnd(widths[c]!)).join('  ').trimEnd()}\n`);
}

async function main(): Promise<void> {
  const rows = Number(argValue('--rows') ?? 1_000_000);
  if (!Number.isInteger(rows) || rows < 1) throw new Error('--rows must be a positive integer');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ppak-bench-'));
  const exportDir = path.join(root, 'exports');
  fs.mkdirSync(exportDir);
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  try {
    process.stderr.write(`generating ${thousands(rows)} project rows in ${exportDir} …\n`);
    const projects = await generate(exportDir, rows);
    const sizeMb = fs.statSync(projects).size / 2 ** 20;
    const load = os.loadavg()[0]!;

    const raw = await measure(() => rawParse(projects));

    const config = loadConfig({ MIGRATION_DATA_ROOTS: root, MIGRATION_CONFIG_DIR: path.join(repo, 'config'), LOG_LEVEL: 'error' }, root);
    const logger = getLogger();
    logger.level = 'error';
    let result: Awaited<ReturnType<typeof runPpakEtl>> | undefined;
    const etl = await measure(async () => {
      result = await runPpakEtl(
        { exportDir, outputDir: path.join(root, 'out'), mappingDir: path.join(repo, 'config', 'mappings') },
        { config, logger, progress: new ProgressTracker(), signal: new AbortController().signal },
      );
      return result.projects.read;
    });

    const rawRate = raw.rows / raw.wallSeconds;
    const etlRate = etl.rows / etl.wallSeconds;
    const wallRatio = etlRate / rawRate;
    const cpuRatio = etl.cpuSeconds / raw.cpuSeconds;
    const processPeakMb = process.resourceUsage().maxRSS / 1024;
    const summary = {
      rows,
      file_mb: round(sizeMb, 1),
      load_avg_1m: round(load),
      raw_rows_per_s: Math.round(rawRate),
      raw_wall_s: round(raw.wallSeconds),
      raw_cpu_s: round(raw.cpuSeconds),
      raw_peak_rss_mb: Math.round(raw.peakRssMb),
      etl_rows_per_s: Math.round(etlRate),
      etl_wall_s: round(etl.wallSeconds),
      etl_cpu_s: round(etl.cpuSeconds),
      etl_peak_rss_mb: Math.round(etl.peakRssMb),
      etl_cpu_threads_s: etl.threads && { main: round(etl.threads.main), worker: round(etl.threads.busiest), rest: round(etl.threads.rest) },
      wall_ratio: round(wallRatio, 3),
      cpu_ratio: round(cpuRatio, 3),
      process_peak_rss_mb: Math.round(processPeakMb),
      written: result!.projects.written,
      duplicates: result!.projects.duplicates,
      rejected: result!.projects.rejected,
      wall_ratio_ok: wallRatio >= WALL_RATIO_TARGET,
      cpu_ratio_ok: cpuRatio <= CPU_RATIO_TARGET,
      rss_ok: processPeakMb < RSS_TARGET_MB,
    };
    const verdict = (ok: boolean): string => (ok ? 'ok' : 'MISSED');
    const phase = (name: string, cost: PhaseCost, rate: number): string[] => [
      name,
      `${thousands(rate)} rows/s`,
      `${cost.wallSeconds.toFixed(2)} s`,
      `${cost.cpuSeconds.toFixed(2)} s`,
      `${Math.round(cost.peakRssMb)} MB`,
    ];
    printTable([
      ['phase', 'rate', 'wall', 'CPU (all threads)', 'peak RSS (sampled)'],
      phase('raw csv-parse', raw, rawRate),
      phase('full ETL', etl, etlRate),
    ]);
    const split = (cost: PhaseCost): string =>
      cost.threads === undefined
        ? 'n/a (no /proc)'
        : `main ${cost.threads.main.toFixed(2)} s, busiest other thread ${cost.threads.busiest.toFixed(2)} s, rest ${cost.threads.rest.toFixed(2)} s`;
    process.stdout.write(`\nCPU by thread (sampled): raw csv-parse: ${split(raw)}; full ETL: ${split(etl)} (busiest other = the parsing worker)\n\n`);
    printTable([
      ['measure', 'value', 'target'],
      ['projects file', `${summary.file_mb} MB, ${thousands(rows)} rows`, `load avg ${summary.load_avg_1m} at start`],
      ['wall ratio (ETL/raw rows/s)', wallRatio.toFixed(3), `≥ ${WALL_RATIO_TARGET} with two free cores: ${verdict(summary.wall_ratio_ok)}`],
      ['CPU ratio (ETL/raw CPU-s)', cpuRatio.toFixed(3), `≤ ${CPU_RATIO_TARGET}: ${verdict(summary.cpu_ratio_ok)}`],
      ['process peak RSS', `${summary.process_peak_rss_mb} MB`, `< ${RSS_TARGET_MB} MB: ${verdict(summary.rss_ok)}`],
    ]);
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    if (process.argv.includes('--keep')) process.stderr.write(`kept ${root}\n`);
    else fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
