/**
 * The Snowflake source of the backfill: a table or a query whose result has the backfill columns
 * (`issue_id, creator_user_id, assigned_group[, creator_group]`), read partition by partition and
 * validated like CSV rows. A row's "line" is its 1-based row number in the result, and its file is
 * `snowflake:<statement handle>` (provenance for explain_record).
 */
import { readSnowflake, type SnowflakeClient, type SnowflakeSelection } from '../../sources/snowflake/index.js';
import type { InputBatch } from './read-csv.js';
import { BACKFILL_COLUMNS, validateRow } from './rows.js';

/** Reads the selection in batches (one per result partition). */
export async function* readBackfillSnowflake(client: SnowflakeClient, selection: SnowflakeSelection, signal?: AbortSignal): AsyncGenerator<InputBatch, void, undefined> {
  let file = 'snowflake';
  const records = readSnowflake(client, selection, BACKFILL_COLUMNS, signal, ({ handle }) => {
    file = `snowflake:${handle}`;
  });
  for await (const batch of records) {
    yield batch.map((item) => validateRow(item.record, { file, line: item.row }, item.raw));
  }
}
