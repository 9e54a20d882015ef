/**
 * The streaming CSV reader: csv-parse (streaming API) over a file read in chunks, never the whole
 * file in memory. It yields records keyed by canonical field (see header.ts), each with the
 * physical line where it starts, its values and a fingerprint for duplicate detection (its raw
 * text is re-serialised on demand), and turns bad rows into error rows instead of throwing, so one
 * broken line never stops a migration.
 *
 * Handled here: a UTF-8 (or UTF-16 LE) byte order mark, CRLF / LF / CR line ends, quoted values
 * spanning lines (line numbers stay exact: the reader counts lines itself, because csv-parse's
 * `info.lines` counts a quoted CRLF twice), blank lines anywhere, stray spaces around values and
 * headers, ragged rows (wrong number of values), bytes that are not UTF-8 (that row only), and an
 * unbalanced quote (reported once; the rest of the file cannot be read reliably, and memory stays
 * bounded by `maxRecordSize`).
 *
 * Performance: parsing (cells.ts) runs in a worker thread for big files (worker-cells.ts), so
 * csv-parse and the caller's work overlap. That hides the caller's cost in wall time only when a
 * second core is free; in CPU seconds (what `npm run bench:ppak` reports for the whole PPak ETL)
 * csv-parse in the worker costs about what a plain csv-parse pass costs, and everything else — the
 * hand-off, this reader, the transform and the output — must stay below that. So: csv-parse's
 * `raw`, `info` and `max_record_size` options cost it a check or a copy per byte, so they are off,
 * and the reader counts lines, detects U+FFFD and fingerprints each row in one pass over its values
 * instead; the worker posts a batch as one string plus row widths (one join and one split per
 * batch); rows come in batches (one per 64 KiB of file) so the per-row cost stays a plain loop;
 * `rows()` gives them one by one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseCells, type CellStop } from './cells.js';
import { buildAliasIndex, matchHeader, type CsvColumnSpec, type CsvHeaderInfo } from './header.js';
import { formatCsvRow, isBlankRecord, truncate, unwrapSpacedQuotes } from './text.js';
import { parseCellsInWorker } from './worker-cells.js';

/** A record read from the file. */
export class CsvRecordRow<F extends string = string> {
  readonly ok = true as const;

  constructor(
    /** Canonical field → trimmed value ('' when empty or when the file has no such column). */
    readonly record: Record<F, string>,
    /** Physical line where the record starts (header = line 1; a BOM does not count). */
    readonly line: number,
    /** Every value of the row as parsed (untrimmed), in file order. */
    readonly cells: readonly string[],
    /** A 32-bit hash of the values (with their separators): equal rows have equal fingerprints. */
    readonly fingerprint: number,
  ) {}

  /** The record as CSV text, re-serialised from its values (quoting normalised), without line end. */
  get raw(): string {
    return formatCsvRow(this.cells);
  }
}

/** A row that could not be read as a record; the reader goes on with the next one (unless `stopped`). */
export interface CsvErrorRow {
  ok: false;
  line: number;
  raw: string;
  /** Why, in words an operator can act on. */
  reason: string;
}

export type CsvRow<F extends string = string> = CsvRecordRow<F> | CsvErrorRow;

export interface CsvReaderOptions<F extends string> {
  /** Which columns to read and which must exist. */
  columns: CsvColumnSpec<F>;
  /** Name used in messages. @default the file's base name */
  label?: string;
  /** Where an operator adds header aliases, for messages. @default 'the column map' */
  aliasSource?: string;
  /** Checked between chunks: an aborted signal stops the read with a CancelledError. */
  signal?: AbortSignal;
  /** Bytes parsed per batch of rows. @default 65536 */
  chunkSize?: number;
  /**
   * A record still open after this many bytes is skipped to its line end and reported (outside
   * quotes), or ends the read (inside an unbalanced quote). @default 1 MiB (MIGRATION_MAX_RECORD_BYTES)
   */
  maxRecordSize?: number;
  /**
   * Parse in a worker thread (csv-parse on another core while the caller works on the rows).
   * @default 'auto': for files of 8 MiB or more
   */
  worker?: boolean | 'auto';
}

/** Files at least this big are parsed in a worker thread by default. */
export const WORKER_THRESHOLD = 8 << 20;
const FNV_PRIME = 0x01000193;

/** Results of {@link scanCells}, kept in module variables so the per-row scan allocates nothing. */
let scannedHash = 0;
let scannedBreaks = 0;
let scannedInvalid = false;

/**
 * One pass over a row's values: a 32-bit FNV-1a fingerprint, the line breaks inside quoted values
 * (`\r\n`, `\n` and a lone `\r` each count once) and whether a U+FFFD shows bytes that were not UTF-8.
 */
function scanCells(cells: readonly string[]): void {
  let hash = 0x811c9dc5 ^ cells.length;
  let breaks = 0;
  let invalid = false;
  for (let c = 0; c < cells.length; c++) {
    const value = cells[c]!;
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      hash = Math.imul(hash ^ code, FNV_PRIME);
      if (code <= 13) {
        if (code === 10 || (code === 13 && value.charCodeAt(i + 1) !== 10)) breaks++;
      } else if (code === 0xfffd) invalid = true;
    }
    hash = Math.imul(hash ^ 0x1f, FNV_PRIME);
  }
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x27d4eb2d);
  scannedHash = (hash ^ (hash >>> 13)) | 0;
  scannedBreaks = breaks;
  scannedInvalid = invalid;
}

/** Reads one CSV file. Create one reader per pass over a file. */
export class CsvReader<F extends string = string> {
  /** The matched header, once the first non-blank row has been read; undefined for an empty file. */
  header: CsvHeaderInfo<F> | undefined;
  /** Blank lines (or rows of bare commas) skipped. */
  blankLines = 0;
  /** True when the read stopped early because the rest of the file could not be parsed. */
  stopped = false;

  private readonly label: string;
  private readonly aliasIndex: Map<string, F>;
  private nextLine = 1;
  private fields: F[] = [];
  private indexes: number[] = [];
  private width = 0;

  constructor(readonly file: string, private readonly options: CsvReaderOptions<F>) {
    this.label = options.label ?? path.basename(file);
    this.aliasIndex = buildAliasIndex(options.columns);
  }

  /** Rows in batches (one per chunk of the file). Throws ValidationError for a bad header. */
  async *batches(): AsyncGenerator<CsvRow<F>[], void, undefined> {
    const options = {
      chunkSize: this.options.chunkSize ?? 1 << 16,
      maxRecordSize: this.options.maxRecordSize ?? 1 << 20,
      signal: this.options.signal,
    };
    const mode = this.options.worker ?? 'auto';
    const inWorker = mode === 'auto' ? fs.statSync(this.file).size >= WORKER_THRESHOLD : mode;
    const source = inWorker ? parseCellsInWorker(this.file, options) : parseCells(this.file, options);
    for await (const batch of source) {
      const out: CsvRow<F>[] = [];
      const rows = batch.rows;
      for (let i = 0; i < rows.length; i++) this.accept(rows[i]!, out);
      if (batch.oversized !== undefined) this.skipOversized(batch.oversized, options.maxRecordSize, out);
      if (batch.stop !== undefined) this.stop(batch.stop, out);
      if (out.length > 0) yield out;
      if (this.stopped) return;
    }
  }

  /** Rows one at a time. */
  async *rows(): AsyncGenerator<CsvRow<F>, void, undefined> {
    for await (const batch of this.batches()) yield* batch;
  }

  /** Ends the read with an error row saying why the rest of the file cannot be read. */
  private stop(stop: CellStop, out: CsvRow<F>[]): void {
    const reason =
      stop.kind === 'open-quote'
        ? `a quoted value starting on this line is never closed (an unbalanced '"'); the rest of ${this.label} from this line on could not be read. Fix the quote and re-export the file`
        : `this row cannot be parsed as CSV (${stop.message}); the rest of ${this.label} from this line on was not read`;
    out.push({ ok: false, line: this.nextLine, raw: '', reason });
    this.stopped = true;
  }

  /** Reports a record that was skipped for its size; reading goes on with the next line. */
  private skipOversized(bytes: number, limit: number, out: CsvRow<F>[]): void {
    const line = this.nextLine;
    this.nextLine = line + 1;
    const mib = (n: number) => `${(n / (1 << 20)).toFixed(1)} MiB`;
    out.push({
      ok: false,
      line,
      raw: '',
      reason: `this record is ${mib(bytes)} long, over the limit of ${mib(limit)} per record (MIGRATION_MAX_RECORD_BYTES), so it was skipped: a value runs on without a line break or a closing delimiter — fix the file, or raise the limit if such records are expected`,
    });
  }

  /** Classifies one parsed record: blank, header, error row or record. */
  private accept(cells: string[], out: CsvRow<F>[]): void {
    const line = this.nextLine;
    scanCells(cells);
    this.nextLine = line + 1 + scannedBreaks;
    if (isBlankRecord(cells)) {
      this.blankLines++;
      return;
    }
    if (this.header === undefined) {
      this.setHeader(cells, line);
      return;
    }
    if (scannedInvalid) {
      out.push({
        ok: false,
        line,
        raw: truncate(formatCsvRow(cells)),
        reason: `this row contains bytes that are not valid UTF-8 (${this.label} is not a UTF-8 file, e.g. Windows-1252 accents); re-export the file as UTF-8`,
      });
      return;
    }
    const count = cells.length;
    if (count !== this.width && !this.onlyEmptyExtras(cells)) {
      const hint =
        count < this.width
          ? 'a value or comma is missing, or a line break sits inside an unquoted value'
          : 'a value probably contains an unquoted comma';
      out.push({
        ok: false,
        line,
        raw: truncate(formatCsvRow(cells)),
        reason: `this row has ${count} values but the header has ${this.width} columns (${hint})`,
      });
      return;
    }
    const record = {} as Record<F, string>;
    const fields = this.fields;
    const indexes = this.indexes;
    for (let i = 0; i < fields.length; i++) {
      const index = indexes[i]!;
      if (index < 0) record[fields[i]!] = '';
      else {
        const value = cells[index]!;
        record[fields[i]!] = (value.charCodeAt(0) === 34 ? unwrapSpacedQuotes(value) : value).trim();
      }
    }
    out.push(new CsvRecordRow(record, line, cells, scannedHash));
  }

  /** True when a row is longer than the header only by trailing empty values (a common export quirk). */
  private onlyEmptyExtras(cells: readonly string[]): boolean {
    if (cells.length < this.width) return false;
    for (let i = this.width; i < cells.length; i++) if (cells[i]!.trim() !== '') return false;
    return true;
  }

  private setHeader(cells: string[], line: number): void {
    const header = matchHeader(cells, this.options.columns, {
      label: this.label,
      line,
      aliasSource: this.options.aliasSource,
      aliasIndex: this.aliasIndex,
    });
    this.header = header;
    this.width = cells.length;
    this.fields = Object.keys(this.options.columns.aliases) as F[];
    this.indexes = this.fields.map((field) => header.columnOf[field] ?? -1);
  }
}

/** Reads a CSV file row by row (see {@link CsvReader}). */
export function readCsv<F extends string>(file: string, options: CsvReaderOptions<F>): AsyncGenerator<CsvRow<F>, void, undefined> {
  return new CsvReader(file, options).rows();
}
