/**
 * The parsing stage of the CSV reader (see cells.ts) run in a worker thread, so that on a big
 * file csv-parse (about half the cost of an ETL row) runs on one core while the caller transforms
 * and writes on another.
 *
 * The worker is `parse-worker.cjs`, plain CommonJS beside this file (tsc copies it to dist/), so it
 * needs no TypeScript loader and runs the same from dist/, under tsx and under vitest. It does
 * exactly what `parseCells` does and posts each batch packed into one string (values joined by
 * U+0000, rows by U+0001: one cheap structured clone and one split per batch) — or as arrays once
 * the file holds those bytes. At most `WINDOW` batches are in flight: the worker waits for an
 * acknowledgement per batch, so memory stays bounded.
 */
import { Worker } from 'node:worker_threads';
import { throwIfCancelled } from '../../engine/errors.js';
import { PARSE_OPTIONS, READ_SIZE, type CellBatch, type CellSourceOptions, type CellStop } from './cells.js';

/** Batches parsed ahead of the consumer. */
const WINDOW = 4;

type WorkerMessage =
  | { type: 'batch'; count: number; packed?: string; rows?: string[][]; stop?: CellStop; oversized?: number }
  | { type: 'end' }
  | { type: 'error'; message: string };

/** Rows of a packed batch. */
function unpack(packed: string, count: number): string[][] {
  if (count === 0) return [];
  const lines = packed.split('\u0001');
  const rows: string[][] = new Array(lines.length);
  for (let i = 0; i < lines.length; i++) rows[i] = lines[i]!.split('\u0000');
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
      const rows = message.packed !== undefined ? unpack(message.packed, message.count) : (message.rows ?? []);
      yield { rows, ...(message.stop === undefined ? {} : { stop: message.stop }), ...(message.oversized === undefined ? {} : { oversized: message.oversized }) };
      if (message.stop !== undefined) return;
    }
  } finally {
    worker.removeAllListeners();
    await worker.terminate();
  }
}
