/**
 * The PPak → INNERGY mapping tables in `mapping_dir`: `status_mapping.csv` (ppak_status,innergy_status),
 * `phase_mapping.csv` (ppak_phase,innergy_phase) and `material_mapping.csv` (ppak_sku,canonical_sku).
 *
 * Lookups ignore case and surrounding/repeated whitespace on the PPak side; a row whose PPak value
 * is `*` is the default for values the table does not list. Each file is read with the CSV source
 * and validated row by row with zod; a bad file is a ConfigError naming the file and the line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { AppConfig } from '../../config/env.js';
import { realpathOfNearest } from '../../config/sandbox.js';
import { ConfigError, isMigrationError } from '../../engine/errors.js';
import { CsvReader } from '../../sources/csv/index.js';

/** How one mapping file is laid out. */
export interface MappingFileSpec {
  file: string;
  from: string;
  to: string;
  /** A missing optional file is an empty table (with a warning); a missing required one is a ConfigError. */
  required: boolean;
}

/** The three mapping files of the PPak ETL. */
export const MAPPING_FILES = {
  status: { file: 'status_mapping.csv', from: 'ppak_status', to: 'innergy_status', required: true },
  phase: { file: 'phase_mapping.csv', from: 'ppak_phase', to: 'innergy_phase', required: true },
  material: { file: 'material_mapping.csv', from: 'ppak_sku', to: 'canonical_sku', required: false },
} as const satisfies Record<string, MappingFileSpec>;

export type MappingKind = keyof typeof MAPPING_FILES;

const WHITESPACE_RUNS = /\s+/g;

/** The lookup key of a PPak value: trimmed, lower case, inner whitespace runs collapsed. */
export function normalizeMappingKey(value: string): string {
  return value.trim().replace(WHITESPACE_RUNS, ' ').toLowerCase();
}

const CACHE_LIMIT = 10_000;

/** One loaded mapping table. */
export class ValueMapping {
  private readonly cache = new Map<string, string | null>();

  constructor(
    /** Absolute path of the file it was loaded from (or would have been). */
    readonly file: string,
    private readonly entries: ReadonlyMap<string, string>,
    /** The `*` row's value: used for values the table does not list. */
    readonly fallback: string | undefined,
    /** True when the (optional) file does not exist. */
    readonly missing = false,
  ) {}

  /** Number of explicit rows (the default excluded). */
  get size(): number {
    return this.entries.size;
  }

  /** The mapped value of an explicitly listed PPak value, or undefined (the default is not applied). */
  get(value: string): string | undefined {
    const cached = this.cache.get(value);
    if (cached !== undefined) return cached ?? undefined;
    const mapped = this.entries.get(normalizeMappingKey(value));
    if (this.cache.size < CACHE_LIMIT) this.cache.set(value, mapped ?? null);
    return mapped;
  }
}

/** All three tables. */
export type PpakMappings = Record<MappingKind, ValueMapping>;

const MappingRowSchema = z.object({
  from: z.string().min(1, 'the PPak value (first column) is empty'),
  to: z.string().min(1, 'the mapped value (second column) is empty; remove the row or fill it in'),
});

/**
 * Resolves a mapping file: inside the (trusted) config folder it is accepted as is, anywhere else
 * it must lie inside the data roots (DESIGN §11).
 */
export function resolveMappingFile(file: string, config: Pick<AppConfig, 'configDir' | 'sandbox'>): string {
  const real = realpathOfNearest(path.resolve(file));
  const configReal = realpathOfNearest(path.resolve(config.configDir));
  if (real === configReal || real.startsWith(configReal + path.sep)) return real;
  return config.sandbox.resolve(file, 'mapping file');
}

/** Loads and validates one mapping file. */
export async function loadMapping(file: string, spec: MappingFileSpec, signal?: AbortSignal): Promise<ValueMapping> {
  if (!fs.existsSync(file)) {
    if (!spec.required) return new ValueMapping(file, new Map(), undefined, true);
    throw new ConfigError(`The mapping file ${file} does not exist.`, {
      action: `Create ${spec.file} with the header '${spec.from},${spec.to}' in the mapping folder, or pass the right mapping_dir.`,
      details: { file },
    });
  }
  const reader = new CsvReader(file, {
    columns: { aliases: { from: [spec.from], to: [spec.to] }, required: ['from', 'to'] },
    aliasSource: `the header of ${spec.file} (it must be '${spec.from},${spec.to}')`,
    signal,
  });
  const entries = new Map<string, string>();
  const lineOf = new Map<string, number>();
  let fallback: string | undefined;
  const fail = (line: number, message: string): never => {
    throw new ConfigError(`${file} line ${line}: ${message}.`, {
      action: `Fix line ${line} of ${spec.file} (columns ${spec.from},${spec.to}) and run again.`,
      details: { file, line },
    });
  };
  try {
    for await (const row of reader.rows()) {
      if (!row.ok) fail(row.line, row.reason);
      else {
        const parsed = MappingRowSchema.safeParse(row.record);
        if (!parsed.success) fail(row.line, parsed.error.issues[0]!.message);
        const { from, to } = row.record;
        const key = from === '*' ? '*' : normalizeMappingKey(from);
        const existing = key === '*' ? fallback : entries.get(key);
        if (existing !== undefined && existing !== to) {
          fail(row.line, `'${from}' is mapped to '${to}' but line ${lineOf.get(key)} already maps it to '${existing}'`);
        }
        if (key === '*') fallback = to;
        else entries.set(key, to);
        if (!lineOf.has(key)) lineOf.set(key, row.line);
      }
    }
  } catch (error) {
    if (isMigrationError(error) && error.kind === 'validation') {
      throw new ConfigError(error.message, { action: `Give ${spec.file} the header '${spec.from},${spec.to}'.`, details: { file } });
    }
    throw error;
  }
  return new ValueMapping(file, entries, fallback);
}

/** Loads the three mapping tables from a folder. */
export async function loadMappings(
  mappingDir: string,
  config: Pick<AppConfig, 'configDir' | 'sandbox'>,
  signal?: AbortSignal,
): Promise<PpakMappings> {
  const load = (kind: MappingKind) => {
    const spec = MAPPING_FILES[kind];
    return loadMapping(resolveMappingFile(path.join(mappingDir, spec.file), config), spec, signal);
  };
  return { status: await load('status'), phase: await load('phase'), material: await load('material') };
}
