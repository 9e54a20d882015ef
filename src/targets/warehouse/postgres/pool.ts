/**
 * PostgreSQL connections for the warehouse dialect: a small pool per URL (closed by its owner at the
 * end of every run), catalog reads for the preflight, and COPY out as a stream of decoded rows.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import pgCopy from 'pg-copy-streams';
import { throwIfCancelled } from '../../../engine/errors.js';
import type { DbUrl } from '../connection-url.js';
import type { DbObject } from '../schema.js';
import type { ColumnInfo } from '../types.js';
import { decodeCopyRows } from './copy-text.js';
import { pgError } from './errors.js';

/** A pool for `db` (at most `max` connections); idle errors are swallowed (the next query reports them). */
export function createPgPool(db: DbUrl, max = 2): pg.Pool {
  const pool = new pg.Pool({
    connectionString: db.raw,
    max,
    connectionTimeoutMillis: 15_000,
    idleTimeoutMillis: 10_000,
    application_name: 'migration-mcp',
  });
  pool.on('error', () => {});
  return pool;
}

/** Checks out a connection, mapping a failed connect to a MigrationError about `db`. */
export async function checkout(pool: pg.Pool, db: DbUrl): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (error) {
    throw pgError(error, db, 'connect');
  }
}

/** Runs one parameterised query; errors name the database and what was being done. */
export async function query<R extends pg.QueryResultRow>(pool: pg.Pool | pg.PoolClient, db: DbUrl, doing: string, text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
  try {
    return await pool.query<R>(text, values);
  } catch (error) {
    throw pgError(error, db, doing);
  }
}

const TEXT_TYPES = new Set(['text', 'character varying', 'character', 'citext', 'name']);

/** The columns of a table or view (empty when it does not exist or is not visible to this user). */
export async function listColumns(pool: pg.Pool, db: DbUrl, object: DbObject): Promise<ColumnInfo[]> {
  const { rows } = await query<{ column_name: string; data_type: string; character_maximum_length: number | null }>(
    pool,
    db,
    `read the columns of ${object.schema}.${object.name}`,
    `SELECT column_name, data_type, character_maximum_length
       FROM information_schema.columns
      WHERE table_schema = $1 AND table_name = $2
      ORDER BY ordinal_position`,
    [object.schema, object.name],
  );
  return rows.map((row) => ({
    name: row.column_name,
    dataType: row.data_type,
    maxLength: row.character_maximum_length,
    isText: TEXT_TYPES.has(row.data_type),
  }));
}

/**
 * Streams the rows of `COPY (<select>) TO STDOUT` (text format), decoded. The connection is held
 * until the stream ends; stopping early discards it rather than returning a busy connection.
 */
export async function* copyOut(pool: pg.Pool, db: DbUrl, doing: string, select: string, signal?: AbortSignal): AsyncGenerator<(string | null)[]> {
  throwIfCancelled(signal);
  const client = await checkout(pool, db);
  let clean = false;
  try {
    const stream = client.query(pgCopy.to(`COPY (${select}) TO STDOUT`));
    try {
      for await (const row of decodeCopyRows(stream)) {
        yield row;
      }
    } catch (error) {
      throw pgError(error, db, doing);
    }
    clean = true;
  } finally {
    client.release(clean ? undefined : true);
  }
}

/** Loads rows into a table with `COPY <table> (<columns>) FROM STDIN` on `client` (text format). */
export async function copyIn(client: pg.PoolClient, db: DbUrl, doing: string, table: string, columns: readonly string[], text: string): Promise<void> {
  try {
    await pipeline(Readable.from([text]), client.query(pgCopy.from(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)));
  } catch (error) {
    throw pgError(error, db, doing);
  }
}
