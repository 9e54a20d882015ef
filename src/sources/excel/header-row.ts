/**
 * Finds the header row of a sheet by its content: report exports often put a title, a date range
 * or merged banner cells above the real header, so the first row that names every required
 * column (through the same alias matching as the CSV source) within the first rows is the header.
 * When none does, the error names the missing columns and the headers of the closest candidate.
 */
import { ValidationError } from '../../engine/errors.js';
import { buildAliasIndex, matchHeader, normalizeHeaderName, type CsvColumnSpec, type CsvHeaderInfo } from '../csv/header.js';
import { CellProblem, cellText, resolveCell } from './cell-values.js';
import type { SheetRow } from './sheet-reader.js';

/** Rows searched for the header. */
export const HEADER_SEARCH_ROWS = 30;

/** Where the header is, and which column (1-based) holds each field. */
export interface SheetHeader<F extends string> extends CsvHeaderInfo<F> {
  /** Sheet row number of the header. */
  row: number;
  /** Field → sheet column (1-based). */
  columns: Partial<Record<F, number>>;
}

/** Options of {@link findHeaderRow}. */
export interface FindHeaderOptions<F extends string> {
  /** `<file> sheet '<name>'`, for messages. */
  label: string;
  /** Where aliases are configured, e.g. `config/wpr_columns.json`. */
  aliasSource: string;
  aliasIndex?: Map<string, F>;
  /** @default HEADER_SEARCH_ROWS */
  searchRows?: number;
}

/** The texts of a row's cells, index 0 = column A (unreadable cells are empty). */
export function rowTexts(row: SheetRow): string[] {
  const values = row.values;
  const texts: string[] = [];
  for (let col = 1; col < values.length; col++) {
    const resolved = resolveCell(values[col]);
    texts.push(resolved instanceof CellProblem ? '' : (cellText(resolved) ?? ''));
  }
  return texts;
}

/**
 * Reads rows from `rows` until the header row (the iterator is left just after it).
 * @throws ValidationError when no row among the first `searchRows` names every required column
 */
export async function findHeaderRow<F extends string>(
  rows: AsyncIterator<SheetRow>,
  spec: CsvColumnSpec<F>,
  options: FindHeaderOptions<F>,
): Promise<SheetHeader<F>> {
  const aliasIndex = options.aliasIndex ?? buildAliasIndex(spec);
  const limit = options.searchRows ?? HEADER_SEARCH_ROWS;
  let best: { texts: string[]; row: number; matched: number } | undefined;
  for (;;) {
    const step = await rows.next();
    if (step.done || step.value.number > limit) break;
    const texts = rowTexts(step.value);
    const fields = new Set<F>();
    for (const text of texts) {
      const field = text === '' ? undefined : aliasIndex.get(normalizeHeaderName(text));
      if (field !== undefined) fields.add(field);
    }
    const matched = fields.size;
    if (spec.required.every((field) => fields.has(field))) {
      const info = matchHeader(texts, spec, { label: `${options.label} row ${step.value.number}`, line: step.value.number, aliasSource: options.aliasSource, aliasIndex });
      const columns: Partial<Record<F, number>> = {};
      for (const [field, index] of Object.entries(info.columnOf) as Array<[F, number]>) columns[field] = index + 1;
      return { ...info, row: step.value.number, columns };
    }
    if (matched > 0 && (best === undefined || matched > best.matched)) best = { texts, row: step.value.number, matched };
  }
  if (best !== undefined) {
    // Throws the "no column for …, headers found …" error for the closest candidate.
    matchHeader(best.texts, spec, { label: `${options.label} row ${best.row}`, line: best.row, aliasSource: options.aliasSource, aliasIndex });
  }
  const expected = spec.required.map((field) => `'${spec.aliases[field][0] ?? field}'`).join(', ');
  throw new ValidationError(`${options.label}: no header row found in the first ${limit} rows (looked for ${expected}).`, {
    action: `Check that the sheet holds the order report with its header row near the top, or add the header names used as aliases in ${options.aliasSource}.`,
    details: { sheet: options.label, searched_rows: limit },
  });
}
