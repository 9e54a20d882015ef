/**
 * The CSV parsing worker of worker-cells.ts: csv-parse on its own thread (through cell-stream.cjs,
 * the core shared with the in-thread path), posting batches of rows (packed: every value of the
 * batch joined by U+0000 in one string, plus the number of values of each row) and waiting for an
 * acknowledgement per batch beyond a window, so memory stays bounded. Plain CommonJS so it runs
 * unchanged from src/ (vitest, tsx) and dist/ (tsc copies it there).
 */
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { createCellStream } = require('./cell-stream.cjs');
const { file, chunkSize, maxRecordSize, window, readSize, options } = workerData;
let credits = window;
let wake = null;
parentPort.on('message', () => {
  credits++;
  if (wake !== null) { const resume = wake; wake = null; resume(); }
});
async function send(batch, packable) {
  if (credits === 0) await new Promise((resolve) => { wake = resolve; });
  credits--;
  const { rows, stop, oversized } = batch;
  if (packable) {
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
    parentPort.postMessage({ type: 'batch', count: rows.length, packed: values.join('\u0000'), widths, stop, oversized });
  } else {
    parentPort.postMessage({ type: 'batch', count: rows.length, rows, stop, oversized });
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
  const stream = createCellStream({ options, maxRecordSize });
  let packable = true;
  for (;;) {
    const buffer = buffers[turn];
    turn = 1 - turn;
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) break;
    for (let offset = 0; offset < bytesRead; offset += chunkSize) {
      const slice = buffer.subarray(offset, Math.min(offset + chunkSize, bytesRead));
      if (packable && slice.indexOf(0) !== -1) packable = false; // a NUL byte could be inside a value
      for (const batch of stream.write(slice)) {
        await send(batch, packable);
        if (batch.stop !== undefined) return;
      }
    }
  }
  for (const batch of await stream.end()) await send(batch, packable);
}
main().then(
  () => parentPort.postMessage({ type: 'end' }),
  (error) => parentPort.postMessage({ type: 'error', message: String((error && error.message) || error) }),
);
