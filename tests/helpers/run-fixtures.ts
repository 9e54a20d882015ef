/**
 * Inputs and helpers of the run-level end-to-end tests (job locks, kill -9 and resume of the
 * material sync and the full cycle): a material library of any size, a PPak export set of any
 * size, the CLI as a child process, and waiting on a condition (the fake's record count).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { childEnv, MAIN_JS } from './workspace.js';

/** The SKU of material `i` with `prefix` (e.g. `MAT-00042`). */
export function sku(prefix: string, i: number): string {
  return `${prefix}-${String(i).padStart(5, '0')}`;
}

/** Writes a material library master CSV of `count` active materials with SKUs `<prefix>-00001…`. */
export function writeMaterialLibrary(file: string, count: number, prefix = 'MAT'): string {
  const rows = ['sku,name,category,unit,unit_cost,active'];
  for (let i = 1; i <= count; i += 1) rows.push(`${sku(prefix, i)},Material ${prefix} ${i},Sheet Goods,sheet,${(10 + i / 100).toFixed(2)},true`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

/** The job number of PPak project `i` (e.g. `JB-00042`). */
export function jobNumber(i: number): string {
  return `JB-${String(i).padStart(5, '0')}`;
}

/**
 * Writes a PPak export set dated 2024-02-01 into `dir` (projects, materials, work orders) with
 * `projects` importable projects using the SKUs of `writeMaterialLibrary(…, 'MAT')`; returns `dir`.
 */
export function writePpakExport(dir: string, projects: number): string {
  fs.mkdirSync(dir, { recursive: true });
  const projectRows = ['Job Number,Job Name,Customer,Status,Phase,Start Date,Due Date,Contract Amount,Materials'];
  for (let i = 1; i <= projects; i += 1) {
    const day = String((i % 28) + 1).padStart(2, '0');
    projectRows.push(`${jobNumber(i)},Project ${i},Customer ${i % 17},Active,Production,2024-01-${day},2024-06-${day},${1000 + i},${sku('MAT', (i % 5) + 1)}`);
  }
  const materialRows = ['SKU,Description,Category,Unit,Unit Cost,Active'];
  for (let i = 1; i <= 5; i += 1) materialRows.push(`${sku('MAT', i)},Material MAT ${i},Sheet Goods,sheet,10.00,Y`);
  const workOrderRows = ['Work Order,Job Number,Description,Quantity,Status', `WO-1,${jobNumber(1)},Cabinets,2,Released`];
  fs.writeFileSync(path.join(dir, 'projects_2024-02-01.csv'), `${projectRows.join('\n')}\n`);
  fs.writeFileSync(path.join(dir, 'materials_2024-02-01.csv'), `${materialRows.join('\n')}\n`);
  fs.writeFileSync(path.join(dir, 'work_orders_2024-02-01.csv'), `${workOrderRows.join('\n')}\n`);
  return dir;
}

/** A `migration-mcp <args>` child process: its pid, and its exit code and output once it ends. */
export interface CliProcess {
  pid: number;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts `migration-mcp <args>` as a child process. */
export function spawnCli(args: string[], env: Record<string, string>, cwd: string): CliProcess {
  const child = spawn(process.execPath, [MAIN_JS, ...args], { cwd, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<Awaited<CliProcess['done']>>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { pid: child.pid!, done };
}

/** Polls `condition` every 20 ms; throws when it is still false after `timeoutMs` (a safety net, not a bound under test). */
export async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
