/**
 * One data row of a WPR order report → a {@link WprLine}, a reject reason, or nothing (an empty
 * row). The columns of `wpr_columns.json` are resolved against the sheet's header once; each row
 * then costs one pass over the configured columns (this runs for every row of 100k-line reports,
 * so no per-row closures, sets or spreads on the common path).
 *
 * Reasons name the sheet's own header: `no Order ID`, `Quantity 'ten' is not a number`,
 * `Order Date '13/45/2024' is not a date (…)`, `Description: the cell holds the error #N/A`,
 * `duplicate WPR Line Key 'WPO1-1' (first at row 5)`; several are joined with `; `.
 */
import type { WprColumns } from '../../../config/wpr-columns.js';
import { csvLine } from '../../../outputs/csv-writer.js';
import { CellProblem, cellDate, cellNumber, cellText, resolveCell, rowTexts, type SheetHeader, type SheetRow } from '../../../sources/excel/index.js';
import type { WprLine, WprValue } from '../../../stores/batch-store.js';
import { DuplicateIndex } from '../../../transform/duplicate-index.js';
import { INVALID } from '../../../transform/parse-values.js';

const TEXT = 0;
const DATE = 1;
const NUMBER = 2;
const MONEY = 3;
const KINDS = { text: TEXT, date: DATE, number: NUMBER, money: MONEY } as const;
const EXPECTED = ['text', 'a date (a real date, M/D/YYYY or YYYY-MM-DD)', 'a number', 'an amount'];

/** Where a column's value goes in the line. */
const Slot = { Field: 0, OrderId: 1, LineItem: 2, Product: 3 } as const;
type Slot = (typeof Slot)[keyof typeof Slot];

interface ColumnReader {
  field: string;
  kind: number;
  slot: Slot;
  /** Sheet column (1-based); 0 when the sheet lacks this optional column. */
  col: number;
  /** The header as written in the sheet (or the first alias), for reasons. */
  header: string;
}

/** Reads rows of one sheet whose header has been found. */
export class OrderLineReader {
  private readonly readers: ColumnReader[];
  private readonly duplicates: DuplicateIndex;

  /** @param expectedRows the sheet's last row when known (sizes the duplicate index once) */
  constructor(
    columns: WprColumns,
    header: SheetHeader<string>,
    private readonly source: { file: string; sheet: string },
    private readonly date1904: boolean,
    expectedRows = 1024,
  ) {
    this.duplicates = new DuplicateIndex(Math.min(Math.max(expectedRows, 1024), 1 << 22) * 2);
    // Fields in name order: the line's `fields` object then has its keys sorted, which is what the
    // store's canonical JSON wants (and JSON.stringify's fast path gives).
    const byName = Object.entries(columns).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.readers = byName.map(([field, column]) => {
      const col = header.columns[field] ?? 0;
      const slot = field === 'order_id' ? Slot.OrderId : field === 'line_item' ? Slot.LineItem : field === 'product' ? Slot.Product : Slot.Field;
      return { field, kind: KINDS[column.type ?? 'text'], slot, col, header: col === 0 ? (column.headers[0] ?? field) : (header.headers[col - 1] ?? field) };
    });
  }

  /** The row as a line, or the reason it is rejected, or undefined when it is empty. */
  read(row: SheetRow): WprLine | string | undefined {
    const fields: Record<string, WprValue> = {};
    let orderId: string | null = null;
    let lineItem: string | null = null;
    let product: string | null = null;
    let problems: string[] | undefined;
    let unreadableKey = false;
    let empty = true;
    const readers = this.readers;
    for (let i = 0; i < readers.length; i++) {
      const reader = readers[i]!;
      const raw = reader.col === 0 ? undefined : row.findCell(reader.col)?.value;
      let value: WprValue | typeof INVALID = null;
      if (raw !== undefined && raw !== null) {
        const resolved = resolveCell(raw);
        if (resolved instanceof CellProblem) {
          (problems ??= []).push(`${reader.header}: ${resolved.reason}`);
          if (reader.slot === Slot.OrderId || reader.slot === Slot.LineItem) unreadableKey = true;
          empty = false;
        } else {
          value = reader.kind === TEXT ? cellText(resolved) : reader.kind === DATE ? cellDate(resolved, this.date1904) : cellNumber(resolved, reader.kind === MONEY);
          if (value === INVALID) {
            const shown = resolved instanceof Date ? resolved.toISOString() : String(resolved);
            (problems ??= []).push(`${reader.header} '${shown}' is not ${EXPECTED[reader.kind]}`);
            if (reader.slot === Slot.OrderId || reader.slot === Slot.LineItem) unreadableKey = true;
            value = null;
            empty = false;
          } else if (value !== null) empty = false;
        }
      }
      if (reader.slot === Slot.Field) fields[reader.field] = value;
      else if (reader.slot === Slot.OrderId) orderId = value as string | null;
      else if (reader.slot === Slot.LineItem) lineItem = value as string | null;
      else product = value as string | null;
    }
    if (empty) return undefined;
    if (!unreadableKey && (orderId === null || lineItem === null)) {
      const missing = [orderId === null ? `no ${this.headerOf(Slot.OrderId)}` : '', lineItem === null ? `no ${this.headerOf(Slot.LineItem)}` : ''].filter(Boolean);
      problems = [...missing, ...(problems ?? [])];
    }
    if (problems !== undefined) return problems.join('; ');
    const lineKey = `${orderId}-${lineItem}`;
    if (this.duplicates.check(lineKey, 0, row.number) !== 'new') {
      return `duplicate WPR Line Key '${lineKey}' (first at row ${this.duplicates.firstLine})`;
    }
    return {
      line_key: lineKey,
      order_id: orderId!,
      line_item: lineItem!,
      product: product ?? '',
      fields,
      source: { file: this.source.file, sheet: this.source.sheet, row: row.number },
    };
  }

  /** The row's cells as one CSV line (for the rejects file), serial dates in date columns shown as dates. */
  rawText(row: SheetRow): string {
    const texts = rowTexts(row);
    for (const reader of this.readers) {
      if (reader.col === 0 || reader.kind !== DATE) continue;
      const value = row.findCell(reader.col)?.value;
      if (typeof value !== 'number') continue;
      const date = cellDate(value, this.date1904);
      if (typeof date === 'string') texts[reader.col - 1] = date;
    }
    return csvLine(texts, { neutralise: false });
  }

  private headerOf(slot: Slot): string {
    return this.readers.find((reader) => reader.slot === slot)?.header ?? '';
  }
}
