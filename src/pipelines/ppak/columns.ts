/**
 * The PPak column map (`config/ppak_columns.json`): for each export (projects, materials,
 * work_orders), canonical field → header names accepted for it. Loaded once per run and validated
 * with zod; a bad file is a ConfigError naming the file and the line (JSON syntax) or key.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
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

/**
 * Offset of the first JSON syntax error in `text` (a strict recursive-descent check), or -1.
 * V8 does not always give a position in its messages ("Unexpected token ']', …"), and an operator
 * needs the line to fix a hand-edited file.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const space = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = () => {
    if (text[i] !== '"') fail();
    for (i++; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === '"') {
        i++;
        return;
      }
      if (ch < ' ') fail();
      if (ch === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
      }
    }
    fail();
  };
  const value = (): void => {
    space();
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      const close = ch === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (close === '}') {
          space();
          string();
          space();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        space();
        if (text[i] === ',') i++;
        else if (text[i] === close) {
          i++;
          return;
        } else fail();
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!number) fail();
    i += number![0].length;
  };
  try {
    value();
    space();
    if (i < text.length) fail();
    return -1;
  } catch (offset) {
    if (typeof offset !== 'number') throw offset;
    return offset;
  }
}

/** "line L, column C" of the first JSON syntax error. */
function jsonErrorPosition(text: string): string {
  const offset = Math.max(0, jsonErrorOffset(text));
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
}

function spec<F extends string>(fields: readonly F[], required: readonly F[], raw: Record<string, string[] | undefined>): CsvColumnSpec<F> {
  const map = {} as Record<F, readonly string[]>;
  for (const field of fields) map[field] = raw[field] ?? [];
  return { aliases: map, required };
}

/** Parses and validates the text of a column map. @param file used in messages */
export function parsePpakColumns(text: string, file: string): PpakColumns {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ConfigError(`${file} is not valid JSON (${jsonErrorPosition(text.replace(/^\uFEFF/, ''))}): ${(error as Error).message}`, {
      action: `Fix the JSON syntax of ${file} at that position and run again.`,
      details: { file },
    });
  }
  const parsed = PpakColumnsFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.map(String).join('.') || '(top level)';
    throw new ConfigError(`${file}: key '${key}' is invalid: ${issue.message}.`, {
      action: `Fix '${key}' in ${file}: each of projects, materials and work_orders maps a canonical field to a list of header names.`,
      details: { file, key },
    });
  }
  const data = parsed.data as unknown as Record<keyof PpakColumns, Record<string, string[] | undefined>>;
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
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the PPak column map ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, {
      action: 'Create ppak_columns.json in MIGRATION_CONFIG_DIR (the repository has a default in config/), or point MIGRATION_CONFIG_DIR at the config folder.',
      details: { file },
    });
  }
  return parsePpakColumns(text, file);
}
