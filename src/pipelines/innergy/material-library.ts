/**
 * Reads the material library master (`sku,name,category,unit,unit_cost,active`), streaming, with
 * header aliases and per-row rejects (file, line, reason) — a bad row never stops the sync.
 */
import path from 'node:path';
import { throwIfCancelled, ValidationError } from '../../engine/errors.js';
import { readCsv, type CsvColumnSpec } from '../../sources/csv/index.js';
import { INVALID, parseBoolean, parseMoney } from '../../transform/parse-values.js';

export interface LibraryMaterial {
  sku: string;
  name: string;
  category: string | null;
  unit: string | null;
  unit_cost: number | null;
  active: boolean;
  line: number;
}

export interface LibraryReject {
  file: string;
  line: number;
  reason: string;
}

type LibraryField = 'sku' | 'name' | 'category' | 'unit' | 'unit_cost' | 'active';

const COLUMNS: CsvColumnSpec<LibraryField> = {
  aliases: {
    sku: ['sku', 'material sku', 'item', 'item number'],
    name: ['name', 'description', 'material name'],
    category: ['category'],
    unit: ['unit', 'uom', 'unit of measure'],
    unit_cost: ['unit_cost', 'unit cost', 'cost', 'unit cost ($)'],
    active: ['active', 'is active', 'status'],
  },
  required: ['sku', 'name'],
};

/** Reads every material of the master; duplicates of a SKU keep the first and reject the rest. */
export async function readMaterialLibrary(file: string, signal?: AbortSignal, maxRecordSize?: number): Promise<{ materials: LibraryMaterial[]; rejects: LibraryReject[] }> {
  const label = path.basename(file);
  const materials: LibraryMaterial[] = [];
  const rejects: LibraryReject[] = [];
  const seen = new Map<string, number>();
  try {
    for await (const row of readCsv(file, { columns: COLUMNS, label, aliasSource: 'the material library columns (sku,name,category,unit,unit_cost,active)', signal, maxRecordSize })) {
      throwIfCancelled(signal);
      if (!row.ok) {
        rejects.push({ file: label, line: row.line, reason: row.reason });
        continue;
      }
      const { sku, name, category, unit, unit_cost, active } = row.record;
      const reject = (reason: string) => rejects.push({ file: label, line: row.line, reason });
      if (!sku) {
        reject('missing sku');
        continue;
      }
      if (!name) {
        reject(`material ${sku} has no name`);
        continue;
      }
      const first = seen.get(sku.toLowerCase());
      if (first !== undefined) {
        reject(`duplicate sku ${sku} (first at line ${first})`);
        continue;
      }
      const cost = parseMoney(unit_cost);
      if (cost === INVALID) {
        reject(`unit_cost "${unit_cost}" is not a number`);
        continue;
      }
      const flag = parseBoolean(active);
      if (flag === INVALID) {
        reject(`active "${active}" is not a yes/no value`);
        continue;
      }
      seen.set(sku.toLowerCase(), row.line);
      materials.push({ sku, name, category: category || null, unit: unit || null, unit_cost: cost, active: flag ?? true, line: row.line });
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ValidationError(`The material library ${file} does not exist.`, {
        action: 'Set MATERIAL_LIBRARY_MASTER or pass material_library with the path of the master CSV (sku,name,category,unit,unit_cost,active).',
      });
    }
    throw error;
  }
  return { materials, rejects };
}
