/**
 * The parsing stage of the CSV reader: csv-parse over a file read in 1 MiB chunks and fed in
 * slices, giving batches of rows (values as csv-parse returns them). Everything after this stage
 * (header, lines, blank/ragged rows, records) lives in reader.ts and is shared by both ways of
 * running it: here in the calling thread, or in a worker thread (worker-cells.ts) for big files.
 *
 * csv-parse runs with `skip_records_with_error`, so a broken record is a `skip` event instead of
 * a thrown error; the only ones our options leave possible mean the rest of the file cannot be
 * read (an unbalanced quote), so a skip ends the read with a `stop`. A record still open after
 * `maxRecordSize` bytes is skipped to its line end (`oversized`) when it is outside quotes, and ends
 * the read when it is inside an unbalanced quote; either way memory stays bounded. The slice-by-slice
 * core is cell-stream.cjs, shared with the worker.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { CsvError, Options } from 'csv-parse';
import { throwIfCancelled } from '../../engine/errors.js';

/** csv-parse options of the reader (shared with the worker). `raw`, `info` and `max_record_size` stay off: each costs a check or copy per byte. */
export const PARSE_OPTIONS: Options = {
  bom: true,
  ltrim: true,
  relax_quotes: true,
  relax_column_count: true,
  skip_records_with_error: true,
  skip_empty_lines: false,
  // Every record ends at CRLF, LF or CR, whatever the first line used: exports mixing them are common.
  record_delimiter: ['\r\n', '\n', '\r'],
};

/** Bytes read from the file at a time (then parsed in `chunkSize` slices). */
export const READ_SIZE = 1 << 20;

/** Why the rest of a file cannot be read. */
export interface CellStop {
  kind: 'open-quote' | 'unparseable';
  message: string;
}

/** Rows parsed from one slice of the file. */
export interface CellBatch {
  rows: string[][];
  /** Set on the last batch when the rest of the file cannot be read. */
  stop?: CellStop;
  /** Set when, after `rows`, a record longer than `maxRecordSize` was skipped: its size in bytes. */
  oversized?: number;
}

/** The parsing core shared with the worker (cell-stream.cjs). */
interface CellStream {
  write(slice: Buffer): CellBatch[];
  end(): Promise<CellBatch[]>;
  destroy(): void;
}

const cellStream = createRequire(import.meta.url)('./cell-stream.cjs') as {
  createCellStream(options: { options: Options; maxRecordSize: number }): CellStream;
  stopOf(error: Pick<CsvError, 'code' | 'message'>): CellStop;
};

export interface CellSourceOptions {
  /** Bytes parsed per batch. */
  chunkSize: number;
  /** A record still open after this many bytes is taken for an unbalanced quote. */
  maxRecordSize: number;
  signal?: AbortSignal;
}

/** The stop a csv-parse skip event means. */
export const stopOf: (error: Pick<CsvError, 'code' | 'message'>) => CellStop = cellStream.stopOf;

/** Parses a file in the calling thread. */
export async function* parseCells(file: string, options: CellSourceOptions): AsyncGenerator<CellBatch, void, undefined> {
  const input = fs.createReadStream(file, { highWaterMark: Math.max(READ_SIZE, options.chunkSize) });
  const stream = cellStream.createCellStream({ options: PARSE_OPTIONS, maxRecordSize: options.maxRecordSize });
  try {
    for await (const data of input) {
      const buffer = data as Buffer;
      for (let offset = 0; offset < buffer.length; offset += options.chunkSize) {
        throwIfCancelled(options.signal);
        for (const batch of stream.write(buffer.subarray(offset, offset + options.chunkSize))) {
          yield batch;
          if (batch.stop !== undefined) return;
        }
      }
    }
    yield* await stream.end();
  } finally {
    input.destroy();
    stream.destroy();
  }
}
