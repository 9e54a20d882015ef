/**
 * Provenance of an ingested batch, for `explain_record`: one ledger event per stored line (system
 * `wpr`, kind `line`, key = WPR Line Key, action `ingested`, target id = batch id, source file,
 * sheet and row, content hash), read back from the store once the batch is committed — so the
 * ledger never claims a line a failed ingest did not store. A resumed run forgets the events it
 * recorded before and records them again.
 */
import type { RunContext } from '../../../engine/run-context.js';
import { throwIfCancelled } from '../../../engine/errors.js';
import { lineContentHash, type BatchStore, type LineSource } from '../../../stores/batch-store.js';
import type { ProvenanceEvent } from '../../../engine/ledger/provenance-store.js';

/** The provenance system of WPR lines. */
export const WPR_SYSTEM = 'wpr';
const CHUNK = 5000;

/** Records the provenance of every line of a stored batch; returns how many lines it recorded. */
export async function recordBatchProvenance(
  store: BatchStore,
  batchId: string,
  ctx: Pick<RunContext, 'runId' | 'ledger' | 'signal' | 'progress'>,
): Promise<number> {
  const { ledger, runId, signal, progress } = ctx;
  ledger.provenance.forgetRun(runId, WPR_SYSTEM);
  const detail = `batch ${batchId} (${store.kind})`;
  let chunk: ProvenanceEvent[] = [];
  let count = 0;
  for await (const line of lineSources(store, batchId, signal)) {
    chunk.push({
      run_id: runId,
      system: WPR_SYSTEM,
      scope: store.kind,
      kind: 'line',
      item_key: line.line_key,
      action: 'ingested',
      target_id: batchId,
      source_file: line.source.file,
      source_sheet: line.source.sheet,
      source_line: line.source.row,
      content_hash: line.content_hash,
      detail,
    });
    if (chunk.length === CHUNK) {
      ledger.provenance.recordMany(chunk);
      count += chunk.length;
      progress.set(count);
      chunk = [];
      throwIfCancelled(signal);
    }
  }
  ledger.provenance.recordMany(chunk);
  count += chunk.length;
  progress.set(count);
  return count;
}

/** The store's own line sources when it keeps hashes, else the lines read back and hashed. */
async function* lineSources(store: BatchStore, batchId: string, signal?: AbortSignal): AsyncGenerator<LineSource> {
  if (store.lineSources) {
    yield* store.lineSources(batchId, signal);
    return;
  }
  for await (const line of store.readBatch(batchId, signal)) yield { line_key: line.line_key, source: line.source, content_hash: lineContentHash(line) };
}
