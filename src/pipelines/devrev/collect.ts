/**
 * Collecting the rows of a source: valid rows by issue (one per issue), invalid rows handed to a
 * sink as they come (the rejects file), and repeated issues told apart — the same row again is a
 * duplicate (skipped), the same issue with other values is a conflict (invalid).
 */
import type { InputBatch } from './read-csv.js';
import { isValidRow, type BackfillRow, type InvalidRow } from './rows.js';

/** A row left out because the same row came earlier. */
export interface DuplicateRow {
  row: BackfillRow;
  firstLine: number;
}

/** What a source held. */
export interface CollectedRows {
  /** Rows read (blank lines excluded). */
  read: number;
  /** Valid rows, one per issue, in input order. */
  rows: BackfillRow[];
  /** Exact repeats of an earlier row. */
  duplicates: DuplicateRow[];
  /** Invalid rows (each was handed to `onInvalid`). */
  invalid: number;
}

function sameValues(a: BackfillRow, b: BackfillRow): boolean {
  return a.creatorUserId === b.creatorUserId && a.assignedGroup === b.assignedGroup && a.creatorGroup === b.creatorGroup;
}

/** Reads every batch; invalid rows (conflicting repeats included) go to `onInvalid`. */
export async function collectRows(batches: AsyncIterable<InputBatch>, onInvalid: (row: InvalidRow) => void): Promise<CollectedRows> {
  const byKey = new Map<string, BackfillRow>();
  const result: CollectedRows = { read: 0, rows: [], duplicates: [], invalid: 0 };
  const reject = (row: InvalidRow) => {
    result.invalid += 1;
    onInvalid(row);
  };
  for await (const batch of batches) {
    for (const row of batch) {
      result.read += 1;
      if (!isValidRow(row)) {
        reject(row);
        continue;
      }
      const first = byKey.get(row.key);
      if (!first) {
        byKey.set(row.key, row);
        result.rows.push(row);
      } else if (sameValues(first, row)) {
        result.duplicates.push({ row, firstLine: first.source.line });
      } else {
        const raw = [row.issueId, row.creatorUserId, row.assignedGroup, row.creatorGroup ?? ''].join(',');
        reject({ source: row.source, raw, reason: `issue ${row.issueId} already appears on line ${first.source.line} with other values; keep one row per issue` });
      }
    }
  }
  return result;
}
