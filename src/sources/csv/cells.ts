/**
 * The parsing stage of the CSV reader: csv-parse over a file read in 1 MiB chunks and fed in
 * slices, giving batches of rows (values as csv-parse returns them). Everything after this stage
 * (header, lines, blank/ragged rows, records) lives in reader.ts and is shared by both ways of
 * running it: here in the calling thread, or in a worker thread (worker-cells.ts) for big files.
 *
 * csv-parse runs with `skip_records_with_error`, so a broken record is a `skip` event instead of
 * a thrown error; the only ones our options leave possible mean the rest of the file cannot be
 * read (an unbalanced quote), so a skip ends the read with a `stop`. A record still open after
 * `maxRecordSize` bytes is the same case caught early, which also bounds memory.
 */
import { once } from 'node:events';
import fs from 'node:fs';
import { parse, type CsvError, type Options } from 'csv-parse';
import { throwIfCancelled } from '../../engine/errors.js';

/** csv-parse options of the reader (shared with the worker). `raw`, `info` and `max_record_size` stay off: each costs a check or copy per byte. */
export const PARSE_OPTIONS: Options = {
  bom: true,
  ltrim: true,
  relax_quotes: true,
  relax_column_count: true,
  skip_records_with_error: true,
  skip_empty_lines: false,
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
}

export interface CellSourceOptions {
  /** Bytes parsed per batch. */
  chunkSize: number;
  /** A record still open after this many bytes is taken for an unbalanced quote. */
  maxRecordSize: number;
  signal?: AbortSignal;
}

/** The stop a csv-parse skip event means. */
export function stopOf(error: Pick<CsvError, 'code' | 'message'>): CellStop {
  return { kind: error.code === 'CSV_QUOTE_NOT_CLOSED' ? 'open-quote' : 'unparseable', message: error.message };
}

/** Parses a file in the calling thread. */
export async function* parseCells(file: string, options: CellSourceOptions): AsyncGenerator<CellBatch, void, undefined> {
  const input = fs.createReadStream(file, { highWaterMark: Math.max(READ_SIZE, options.chunkSize) });
  const parser = parse(PARSE_OPTIONS);
  let failure: unknown;
  const skips: CsvError[] = [];
  parser.on('error', (error) => {
    failure ??= error;
  });
  parser.on('skip', (error: CsvError) => {
    skips.push(error);
  });
  let parsed = 0;
  let written = 0;
  const collect = (): CellBatch => {
    const rows: string[][] = [];
    for (;;) {
      const skip = skips[0];
      if (skip !== undefined && (typeof skip.records === 'number' ? skip.records : parsed) <= parsed) return { rows, stop: stopOf(skip) };
      const cells = parser.read() as string[] | null;
      if (cells === null) break;
      parsed++;
      rows.push(cells);
    }
    return skips[0] === undefined ? { rows } : { rows, stop: stopOf(skips[0]) };
  };
  try {
    for await (const data of input) {
      const buffer = data as Buffer;
      for (let offset = 0; offset < buffer.length; offset += options.chunkSize) {
        throwIfCancelled(options.signal);
        const slice = buffer.subarray(offset, offset + options.chunkSize);
        parser.write(slice);
        written += slice.length;
        if (failure !== undefined) throw failure;
        const batch = collect();
        if (batch.stop === undefined && written - parser.info.bytes > options.maxRecordSize) batch.stop = { kind: 'open-quote', message: 'record too long' };
        yield batch;
        if (batch.stop !== undefined) return;
      }
    }
    parser.end();
    await once(parser, 'finish');
    yield collect();
  } finally {
    input.destroy();
    parser.destroy();
  }
}
