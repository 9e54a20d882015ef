/**
 * The parsing core of the CSV reader, shared by both ways of running it (cells.ts in the calling
 * thread, parse-worker.cjs in a worker thread): csv-parse fed slice by slice, giving batches of rows.
 *
 * It adds what csv-parse cannot do without losing rows (its own max_record_size drops the rest of
 * the chunk): a record still incomplete after `maxRecordSize` bytes is
 * - outside quotes (a runaway unquoted value, a missing line break): skipped up to its line end and
 *   reported as `oversized` (its size), and reading goes on with the next record;
 * - inside quotes (an unbalanced `"`): the rest of the file cannot be read reliably, so the read
 *   stops (`stop`), as for csv-parse's own unclosed-quote error.
 * Plain CommonJS so the worker runs it without a TypeScript loader.
 */
'use strict';
const { once } = require('node:events');
const { parse } = require('csv-parse');

/** The stop a csv-parse skip event means. */
function stopOf(error) {
  return { kind: error.code === 'CSV_QUOTE_NOT_CLOSED' ? 'open-quote' : 'unparseable', message: error.message };
}

const LF = 10;
const CR = 13;

/** A parsing stream over successive slices of one file. */
function createCellStream({ options, maxRecordSize }) {
  let parser;
  let failure;
  let skips;
  let parsed;
  let written;
  let first = true;
  /** Inside an oversized record: its bytes so far. */
  let skipping = -1;
  /** The oversized record ended with a CR at the end of a slice: a LF starting the next one belongs to it. */
  let pendingLf = false;

  function start() {
    parser = parse(first ? options : { ...options, bom: false });
    first = false;
    failure = undefined;
    skips = [];
    parsed = 0;
    written = 0;
    parser.on('error', (error) => {
      if (failure === undefined) failure = error;
    });
    parser.on('skip', (error) => {
      skips.push(error);
    });
  }
  start();

  function collect() {
    const rows = [];
    for (;;) {
      const skip = skips[0];
      if (skip !== undefined && (typeof skip.records === 'number' ? skip.records : parsed) <= parsed) return { rows, stop: stopOf(skip) };
      const cells = parser.read();
      if (cells === null) break;
      parsed++;
      rows.push(cells);
    }
    return skips[0] === undefined ? { rows } : { rows, stop: stopOf(skips[0]) };
  }

  /** Batches for one slice of the file: one, or more when an oversized record ends inside it. */
  function write(slice) {
    const out = [];
    if (pendingLf && slice.length > 0 && slice[0] === LF) slice = slice.subarray(1);
    pendingLf = false;
    while (slice.length > 0) {
      if (skipping >= 0) {
        let at = 0;
        while (at < slice.length && slice[at] !== LF && slice[at] !== CR) at++;
        if (at === slice.length) {
          skipping += slice.length;
          break;
        }
        let end = at + 1;
        if (slice[at] === CR) {
          if (end < slice.length) {
            if (slice[end] === LF) end++;
          } else pendingLf = true;
        }
        out.push({ rows: [], oversized: skipping + at });
        skipping = -1;
        start();
        slice = slice.subarray(end);
        continue;
      }
      parser.write(slice);
      written += slice.length;
      if (failure !== undefined) throw failure;
      const batch = collect();
      if (parser.writableLength !== 0) throw new Error('csv-parse kept a chunk buffered (internal error: each chunk must be parsed before the next one)');
      const open = written - parser.info.bytes;
      if (batch.stop === undefined && open > maxRecordSize) {
        if (parser.state.quoting) batch.stop = { kind: 'open-quote', message: 'record too long' };
        else {
          skipping = open;
          parser.destroy();
        }
      }
      out.push(batch);
      break;
    }
    return out;
  }

  /** The last batches, once the file has been read to its end. */
  async function end() {
    if (skipping >= 0) return [{ rows: [], oversized: skipping }];
    parser.end();
    await once(parser, 'finish');
    return [collect()];
  }

  function destroy() {
    parser.destroy();
  }

  return { write, end, destroy };
}

module.exports = { createCellStream, stopOf };
