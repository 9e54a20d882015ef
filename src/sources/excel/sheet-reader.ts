/**
 * Reads one sheet of an `.xlsx` workbook row by row with exceljs's streaming `WorkbookReader`
 * (never `Workbook.xlsx.readFile`, which holds the whole workbook in memory: ~1.2 GB for 100k rows).
 *
 * - The sheet is chosen by name: the one asked for (exact, else case- and space-insensitive), or
 *   the default name, which must be a visible sheet (a hidden sheet is read only when named).
 *   An unknown sheet is a ValidationError listing the sheets present.
 * - exceljs reads the workbook's parts from workbook-parts.ts's re-laid zip stream (relationships,
 *   workbook, shared strings, then the sheets: see there why). Shared strings are cached by exceljs
 *   (one copy per distinct string); styles are not read, so date cells arrive as Excel serial
 *   numbers (see cell-values.ts). Sheets that are not wanted are skipped without being parsed.
 * - The sheet's `<dimension ref="A1:J100001"/>` gives the last row for progress (read from the
 *   first bytes of the sheet as they stream past; undefined when the workbook omits it).
 * - Errors raised by exceljs or its zip and XML parsers (a damaged archive, malformed XML) become a
 *   ValidationError naming the file; errors in the caller's code are not touched. A damaged
 *   compressed entry makes unzipper emit 'error' on its parse stream while exceljs waits for that
 *   entry to end (forever): the reader listens on the stream its input is piped into and stops
 *   waiting as soon as it fails.
 */
import path from 'node:path';
import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { MigrationError, ValidationError } from '../../engine/errors.js';
import { openWorkbookArchive } from './workbook-file.js';
import { workbookPartsStream } from './workbook-parts.js';

/** A row as the streaming reader gives it (the part of exceljs's Row used here). */
export interface SheetRow {
  /** Sheet row number (1-based, as Excel shows it). */
  readonly number: number;
  /** The cell in column `col` (1-based), if the row has one. */
  findCell(col: number): { value: unknown } | undefined;
  /** Sparse array of cell values, index = column (1-based). */
  readonly values: unknown[];
}

/** A sheet of the workbook, as listed in `xl/workbook.xml`. */
export interface SheetInfo {
  name: string;
  hidden: boolean;
}

/** Options of {@link ExcelSheetReader}. */
export interface ExcelSheetReaderOptions {
  /** The sheet asked for by the operator; hidden sheets are read only when named here. */
  sheet?: string | undefined;
  /** The sheet read when none is asked for (must be visible). */
  defaultSheet: string;
}

/** exceljs's WorksheetReader, as far as this module uses it (its typings omit name and state). */
interface StreamingWorksheet {
  name: string;
  state?: string;
  iterator: AsyncIterable<Buffer | string> & { destroy?: () => void };
  /** The sheet's rows in batches (one batch per chunk of XML), as `{eventType: 'row', value}` events. */
  parse(): AsyncIterator<Array<{ eventType: string; value: unknown }>>;
}

interface StreamingWorkbook extends AsyncIterable<StreamingWorksheet> {
  model?: { sheets?: Array<{ name: string; state?: string }> };
  properties?: { model?: { date1904?: boolean } };
}

const DIMENSION = /<(?:\w+:)?dimension\s+ref="(?:[A-Z]+\d+:)?[A-Z]+(\d+)"/;
const DIMENSION_SEARCH_LIMIT = 64 * 1024;

/**
 * The first error of the input stream or of the stream it is piped into (exceljs pipes its input
 * into unzipper's parser, which reports damaged entries there), and a way to wait for a promise
 * unless that error comes first. (Not Promise.race with a promise that never settles: each race
 * would leave a reaction on it, one per row.)
 */
class InputFailure {
  private error: unknown;
  private rejectPending: ((error: unknown) => void) | undefined;

  constructor(input: Readable) {
    input.on('error', (error) => this.fail(error));
    const pipe = input.pipe.bind(input);
    input.pipe = (<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T => {
      destination.on('error', (error: unknown) => this.fail(error));
      return pipe(destination, options);
    }) as typeof input.pipe;
  }

  /** `promise`'s outcome, or a rejection with the input's error if it fails first. */
  async unless<T>(promise: Promise<T>): Promise<T> {
    if (this.error !== undefined) throw this.error;
    try {
      return await new Promise<T>((resolve, reject) => {
        this.rejectPending = reject;
        promise.then(resolve, reject);
      });
    } finally {
      this.rejectPending = undefined;
    }
  }

  private fail(error: unknown): void {
    this.error ??= error;
    this.rejectPending?.(error);
  }
}

/** Normalises a sheet name for a forgiving match. */
function sheetKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Streams the rows of one sheet of a workbook. */
export class ExcelSheetReader {
  /** The sheet being read (known once rows() or batches() has started). */
  sheetName: string | undefined;
  /** The sheet's last row according to its dimension, when the workbook records it. */
  lastRow: number | undefined;
  /** True when the workbook uses the 1904 date system (old Mac workbooks). */
  date1904 = false;
  /** The sheets of the workbook (known once the workbook part has been read). */
  sheets: SheetInfo[] = [];

  private readonly label: string;

  /** @param file an absolute path already checked against the data roots */
  constructor(readonly file: string, private readonly options: ExcelSheetReaderOptions) {
    this.label = path.basename(file);
  }

  /** Rows of the chosen sheet, in order. Throws ValidationError for a non-workbook or an unknown sheet. */
  async *rows(): AsyncGenerator<SheetRow> {
    for await (const batch of this.batches()) yield* batch;
  }

  /**
   * Rows of the chosen sheet in batches (all rows of one chunk of the sheet's XML, often hundreds):
   * one asynchronous step per batch instead of one per row. Same errors as {@link rows}.
   */
  async *batches(): AsyncGenerator<SheetRow[]> {
    const archive = await openWorkbookArchive(this.file);
    const input = workbookPartsStream(archive);
    const failure = new InputFailure(input);
    const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, {
      worksheets: 'emit',
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'ignore',
      entries: 'ignore',
    }) as unknown as StreamingWorkbook;
    let found = false;
    let hiddenDefault = false;
    try {
      for await (const worksheet of this.guard(workbook, failure)) {
        this.noteWorkbook(workbook);
        if (found || !this.wants(worksheet)) {
          if (!found && this.isHiddenDefault(worksheet)) hiddenDefault = true;
          worksheet.iterator.destroy?.();
          continue;
        }
        found = true;
        this.sheetName = worksheet.name;
        worksheet.iterator = this.sniffDimension(worksheet.iterator);
        const parser = worksheet.parse();
        for await (const events of this.guard({ [Symbol.asyncIterator]: () => parser }, failure)) {
          const rows: SheetRow[] = [];
          for (const event of events) if (event.eventType === 'row') rows.push(event.value as SheetRow);
          if (rows.length > 0) yield rows;
        }
      }
      this.noteWorkbook(workbook);
      if (workbook.model === undefined) {
        throw new ValidationError(`${this.label} is a zip archive but not an Excel workbook (it has no xl/workbook.xml).`, {
          action: 'Pass the .xlsx order report (an .xlsm, .docx or other zip file is not one), then run again.',
          details: { file: this.label },
        });
      }
      if (!found) throw this.unknownSheet(hiddenDefault);
    } finally {
      input.destroy();
    }
  }

  private noteWorkbook(workbook: StreamingWorkbook): void {
    if (workbook.model?.sheets && this.sheets.length === 0) {
      this.sheets = workbook.model.sheets.map((sheet) => ({ name: sheet.name, hidden: (sheet.state ?? 'visible') !== 'visible' }));
    }
    this.date1904 = workbook.properties?.model?.date1904 === true;
  }

  private wants(worksheet: StreamingWorksheet): boolean {
    const requested = this.options.sheet;
    if (requested !== undefined) {
      if (worksheet.name === requested) return true;
      const exact = this.sheets.some((sheet) => sheet.name === requested);
      return !exact && sheetKey(worksheet.name) === sheetKey(requested);
    }
    const visible = (worksheet.state ?? 'visible') === 'visible';
    return visible && sheetKey(worksheet.name) === sheetKey(this.options.defaultSheet);
  }

  private isHiddenDefault(worksheet: StreamingWorksheet): boolean {
    return this.options.sheet === undefined && sheetKey(worksheet.name) === sheetKey(this.options.defaultSheet);
  }

  private unknownSheet(hiddenDefault: boolean): ValidationError {
    const listed = this.sheets.map((sheet) => `'${sheet.name}'${sheet.hidden ? ' (hidden)' : ''}`).join(', ') || '(none)';
    const asked = this.options.sheet ?? this.options.defaultSheet;
    if (hiddenDefault) {
      return new ValidationError(`${this.label}: the sheet '${asked}' is hidden, so it is not read by default. Sheets: ${listed}.`, {
        action: `Pass sheet: "${asked}" to read the hidden sheet anyway, or name the visible sheet that holds the order report.`,
        details: { file: this.label, sheet: asked, sheets: this.sheets },
      });
    }
    return new ValidationError(`${this.label} has no sheet named '${asked}'. Sheets: ${listed}.`, {
      action: 'Pass the name of the sheet that holds the order report as sheet, then run again.',
      details: { file: this.label, sheet: asked, sheets: this.sheets },
    });
  }

  /** Re-throws errors from exceljs (zip, XML, input stream) as a ValidationError naming the file. */
  private async *guard<T>(source: AsyncIterable<T>, failure: InputFailure): AsyncGenerator<T> {
    const iterator = source[Symbol.asyncIterator]();
    for (;;) {
      let step: IteratorResult<T>;
      try {
        step = await failure.unless(iterator.next());
      } catch (error) {
        throw error instanceof MigrationError ? error : this.unreadable(error);
      }
      if (step.done) return;
      yield step.value;
    }
  }

  private unreadable(error: unknown): ValidationError {
    const reason = error instanceof Error ? error.message : String(error);
    return new ValidationError(`${this.label} cannot be read as an Excel workbook: ${reason}.`, {
      action: 'The file is damaged or not an .xlsx workbook: open it in Excel, save it as .xlsx again, and run again.',
      details: { file: this.label, reason },
      cause: error,
    });
  }

  /** Passes the sheet's XML through, noting the last row of its `<dimension>` on the way. */
  private sniffDimension(source: StreamingWorksheet['iterator']): StreamingWorksheet['iterator'] {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const reader = this;
    async function* sniff(): AsyncGenerator<Buffer | string> {
      let head = '';
      let searching = true;
      for await (const chunk of source) {
        if (searching) {
          head += typeof chunk === 'string' ? chunk : chunk.toString('latin1');
          const match = DIMENSION.exec(head);
          if (match) reader.lastRow = Number(match[1]);
          if (match || head.length > DIMENSION_SEARCH_LIMIT || head.includes('<sheetData')) searching = false;
          if (!searching) head = '';
        }
        yield chunk;
      }
    }
    return sniff();
  }
}
