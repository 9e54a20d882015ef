/**
 * The CSV source of the backfill: `issue_id,creator_user_id,assigned_group,creator_group`, read
 * streaming through the shared CSV reader (BOMs, CRLF, quoting, stray spaces, ragged rows and bad
 * bytes handled there). Yields batches of validated rows and invalid rows with their line and reason;
 * a missing required column is a ValidationError before any row.
 */
import path from 'node:path';
import { CsvReader } from '../../sources/csv/index.js';
import { BACKFILL_COLUMNS, validateRow, type BackfillRow, type InvalidRow } from './rows.js';

/** One batch of rows read from a source. */
export type InputBatch = Array<BackfillRow | InvalidRow>;

/** Reads a backfill CSV in batches (one per 64 KiB of file). */
export async function* readBackfillCsv(file: string, signal?: AbortSignal, maxRecordSize?: number): AsyncGenerator<InputBatch, void, undefined> {
  const label = path.basename(file);
  const reader = new CsvReader(file, { columns: BACKFILL_COLUMNS, label, signal, maxRecordSize, aliasSource: 'the devrev_backfill column aliases (README)' });
  for await (const batch of reader.batches()) {
    yield batch.map((row) =>
      row.ok ? validateRow(row.record, { file, line: row.line }, row.raw) : { source: { file, line: row.line }, reason: row.reason, raw: row.raw },
    );
  }
}
