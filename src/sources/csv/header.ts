/**
 * Header matching for CSV sources: real exports name their columns in many ways (`Job #`,
 * `job_number`, ` JOB  NUMBER `), so a source declares, per canonical field, the header aliases it
 * accepts, and the first row of a file is matched against them here.
 *
 * Matching ignores case, a byte order mark, surrounding spaces and runs of spaces or underscores
 * inside the name; the canonical field name itself is always accepted as an alias.
 */
import { ValidationError } from '../../engine/errors.js';

/** The columns a CSV source reads: canonical field → accepted header aliases, and which fields must be present. */
export interface CsvColumnSpec<F extends string = string> {
  /** Canonical field → header names accepted for it (matched with {@link normalizeHeaderName}). */
  aliases: Readonly<Record<F, readonly string[]>>;
  /** Fields whose column must exist in the file (a missing one is a ValidationError). */
  required: readonly F[];
}

/** What the header row of a file turned out to contain. */
export interface CsvHeaderInfo<F extends string = string> {
  /** The header cells as written (BOM and surrounding spaces removed). */
  headers: string[];
  /** Physical line of the header row (1 unless blank lines precede it). */
  line: number;
  /** Canonical field → index of its column in the file (fields absent from the file are missing). */
  columnOf: Partial<Record<F, number>>;
  /** Header cells that match no canonical field (ignored). */
  unknown: string[];
  /** Optional fields with no column in this file (read as empty values). */
  absent: F[];
}

const SEPARATOR_RUNS = /[\s_]+/g;

/** Normalises a header name (or alias) for matching: no BOM, trimmed, lower case, runs of spaces/underscores → one space. */
export function normalizeHeaderName(name: string): string {
  return name.replace(/^\uFEFF/, '').replace(SEPARATOR_RUNS, ' ').trim().toLowerCase();
}

/** Builds the alias lookup (normalised alias → canonical field); an alias claimed by two fields is a bug in the spec. */
export function buildAliasIndex<F extends string>(spec: CsvColumnSpec<F>): Map<string, F> {
  const index = new Map<string, F>();
  for (const field of Object.keys(spec.aliases) as F[]) {
    for (const alias of [field, ...spec.aliases[field]]) {
      const key = normalizeHeaderName(alias);
      const owner = index.get(key);
      if (owner !== undefined && owner !== field) {
        throw new Error(`Header alias '${alias}' is declared for both '${owner}' and '${field}'.`);
      }
      index.set(key, field);
    }
  }
  return index;
}

/** Where a header row comes from, for messages. */
export interface MatchHeaderOptions<F extends string> {
  /** The file name used in messages. */
  label: string;
  /** Physical line of the header row. @default 1 */
  line?: number;
  /** Where the operator can add aliases, e.g. `config/ppak_columns.json`. @default 'the column map' */
  aliasSource?: string;
  /** A prebuilt {@link buildAliasIndex} result (saves rebuilding it per file). */
  aliasIndex?: Map<string, F>;
}

/**
 * Matches a header row against a column spec.
 * @throws ValidationError when a required column is missing or two columns match the same field
 */
export function matchHeader<F extends string>(
  cells: readonly string[],
  spec: CsvColumnSpec<F>,
  options: MatchHeaderOptions<F>,
): CsvHeaderInfo<F> {
  const { label, line = 1, aliasSource = 'the column map' } = options;
  const aliasIndex = options.aliasIndex ?? buildAliasIndex(spec);
  const headers = cells.map((cell) => cell.replace(/^\uFEFF/, '').trim());
  const columnOf: Partial<Record<F, number>> = {};
  const unknown: string[] = [];
  headers.forEach((header, index) => {
    if (header === '') return;
    const field = aliasIndex.get(normalizeHeaderName(header));
    if (field === undefined) {
      unknown.push(header);
      return;
    }
    const previous = columnOf[field];
    if (previous !== undefined) {
      throw new ValidationError(
        `${label}: the columns '${headers[previous]}' and '${header}' both mean '${field}'; keep only one of them.`,
        { action: `Remove or rename one of the two columns in ${label} and run again.`, details: { file: label, field } },
      );
    }
    columnOf[field] = index;
  });
  const missing = spec.required.filter((field) => columnOf[field] === undefined);
  if (missing.length > 0) {
    const expected = missing.map((field) => `'${field}' (${spec.aliases[field].join(' / ') || field})`).join(', ');
    throw new ValidationError(
      `${label} has no column for ${expected}. Headers found: ${headers.map((h) => `'${h}'`).join(', ') || '(none)'}.`,
      {
        action: `Re-export ${label} with the missing column, or add its header name as an alias in ${aliasSource}.`,
        details: { file: label, missing, headers },
      },
    );
  }
  const absent = (Object.keys(spec.aliases) as F[]).filter((field) => columnOf[field] === undefined);
  return { headers, line, columnOf, unknown, absent };
}
