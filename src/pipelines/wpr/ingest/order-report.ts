/**
 * Reads a WPR order report (one row per order line) into {@link WprLine}s: the sheet is streamed
 * in batches of rows, the header row is found by content through `wpr_columns.json`, and every
 * data row becomes a line, a reject or nothing (empty rows, trailing formatted rows included; see
 * order-line.ts for what is rejected and why).
 *
 * Only the file itself can stop the read — not a workbook, unknown sheet, no header row,
 * duplicated header: ValidationErrors raised before the first line — or a cancellation.
 */
import path from 'node:path';
import { ConfigError, throwIfCancelled } from '../../../engine/errors.js';
import type { WprColumns } from '../../../config/wpr-columns.js';
import { buildAliasIndex, type CsvColumnSpec } from '../../../sources/csv/header.js';
import { ExcelSheetReader, findHeaderRow, type SheetRow } from '../../../sources/excel/index.js';
import type { WprLine } from '../../../stores/batch-store.js';
import { OrderLineReader } from './order-line.js';

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

/** What the header search found. */
export interface WprHeaderInfo {
  sheet: string;
  headerRow: number;
  /** The sheet's last row from its dimension, when the workbook records it (for progress). */
  lastRow: number | undefined;
  /** Headers that match no configured column (ignored). */
  unknown: string[];
  /** Optional configured columns the sheet lacks (read as empty). */
  absent: string[];
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
  /** Called once the header is found. */
  onHeader?: (info: WprHeaderInfo) => void;
  /** Called after each batch of rows with the sheet row reached. */
  onProgress?: (row: number) => void;
  /** Awaited after each batch of rows (e.g. to flush the rejects file). */
  afterBatch?: () => Promise<void>;
}

const CORE = new Set(['order_id', 'line_item', 'product']);

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
    const batches = this.reader.batches();
    let batch: SheetRow[] = [];
    let at = 0;
    const rows: AsyncIterator<SheetRow> = {
      next: async () => {
        while (at >= batch.length) {
          const step = await batches.next();
          if (step.done) return { done: true, value: undefined };
          batch = step.value;
          at = 0;
        }
        return { done: false, value: batch[at++]! };
      },
    };
    try {
      const header = await findHeaderRow(rows, columnSpec(this.options.columns), {
        label: `${this.fileName} sheet '${this.reader.sheetName ?? this.options.sheet ?? DEFAULT_WPR_SHEET}'`,
        aliasSource: 'config/wpr_columns.json',
        aliasIndex: aliasIndexOf(this.options.columns),
      });
      const sheet = (this.sheet = this.reader.sheetName ?? this.options.sheet ?? DEFAULT_WPR_SHEET);
      const lineReader = new OrderLineReader(this.options.columns, header, { file: this.fileName, sheet }, this.reader.date1904, this.reader.lastRow);
      this.options.onHeader?.({ sheet, headerRow: header.row, lastRow: this.reader.lastRow, unknown: header.unknown, absent: header.absent });
      for (;;) {
        for (; at < batch.length; at++) {
          const row = batch[at]!;
          const outcome = lineReader.read(row);
          if (outcome === undefined) continue;
          this.rowsRead++;
          if (typeof outcome === 'string') {
            this.rejected++;
            this.options.onReject({ file: this.fileName, sheet, row: row.number, reason: outcome, raw: lineReader.rawText(row) });
            continue;
          }
          this.lineCount++;
          this.orders.add(outcome.order_id);
          yield outcome;
        }
        if (batch.length > 0) onProgress?.(batch[batch.length - 1]!.number);
        throwIfCancelled(signal);
        await this.options.afterBatch?.();
        const step = await batches.next();
        if (step.done) break;
        batch = step.value;
        at = 0;
      }
    } finally {
      await batches.return(undefined);
    }
  }
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
