/**
 * The one CSV writer of migration-mcp: every CSV the product writes (rejects files, import files,
 * reports) goes through `csvLine`, so quoting follows one rule and spreadsheet formulas are always
 * neutralised.
 *
 * Quoting is csv-stringify's (RFC 4180: a value with a comma, quote or line break is quoted, quotes
 * doubled), plus values with leading or trailing spaces, which spreadsheets would otherwise trim.
 * Formula neutralisation follows OWASP's CSV-injection advice: a text cell starting with `=`, `+`,
 * `-`, `@`, a tab or a carriage return is written with a leading `'`, so Excel and LibreOffice show
 * it as text instead of evaluating it (`=HYPERLINK(…)`, `@SUM(A1)`). Numbers are written as numbers
 * (`-12.5` stays a number); the data stays readable.
 */
import { stringify, type Options } from 'csv-stringify/sync';
import type { OutputFile } from './output-file.js';

const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell made safe for spreadsheets: a leading `'` when it would start a formula. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

const QUOTING: Options = { quoted_match: [/^\s/, /\s$/, /\r/], eof: false, record_delimiter: 'unix', cast: { boolean: String } };
const SAFE: Options = { ...QUOTING, cast: { boolean: String, string: (value) => neutraliseFormula(value) } };
const cell = (value: unknown): unknown => (value === null || value === undefined ? '' : value);

/**
 * One CSV line (without its line end). `neutralise: false` is only for re-serialising an input
 * row verbatim (e.g. the `raw` text of a reject, which is then written as one neutralised cell).
 */
export function csvLine(values: readonly unknown[], options: { neutralise?: boolean } = {}): string {
  return stringify([values.map(cell)], options.neutralise === false ? QUOTING : SAFE);
}

/** Writes rows to an OutputFile (atomic on commit) with a header line. */
export class CsvWriter<C extends string> {
  private rows = 0;

  /**
   * @param columns the header, in order; rows are arrays in this order or records keyed by column
   * @param eol line end: `\n` (default) or `\r\n` for tools that expect Windows files
   */
  constructor(
    readonly output: OutputFile,
    readonly columns: readonly C[],
    private readonly eol: '\n' | '\r\n' = '\n',
  ) {
    output.append(csvLine(columns) + eol);
  }

  /** Rows written (the header excluded). */
  get written(): number {
    return this.rows;
  }

  /** Appends one row; returns true when the caller should `await output.flushIfFull()`. */
  write(row: readonly unknown[] | Readonly<Partial<Record<C, unknown>>>): boolean {
    const values = Array.isArray(row) ? row : this.columns.map((column) => (row as Record<C, unknown>)[column]);
    this.rows += 1;
    return this.output.append(csvLine(values) + this.eol);
  }
}

/** A whole CSV document (header + rows) as one string, for small files written with writeFileAtomic. */
export function csvDocument(columns: readonly string[], rows: readonly (readonly unknown[])[], eol: '\n' | '\r\n' = '\n'): string {
  return [columns, ...rows].map((values) => csvLine(values) + eol).join('');
}
