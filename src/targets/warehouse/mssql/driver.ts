/**
 * The little the SQL Server dialect needs from a connection pool, and its implementation over the
 * `mssql` package (tedious): parameterised queries, a row stream, and a transaction in which a
 * staging table is bulk-loaded and merged. The interface lets contract tests drive the dialect's
 * logic without a server; the live test runs this implementation against a real one.
 */
import sql from 'mssql';
import type { DbUrl } from '../connection-url.js';
import { mssqlError } from './errors.js';
import type { StagingColumn } from './statements.js';

/** Query parameters by name (without `@`); types are inferred from the JS values. */
export type MssqlParams = Record<string, string | number | boolean | Date | null>;

/** A table to bulk-load: nvarchar columns and their rows. */
export interface BulkTable {
  name: string;
  columns: readonly StagingColumn[];
  rows: readonly (readonly (string | null)[])[];
}

/** Work inside one transaction (one connection). */
export interface MssqlTransaction {
  /** A parameterised statement (sent through sp_executesql). */
  query<R>(text: string, params?: MssqlParams): Promise<R[]>;
  /**
   * A statement sent as a plain batch, without parameters: needed for `CREATE TABLE #…`, since a
   * local temporary table created inside sp_executesql is dropped when that call ends.
   */
  batch(text: string): Promise<void>;
  bulk(table: BulkTable): Promise<void>;
}

/** A pool of connections to one database. */
export interface MssqlDriver {
  query<R>(text: string, params?: MssqlParams, doing?: string): Promise<R[]>;
  /** A statement sent as a plain batch (DDL such as CREATE SCHEMA / VIEW / DATABASE). */
  batch(text: string, doing?: string): Promise<void>;
  /** Streams the rows of one query (back-pressured). */
  stream<R>(text: string, params?: MssqlParams, doing?: string): AsyncIterable<R>;
  /** Runs `work` in a transaction: commit when it resolves, rollback when it throws. */
  transaction<T>(work: (tx: MssqlTransaction) => Promise<T>, doing?: string): Promise<T>;
  close(): Promise<void>;
}

/** The `mssql` pool configuration of a URL (`?encrypt=`, `trustServerCertificate=`, `instanceName=`). */
export function mssqlConfig(db: DbUrl): sql.config {
  const flag = (name: string, fallback: boolean) => {
    const value = db.params.get(name);
    return value === null ? fallback : /^(1|true|yes)$/i.test(value);
  };
  const instanceName = db.params.get('instanceName') ?? undefined;
  return {
    server: db.host,
    ...(instanceName ? {} : { port: db.port }),
    database: db.database,
    user: db.user,
    password: db.password,
    connectionTimeout: 15_000,
    requestTimeout: Number(db.params.get('requestTimeout') ?? 300_000),
    pool: { max: 2, min: 0, idleTimeoutMillis: 10_000 },
    options: { encrypt: flag('encrypt', true), trustServerCertificate: flag('trustServerCertificate', false), appName: 'migration-mcp', ...(instanceName ? { instanceName } : {}) },
  };
}

/** The driver over a real `mssql` ConnectionPool (connected on first use). */
export function createMssqlDriver(db: DbUrl): MssqlDriver {
  const pool = new sql.ConnectionPool(mssqlConfig(db));
  pool.on('error', () => {});
  let connecting: Promise<sql.ConnectionPool> | undefined;
  const connected = async () => {
    connecting ??= pool.connect();
    try {
      return await connecting;
    } catch (error) {
      connecting = undefined;
      throw mssqlError(error, db, 'connect');
    }
  };
  const bind = (request: sql.Request, params: MssqlParams = {}) => {
    for (const [name, value] of Object.entries(params)) request.input(name, value);
    return request;
  };
  return {
    async query<R>(text: string, params?: MssqlParams, doing = 'run a query') {
      const request = bind((await connected()).request(), params);
      try {
        return (await request.query<R>(text)).recordset ?? [];
      } catch (error) {
        throw mssqlError(error, db, doing);
      }
    },
    async batch(text: string, doing = 'run a batch') {
      try {
        await (await connected()).request().batch(text);
      } catch (error) {
        throw mssqlError(error, db, doing);
      }
    },
    async *stream<R>(text: string, params?: MssqlParams, doing = 'read rows') {
      const request = bind((await connected()).request(), params);
      request.stream = true;
      const rows = request.toReadableStream({ highWaterMark: 500 });
      // In stream mode errors arrive on the stream; the promise itself resolves.
      request.query(text).catch(() => {});
      try {
        for await (const row of rows) yield row as R;
      } catch (error) {
        throw mssqlError(error, db, doing);
      } finally {
        if (!rows.readableEnded) request.cancel();
      }
    },
    async transaction<T>(work: (tx: MssqlTransaction) => Promise<T>, doing = 'write a batch') {
      const transaction = new sql.Transaction(await connected());
      try {
        await transaction.begin();
      } catch (error) {
        throw mssqlError(error, db, doing);
      }
      const tx: MssqlTransaction = {
        query: async <R>(text: string, params?: MssqlParams) => (await bind(new sql.Request(transaction), params).query<R>(text)).recordset ?? [],
        batch: async (text) => {
          await new sql.Request(transaction).batch(text);
        },
        bulk: async (table) => {
          const bulk = new sql.Table(table.name);
          bulk.create = false;
          for (const column of table.columns) bulk.columns.add(column.name, sql.NVarChar(column.length === 'max' ? sql.MAX : column.length), { nullable: column.nullable });
          for (const row of table.rows) bulk.rows.add(...row);
          await new sql.Request(transaction).bulk(bulk);
        },
      };
      try {
        const result = await work(tx);
        await transaction.commit();
        return result;
      } catch (error) {
        await transaction.rollback().catch(() => {});
        throw mssqlError(error, db, doing);
      }
    },
    async close() {
      connecting = undefined;
      await pool.close();
    },
  };
}
