/**
 * The parsing stage of the CSV reader (see cells.ts) run in a worker thread, so that on a big
 * file csv-parse (about half the cost of an ETL row) runs on one core while the caller transforms
 * and writes on another.
 *
 * The worker is `parse-worker.cjs`, plain CommonJS beside this file (tsc copies it to dist/), so it
 * needs no TypeScript loader and runs the same from dist/, under tsx and under vitest. It does
 * exactly what `parseCells` does and posts each batch packed into one string (every value of the
 * batch joined by U+0000) with the number of values of each row: one cheap structured clone, one
 * join and one split per batch, which costs less than a split per row — or as arrays once the file
 * holds a NUL byte. At most `WINDOW` batches are in flight: the worker waits for an acknowledgement
 * per batch, so memory stays bounded.
 */
import { Worker } from 'node:worker_threads';
import { throwIfCancelled } from '../../engine/errors.js';
import { PARSE_OPTIONS, READ_SIZE, type CellBatch, type CellSourceOptions, type CellStop } from './cells.js';

/** Batches parsed ahead of the consumer. */
const WINDOW = 4;

type WorkerMessage =
  | { type: 'batch'; count: number; packed?: string; widths?: Uint32Array; rows?: string[][]; stop?: CellStop; oversized?: number }
  | { type: 'end' }
  | { type: 'error'; message: string };

/** Rows of a packed batch: the values in one string joined by U+0000, and how many belong to each row. */
function unpack(packed: string, widths: Uint32Array): string[][] {
  const rows: string[][] = new Array(widths.length);
  if (widths.length === 0) return rows;
  const values = packed.split('\u0000');
  let at = 0;
  for (let i = 0; i < widths.length; i++) {
    const width = widths[i]!;
    rows[i] = values.slice(at, at + width);
    at += width;
  }
  if (at !== values.length && !(at === 0 && values.length === 1)) {
    throw new Error(`CSV worker batch holds ${values.length} values, its rows ${at} (internal error)`);
  }
  return rows;
}

/** Parses a file in a worker thread; same batches as `parseCells`. */
export async function* parseCellsInWorker(file: string, options: CellSourceOptions): AsyncGenerator<CellBatch, void, undefined> {
  const worker = new Worker(new URL('./parse-worker.cjs', import.meta.url), {
    // The worker's live data is a few batches: a capped heap keeps the process small.
    resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 48 },
    workerData: {
      file,
      chunkSize: options.chunkSize,
      maxRecordSize: options.maxRecordSize,
      window: WINDOW,
      readSize: READ_SIZE,
      options: PARSE_OPTIONS,
    },
  });
  const inbox: WorkerMessage[] = [];
  let notify: (() => void) | undefined;
  let crash: Error | undefined;
  worker.on('message', (message: WorkerMessage) => {
    inbox.push(message);
    notify?.();
  });
  worker.on('error', (error) => {
    crash ??= error;
    notify?.();
  });
  worker.on('exit', (code) => {
    crash ??= new Error(`The CSV parsing worker for ${file} exited with code ${code}.`);
    notify?.();
  });
  try {
    for (;;) {
      throwIfCancelled(options.signal);
      while (inbox.length === 0) {
        if (crash !== undefined) throw crash;
        await new Promise<void>((resolve) => {
          notify = resolve;
        });
        notify = undefined;
      }
      const message = inbox.shift()!;
      if (message.type === 'error') throw new Error(`Parsing ${file} failed: ${message.message}`);
      if (message.type === 'end') return;
      worker.postMessage(0);
      const rows = message.packed !== undefined ? unpack(message.packed, message.widths!) : (message.rows ?? []);
      yield { rows, ...(message.stop === undefined ? {} : { stop: message.stop }), ...(message.oversized === undefined ? {} : { oversized: message.oversized }) };
      if (message.stop !== undefined) return;
    }
  } finally {
    worker.removeAllListeners();
    await worker.terminate();
  }
}
