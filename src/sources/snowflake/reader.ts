/**
 * Reading a table or a query from Snowflake as records, partition by partition (memory stays
 * bounded by one partition). Result columns are matched to canonical fields with the same alias
 * rules as CSV headers (case-insensitive, so Snowflake's upper-case `ISSUE_ID` is `issue_id`).
 *
 * A `table` is read with `SELECT * FROM IDENTIFIER(?)` and the name as a bind variable (never
 * spliced into SQL); a `query` must be one SELECT (or WITH … SELECT) statement.
 */
import { ValidationError } from '../../engine/errors.js';
import { matchHeader, type CsvColumnSpec } from '../csv/index.js';
import type { ResultRow, SnowflakeClient } from './client.js';

/** What to read: a table (optionally `db.schema.table`) or a query. */
export type SnowflakeSelection = { table: string; query?: undefined } | { query: string; table?: undefined };

/** A record of the result. */
export interface SnowflakeRecord<F extends string> {
  record: Record<F, string>;
  /** 1-based row number in the whole result. */
  row: number;
  /** The row's values joined with commas (for rejects). */
  raw: string;
}

const IDENTIFIER = /^(?:[A-Za-z_][A-Za-z0-9_$]*|"[^"]+")(?:\.(?:[A-Za-z_][A-Za-z0-9_$]*|"[^"]+")){0,2}$/;

/** The statement and bindings that read a selection. */
export function statementFor(selection: SnowflakeSelection): { statement: string; bindings: Record<string, { type: string; value: string }> } {
  if (selection.table !== undefined) {
    const table = selection.table.trim();
    if (!IDENTIFIER.test(table)) {
      throw new ValidationError(`'${selection.table}' is not a Snowflake table name.`, { action: 'Pass table as NAME, SCHEMA.NAME or DB.SCHEMA.NAME (quote names with other characters).' });
    }
    return { statement: 'SELECT * FROM IDENTIFIER(?)', bindings: { '1': { type: 'TEXT', value: table } } };
  }
  const query = selection.query.trim().replace(/;\s*$/, '');
  if (!/^(select|with)\b/i.test(query) || query.includes(';')) {
    throw new ValidationError('The Snowflake query must be a single SELECT statement.', {
      action: 'Pass one SELECT (or WITH … SELECT) returning issue_id, creator_user_id, assigned_group and optionally creator_group.',
    });
  }
  return { statement: query, bindings: {} };
}

/**
 * Runs the selection and yields its records, one batch per result partition. Throws a
 * ValidationError when a required column is missing from the result.
 */
export async function* readSnowflake<F extends string>(
  client: SnowflakeClient,
  selection: SnowflakeSelection,
  columns: CsvColumnSpec<F>,
  signal?: AbortSignal,
  onStart?: (info: { handle: string; numRows: number; partitions: number }) => void,
): AsyncGenerator<Array<SnowflakeRecord<F>>, void, undefined> {
  const { statement, bindings } = statementFor(selection);
  const result = await client.execute(statement, bindings, signal);
  onStart?.({ handle: result.handle, numRows: result.numRows, partitions: result.partitions });
  const header = matchHeader(
    result.columns.map((column) => column.name),
    columns,
    { label: 'the Snowflake result', aliasSource: 'the query (rename columns with AS)' },
  );
  const fields = Object.keys(columns.aliases) as F[];
  let rowNumber = 0;
  const convert = (rows: ResultRow[]) =>
    rows.map((values): SnowflakeRecord<F> => {
      rowNumber += 1;
      const record = {} as Record<F, string>;
      for (const field of fields) {
        const index = header.columnOf[field];
        record[field] = index === undefined ? '' : (values[index] ?? '').trim();
      }
      return { record, row: rowNumber, raw: values.map((value) => value ?? '').join(',') };
    });
  yield convert(result.firstPartition);
  for (let n = 1; n < result.partitions; n += 1) {
    if (signal?.aborted) return;
    yield convert(await client.partition(result.handle, n, signal));
  }
}
