/**
 * The WPR column map (`config/wpr_columns.json`): for each canonical field of an order report line,
 * the Excel headers accepted for it, whether the column must exist, how its cells are read
 * (text, date, number, money), whether it belongs to the order (the Epic) or to the line (the User
 * story), and the OpenProject custom field that receives it. Shared by the WPR ingest (which reads
 * the sheet with it) and the OpenProject apply (which resolves the custom fields it names).
 */
import path from 'node:path';
import { z } from 'zod';
import { loadJsonConfig } from './json-file.js';

/** Fields every WPR line has, whatever the column map adds. */
export const CORE_WPR_FIELDS = ['order_id', 'line_item', 'product'] as const;

const ColumnSchema = z
  .object({
    headers: z.array(z.string().trim().min(1, 'a header name is empty')).min(1, 'give at least one header name'),
    required: z.boolean().optional().describe('The column must exist in the sheet.'),
    type: z.enum(['text', 'date', 'number', 'money']).optional().describe('How cells are read (default text).'),
    level: z.enum(['order', 'line']).describe('order: one value per order (the Epic); line: per line item (the User story).'),
    op_field: z.string().trim().min(1).optional().describe('Name of the OpenProject custom field that receives the value.'),
  })
  .strict();

export const WprColumnsFileSchema = z
  .object({
    $comment: z.string().optional(),
    columns: z
      .record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'field names are lower_snake_case'), ColumnSchema)
      .refine((columns) => CORE_WPR_FIELDS.every((field) => field in columns), {
        message: `the columns must include ${CORE_WPR_FIELDS.join(', ')}`,
      }),
  })
  .strict();

export type WprColumn = z.infer<typeof ColumnSchema>;
export type WprColumns = Record<string, WprColumn>;

/** Loads and validates `wpr_columns.json` from the config folder. */
export async function loadWprColumns(configDir: string): Promise<WprColumns> {
  const file = path.join(configDir, 'wpr_columns.json');
  const parsed = await loadJsonConfig(file, WprColumnsFileSchema, {
    what: 'the WPR column map',
    hint: 'each canonical field lists its Excel headers, its level (order or line) and optionally its type and op_field',
    missingAction: 'Create wpr_columns.json in MIGRATION_CONFIG_DIR (the repository has a default in config/).',
  });
  return parsed.columns;
}
