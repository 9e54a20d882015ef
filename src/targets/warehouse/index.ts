/**
 * The warehouse target of the ACC backfill: connection URLs, the two dialects (PostgreSQL and SQL
 * Server) behind one interface, display ids, and the objects and columns used.
 */
import { parseDbUrl, type DbUrl } from './connection-url.js';
import { MssqlPmSource } from './mssql/source.js';
import { MssqlWarehouse } from './mssql/warehouse.js';
import { PostgresPmSource } from './postgres/source.js';
import { PostgresWarehouse } from './postgres/warehouse.js';
import type { PmSource, Warehouse } from './types.js';

export * from './connection-url.js';
export * from './display-id.js';
export * from './schema.js';
export type * from './types.js';

/** The ProjectManagement source for `PM_DB_URL` (no connection is made until it is used). */
export function openPmSource(url: string | undefined): PmSource {
  const db = parseDbUrl(url, 'PM_DB_URL');
  return db.dialect === 'postgres' ? new PostgresPmSource(db) : new MssqlPmSource(db);
}

/** The warehouse for `WAREHOUSE_DB_URL` (no connection is made until it is used). */
export function openWarehouse(url: string | undefined): Warehouse {
  const db: DbUrl = parseDbUrl(url, 'WAREHOUSE_DB_URL');
  return db.dialect === 'postgres' ? new PostgresWarehouse(db) : new MssqlWarehouse(db);
}
