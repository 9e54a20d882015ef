/**
 * Reads a WPR order report (one row per order line) into {@link WprLine}s: the sheet is streamed,
 * the header row is found by content through `wpr_columns.json`, every data row becomes a line or
 * a reject, and a later row repeating a `WPR Line Key` (`<Order ID>-<Line Item>`) is rejected as a
 * duplicate naming the first row. Empty rows (trailing formatted rows included) are skipped.
 *
 * A row is rejected — with its sheet, row number, reason and raw cells — when it has no Order ID or
 * no Line Item, when a date, quantity or price cannot be read, or when a cell holds an error or a
 * formula without a calculated value. The read goes on; only the file itself can stop it (not a
 * workbook, unknown sheet, no header row: ValidationErrors raised before the first line).
 */
import path from 'node:path';
import { ConfigError, throwIfCancelled } from '../../../engine/errors.js';
import type { WprColumn, WprColumns } from '../../../config/wpr-columns.js';
import { csvLine } from '../../../outputs/csv-writer.js';
import { buildAliasIndex, type CsvColumnSpec } from '../../../sources/csv/header.js';
import { CellProblem, ExcelSheetReader, cellDate, cellNumber, cellText, findHeaderRow, resolveCell, rowTexts, type CellScalar, type SheetHeader, type SheetRow } from '../../../sources/excel/index.js';
import type { WprLine, WprValue } from '../../../stores/batch-store.js';
import { DuplicateIndex } from '../../../transform/duplicate-index.js';
import { INVALID } from '../../../transform/parse-values.js';

/** The sheet read when none is named (DESIGN §5). */
export const DEFAULT_WPR_SHEET = 'WP_Overall_Order_Report';

/** A rejected row (the columns of the WPR rejects file). */
export interface WprReject {
  file: string;
  sheet: string;
  row: number;
  reason: string;
  raw: string;
}

/** Options of {@link WprOrderReport}. */
export interface WprOrderReportOptions {
  /** Absolute path of the workbook (already checked against the data roots). */
  file: string;
  /** Sheet name; default {@link DEFAULT_WPR_SHEET}. */
  sheet?: string | undefined;
  columns: WprColumns;
  signal?: AbortSignal | undefined;
  /** Called for every rejected row. */
  onReject: (reject: WprReject) => void;
  /** Called once the header is found (`lastRow` from the sheet's dimension, when recorded). */
  onHeader?: (info: { sheet: string; headerRow: number; lastRow: number | undefined; unknown: string[]; absent: string[] }) => void;
  /** Called every `progressEvery` rows with the sheet row reached. */
  onProgress?: (row: number) => void;
  /** @default 1000 */
  progressEvery?: number;
}

const CORE = new Set(['order_id', 'line_item', 'product']);

/** One configured column as read from this sheet. */
interface FieldReader {
  field: string;
  column: WprColumn;
  /** Sheet column (1-based), or undefined when the sheet lacks this optional column. */
  col: number | undefined;
  /** The header as written in the sheet, for reasons. */
  header: string;
}

/** The lines of one order report, streamed; counts are final once `lines()` has finished. */
export class WprOrderReport {
  /** Non-empty data rows read (lines + rejects). */
  rowsRead = 0;
  /** Lines produced. */
  lineCount = 0;
  /** Rows rejected. */
  rejected = 0;
  /** The sheet read (known once lines() has started). */
  sheet: string | undefined;
  /** Distinct order ids among the lines produced. */
  readonly orders = new Set<string>();

  private readonly reader: ExcelSheetReader;
  private readonly fileName: string;

  constructor(private readonly options: WprOrderReportOptions) {
    this.reader = new ExcelSheetReader(options.file, { sheet: options.sheet, defaultSheet: DEFAULT_WPR_SHEET });
    this.fileName = path.basename(options.file);
  }

  /** The lines, in sheet order. Throws ValidationError before the first line when the file cannot be read. */
  async *lines(): AsyncGenerator<WprLine> {
    const { signal, onProgress } = this.options;
    const every = this.options.progressEvery ?? 1000;
    const rows = this.reader.rows();
    try {
      const header = await findHeaderRow(rows, columnSpec(this.options.columns), {
        label: `${this.fileName} sheet '${this.sheetLabel()}'`,
        aliasSource: 'config/wpr_columns.json',
        aliasIndex: aliasIndexOf(this.options.columns),
      });
      this.sheet = this.reader.sheetName ?? this.sheetLabel();
      const fields = fieldReaders(this.options.columns, header);
      this.options.onHeader?.({ sheet: this.sheet, headerRow: header.row, lastRow: this.reader.lastRow, unknown: header.unknown, absent: header.absent });
      const duplicates = new DuplicateIndex();
      for (;;) {
        const step = await rows.next();
        if (step.done) break;
        const row = step.value;
        const line = this.readRow(row, fields, duplicates);
        if (line !== undefined) {
          this.lineCount++;
          this.orders.add(line.order_id);
          yield line;
        }
        if (row.number % every === 0) {
          onProgress?.(row.number);
          throwIfCancelled(signal);
        }
      }
      onProgress?.(this.reader.lastRow ?? 0);
    } finally {
      await rows.return(undefined);
    }
  }

  private sheetLabel(): string {
    return this.reader.sheetName ?? this.options.sheet ?? DEFAULT_WPR_SHEET;
  }

  /** One data row → a line, a reject (returns undefined) or nothing (an empty row). */
  private readRow(row: SheetRow, fields: FieldReader[], duplicates: DuplicateIndex): WprLine | undefined {
    const values: Record<string, WprValue> = {};
    const problems: string[] = [];
    const unreadable = new Set<string>();
    let empty = true;
    for (const reader of fields) {
      const raw = reader.col === undefined ? null : row.findCell(reader.col)?.value;
      const resolved = resolveCell(raw);
      if (resolved instanceof CellProblem) {
        empty = false;
        problems.push(`${reader.header}: ${resolved.reason}`);
        unreadable.add(reader.field);
        values[reader.field] = null;
        continue;
      }
      const value = convert(resolved, reader.column, this.reader.date1904);
      if (value !== null) empty = false;
      if (value === INVALID) {
        problems.push(invalidReason(reader, resolved));
        unreadable.add(reader.field);
        values[reader.field] = null;
      } else values[reader.field] = value;
    }
    if (empty) return undefined;
    this.rowsRead++;
    const orderId = values.order_id as string | null;
    const lineItem = values.line_item as string | null;
    if (lineItem === null && !unreadable.has('line_item')) problems.unshift(`no ${fieldHeader(fields, 'line_item')}`);
    if (orderId === null && !unreadable.has('order_id')) problems.unshift(`no ${fieldHeader(fields, 'order_id')}`);
    if (problems.length === 0) {
      const lineKey = `${orderId}-${lineItem}`;
      if (duplicates.check(lineKey, 0, row.number) !== 'new') {
        problems.push(`duplicate WPR Line Key '${lineKey}' (first at row ${duplicates.firstLine})`);
      } else {
        const { order_id: _o, line_item: _l, product, ...rest } = values;
        return {
          line_key: lineKey,
          order_id: orderId!,
          line_item: lineItem!,
          product: (product as string | null) ?? '',
          fields: rest,
          source: { file: this.fileName, sheet: this.sheet!, row: row.number },
        };
      }
    }
    this.rejected++;
    this.options.onReject({ file: this.fileName, sheet: this.sheet!, row: row.number, reason: problems.join('; '), raw: this.rawText(row, fields) });
    return undefined;
  }

  /** The row's cells as one CSV line, serial dates in date columns shown as dates. */
  private rawText(row: SheetRow, fields: FieldReader[]): string {
    const texts = rowTexts(row);
    for (const reader of fields) {
      if (reader.col === undefined || reader.column.type !== 'date') continue;
      const value = row.findCell(reader.col)?.value;
      if (typeof value !== 'number') continue;
      const date = cellDate(value, this.reader.date1904);
      if (typeof date === 'string') texts[reader.col - 1] = date;
    }
    return csvLine(texts, { neutralise: false });
  }
}

/** A resolved cell as the column's type: text, ISO date, number; null when empty; INVALID when unreadable. */
function convert(value: CellScalar, column: WprColumn, date1904: boolean): WprValue | typeof INVALID {
  switch (column.type ?? 'text') {
    case 'date':
      return cellDate(value, date1904);
    case 'number':
      return cellNumber(value);
    case 'money':
      return cellNumber(value, true);
    default:
      return cellText(value);
  }
}

function invalidReason(reader: FieldReader, value: unknown): string {
  const shown = value instanceof Date ? value.toISOString() : String(value);
  const expected: Record<string, string> = {
    date: 'a date (a real date, M/D/YYYY or YYYY-MM-DD)',
    number: 'a number',
    money: 'an amount',
  };
  return `${reader.header} '${shown}' is not ${expected[reader.column.type ?? 'text'] ?? 'readable'}`;
}

function fieldHeader(fields: FieldReader[], field: string): string {
  return fields.find((reader) => reader.field === field)?.header ?? field;
}

/** The column map as the header matcher's spec (canonical field → aliases, required fields). */
export function columnSpec(columns: WprColumns): CsvColumnSpec<string> {
  const aliases: Record<string, string[]> = {};
  for (const [field, column] of Object.entries(columns)) aliases[field] = column.headers;
  const required = Object.entries(columns).filter(([field, column]) => column.required === true || CORE.has(field)).map(([field]) => field);
  return { aliases, required };
}

/** The alias index of the column map; an alias claimed by two fields is a configuration error. */
function aliasIndexOf(columns: WprColumns): Map<string, string> {
  try {
    return buildAliasIndex(columnSpec(columns));
  } catch (error) {
    throw new ConfigError(`config/wpr_columns.json: ${(error as Error).message}`, {
      action: 'Give each Excel header to one canonical field only in wpr_columns.json, then run again.',
    });
  }
}

function fieldReaders(columns: WprColumns, header: SheetHeader<string>): FieldReader[] {
  return Object.entries(columns).map(([field, column]) => {
    const col = header.columns[field];
    return { field, column, col, header: col === undefined ? (column.headers[0] ?? field) : (header.headers[col - 1] ?? field) };
  });
}
