/**
 * Discovery of a PPak export set: the files `{projects,materials,work_orders}_{YYYY-MM-DD}.csv`
 * in the export folder. The set to read is the explicit `export_date`, or the newest date stamp
 * found in the file names (never file modification times, which copies and syncs change).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PathSandbox } from '../../config/sandbox.js';
import { ValidationError } from '../../engine/errors.js';
import { isIsoDate } from '../../transform/date-range.js';

/** The three PPak export entities, in the order the ETL reads them. */
export const PPAK_ENTITIES = ['projects', 'materials', 'work_orders'] as const;
export type PpakEntity = (typeof PPAK_ENTITIES)[number];

/** The files of one export set. */
export interface PpakExportSet {
  exportDate: string;
  /** Absolute, sandbox-checked paths; materials and work orders are optional. */
  files: { projects: string; materials: string | undefined; work_orders: string | undefined };
  /** Every export file name found in the folder (all dates), sorted. */
  found: string[];
}

const EXPORT_FILE = /^(projects|materials|work_orders)_(\d{4}-\d{2}-\d{2})\.csv$/i;


/**
 * Finds the export set to read.
 * @throws ValidationError when the folder is missing or empty, the date is malformed, or the projects file of that date is missing
 * @throws OutsideDataRootError when the folder or a file of the set resolves outside the data roots
 */
export async function discoverExport(exportDir: string, exportDate: string | undefined, sandbox: PathSandbox): Promise<PpakExportSet> {
  const dir = sandbox.resolve(exportDir, 'PPak export folder');
  if (exportDate !== undefined && !isIsoDate(exportDate)) {
    throw new ValidationError(`export_date '${exportDate}' is not a date written YYYY-MM-DD.`, {
      action: 'Pass export_date as YYYY-MM-DD (e.g. 2024-01-15), or leave it out to use the newest export.',
    });
  }
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ValidationError(
      code === 'ENOENT' ? `The PPak export folder ${exportDir} does not exist.` : `The PPak export folder ${exportDir} cannot be read (${code ?? (error as Error).message}).`,
      { action: 'Check ppak_export_dir (or PPAK_EXPORT_DIR) and place the PPak CSV exports there.', details: { dir: exportDir } },
    );
  }
  const byDate = new Map<string, Partial<Record<PpakEntity, string>>>();
  const found: string[] = [];
  for (const name of names.sort()) {
    const match = EXPORT_FILE.exec(name);
    if (!match || !isIsoDate(match[2]!)) continue;
    found.push(name);
    const entity = match[1]!.toLowerCase() as PpakEntity;
    const set = byDate.get(match[2]!) ?? {};
    set[entity] = name;
    byDate.set(match[2]!, set);
  }
  const expected = 'projects_YYYY-MM-DD.csv (required), materials_YYYY-MM-DD.csv and work_orders_YYYY-MM-DD.csv (optional)';
  if (found.length === 0) {
    const others = names.length === 0 ? 'it is empty' : `it holds ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}`;
    throw new ValidationError(`No PPak export files in ${exportDir} (${others}). Expected ${expected}.`, {
      action: 'Export the projects (and materials, work orders) from PPak as CSV into that folder, named with the export date.',
      details: { dir: exportDir, found: names.slice(0, 50) },
    });
  }
  const date = exportDate ?? [...byDate.keys()].sort().at(-1)!;
  const set = byDate.get(date) ?? {};
  if (set.projects === undefined) {
    throw new ValidationError(
      `No projects file for the export date ${date} in ${exportDir}: expected projects_${date}.csv. Export files found: ${found.join(', ')}.`,
      {
        action: exportDate === undefined
          ? `Add projects_${date}.csv (the newest export is incomplete), or pass export_date to read an older complete set.`
          : `Add projects_${date}.csv, or pass an export_date that has a projects file.`,
        details: { dir: exportDir, export_date: date, found },
      },
    );
  }
  const resolve = (name: string | undefined) => (name === undefined ? undefined : sandbox.resolve(path.join(dir, name), 'PPak export file'));
  return {
    exportDate: date,
    files: { projects: resolve(set.projects)!, materials: resolve(set.materials), work_orders: resolve(set.work_orders) },
    found,
  };
}
