/**
 * The CSV parsing worker of worker-cells.ts: csv-parse on its own thread, posting batches of rows
 * (packed: every value of the batch joined by U+0000 in one string, plus the number of values of
 * each row) and waiting for an acknowledgement per batch beyond a window, so memory stays bounded.
 * Plain CommonJS so it runs unchanged from src/ (vitest, tsx) and dist/ (tsc copies it there).
 */
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { once } = require('node:events');
const fs = require('node:fs');
const { parse } = require('csv-parse');
const { file, chunkSize, maxRecordSize, window, readSize, options } = workerData;
let credits = window;
let wake = null;
parentPort.on('message', () => {
  credits++;
  if (wake !== null) { const resume = wake; wake = null; resume(); }
});
const stopOf = (error) => ({ kind: error.code === 'CSV_QUOTE_NOT_CLOSED' ? 'open-quote' : 'unparseable', message: error.message });
async function send(batch, packable) {
  if (credits === 0) await new Promise((resolve) => { wake = resolve; });
  credits--;
  if (packable) {
    const rows = batch.rows;
    const widths = new Uint32Array(rows.length);
    let total = 0;
    for (let i = 0; i < rows.length; i++) {
      widths[i] = rows[i].length;
      total += rows[i].length;
    }
    const values = new Array(total);
    let at = 0;
    for (let i = 0; i < rows.length; i++) {
      const cells = rows[i];
      for (let j = 0; j < cells.length; j++) values[at++] = cells[j];
    }
    parentPort.postMessage({ type: 'batch', count: rows.length, packed: values.join('\u0000'), widths, stop: batch.stop });
  } else {
    parentPort.postMessage({ type: 'batch', count: batch.rows.length, rows: batch.rows, stop: batch.stop });
  }
}
async function main() {
  const handle = await fs.promises.open(file, 'r');
  try {
    await parseFile(handle);
  } finally {
    await handle.close();
  }
}
async function parseFile(handle) {
  // Two read buffers used in turn: no garbage per chunk, so no external memory piling up between
  // major GCs. csv-parse copies what it keeps of a chunk when the next one is written, and the
  // previous chunk is never overwritten before that.
  const buffers = [Buffer.allocUnsafe(Math.max(readSize, chunkSize)), Buffer.allocUnsafe(Math.max(readSize, chunkSize))];
  let turn = 0;
  const parser = parse(options);
  let failure;
  const skips = [];
  parser.on('error', (error) => { if (failure === undefined) failure = error; });
  parser.on('skip', (error) => { skips.push(error); });
  let parsed = 0;
  let written = 0;
  let packable = true;
  const collect = () => {
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
  };
  for (;;) {
    const buffer = buffers[turn];
    turn = 1 - turn;
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) break;
    for (let offset = 0; offset < bytesRead; offset += chunkSize) {
      const slice = buffer.subarray(offset, Math.min(offset + chunkSize, bytesRead));
      if (packable && slice.indexOf(0) !== -1) packable = false; // a NUL byte could be inside a value
      parser.write(slice);
      written += slice.length;
      if (failure !== undefined) throw failure;
      const batch = collect();
      if (parser.writableLength !== 0) throw new Error('csv-parse kept a chunk buffered (internal error: each chunk must be parsed before the next read)');
      if (batch.stop === undefined && written - parser.info.bytes > maxRecordSize) batch.stop = { kind: 'open-quote', message: 'record too long' };
      await send(batch, packable);
      if (batch.stop !== undefined) return;
    }
  }
  parser.end();
  await once(parser, 'finish');
  await send(collect(), packable);
}
main().then(
  () => parentPort.postMessage({ type: 'end' }),
  (error) => parentPort.postMessage({ type: 'error', message: String((error && error.message) || error) }),
);
