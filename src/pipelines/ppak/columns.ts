/**
 * The PPak column map (`config/ppak_columns.json`): for each export (projects, materials,
 * work_orders), canonical field → header names accepted for it. Loaded once per run and validated
 * with zod through the JSON config loader; a bad file is a ConfigError naming the file, the line and the key.
 */
import path from 'node:path';
import { z } from 'zod';
import { loadJsonConfig, parseJsonConfig } from '../../config/json-file.js';
import { ConfigError } from '../../engine/errors.js';
import { buildAliasIndex, type CsvColumnSpec } from '../../sources/csv/index.js';

/** Canonical fields read from `projects_<date>.csv`. */
export const PROJECT_FIELDS = ['job_number', 'job_name', 'customer', 'status', 'phase', 'start_date', 'due_date', 'contract_amount', 'materials'] as const;
/** Canonical fields read from `materials_<date>.csv`. */
export const MATERIAL_FIELDS = ['sku', 'description', 'category', 'unit', 'unit_cost', 'active'] as const;
/** Canonical fields read from `work_orders_<date>.csv`. */
export const WORK_ORDER_FIELDS = ['work_order', 'job_number', 'description', 'quantity', 'status'] as const;

export type ProjectField = (typeof PROJECT_FIELDS)[number];
export type MaterialField = (typeof MATERIAL_FIELDS)[number];
export type WorkOrderField = (typeof WORK_ORDER_FIELDS)[number];

/** The three column specs the ETL reads with. */
export interface PpakColumns {
  projects: CsvColumnSpec<ProjectField>;
  materials: CsvColumnSpec<MaterialField>;
  work_orders: CsvColumnSpec<WorkOrderField>;
}

/** Columns that must exist in each file (their values are checked per row as well). */
const REQUIRED = {
  projects: ['job_number', 'job_name'],
  materials: ['sku'],
  work_orders: ['work_order', 'job_number'],
} as const satisfies { [K in keyof PpakColumns]: readonly string[] };

const aliases = z
  .array(z.string().trim().min(1, 'an alias is empty'))
  .min(1, 'give at least one header name')
  .describe('Header names accepted for this field (case, spaces and underscores are ignored).');

function entitySchema<F extends string>(fields: readonly F[], required: readonly F[]) {
  const shape: Record<string, z.ZodType<string[] | undefined>> = {};
  for (const field of fields) shape[field] = required.includes(field) ? aliases : aliases.optional();
  return z.object(shape).strict();
}

/** Schema of `ppak_columns.json`. */
export const PpakColumnsFileSchema = z
  .object({
    $comment: z.string().optional(),
    projects: entitySchema(PROJECT_FIELDS, REQUIRED.projects),
    materials: entitySchema(MATERIAL_FIELDS, REQUIRED.materials),
    work_orders: entitySchema(WORK_ORDER_FIELDS, REQUIRED.work_orders),
  })
  .strict();

function spec<F extends string>(fields: readonly F[], required: readonly F[], raw: Record<string, string[] | undefined>): CsvColumnSpec<F> {
  const map = {} as Record<F, readonly string[]>;
  for (const field of fields) map[field] = raw[field] ?? [];
  return { aliases: map, required };
}

const COLUMN_MAP = {
  what: 'the PPak column map',
  hint: 'each of projects, materials and work_orders maps a canonical field to a list of header names',
  missingAction:
    'Create ppak_columns.json in MIGRATION_CONFIG_DIR (the repository has a default in config/), or point MIGRATION_CONFIG_DIR at the config folder.',
};

/** Parses and validates the text of a column map. @param file used in messages */
export function parsePpakColumns(text: string, file: string): PpakColumns {
  return toColumns(parseJsonConfig(text, file, PpakColumnsFileSchema, COLUMN_MAP), file);
}

function toColumns(parsed: z.infer<typeof PpakColumnsFileSchema>, file: string): PpakColumns {
  const data = parsed as unknown as Record<keyof PpakColumns, Record<string, string[] | undefined>>;
  const columns: PpakColumns = {
    projects: spec(PROJECT_FIELDS, REQUIRED.projects, data.projects),
    materials: spec(MATERIAL_FIELDS, REQUIRED.materials, data.materials),
    work_orders: spec(WORK_ORDER_FIELDS, REQUIRED.work_orders, data.work_orders),
  };
  for (const entity of Object.keys(columns) as Array<keyof PpakColumns>) {
    try {
      buildAliasIndex(columns[entity] as CsvColumnSpec);
    } catch (error) {
      throw new ConfigError(`${file}: in '${entity}', ${(error as Error).message}`, {
        action: `Give each header name to one field only in '${entity}' of ${file}.`,
        details: { file, key: entity },
      });
    }
  }
  return columns;
}

/** Loads `ppak_columns.json` from the (trusted) configuration folder. */
export async function loadPpakColumns(configDir: string): Promise<PpakColumns> {
  const file = path.join(configDir, 'ppak_columns.json');
  return toColumns(await loadJsonConfig(file, PpakColumnsFileSchema, COLUMN_MAP), file);
}
