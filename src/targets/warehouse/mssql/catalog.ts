/** Catalog reads on SQL Server shared by the source and the warehouse (INFORMATION_SCHEMA). */
import type { DbUrl } from '../connection-url.js';
import { qualified, type DbObject } from '../schema.js';
import type { ColumnInfo } from '../types.js';
import type { MssqlDriver } from './driver.js';
import { MSSQL_COLUMNS_SQL } from './statements.js';

const TEXT_TYPES = new Set(['nvarchar', 'varchar', 'nchar', 'char', 'ntext', 'text', 'sysname']);

/** The columns of a table or view (empty when it does not exist or is not visible to this user). */
export async function listMssqlColumns(driver: MssqlDriver, _db: DbUrl, object: DbObject): Promise<ColumnInfo[]> {
  const rows = await driver.query<{ column_name: string; data_type: string; character_maximum_length: number | null }>(
    MSSQL_COLUMNS_SQL,
    { schema: object.schema, name: object.name },
    `read the columns of ${qualified(object)}`,
  );
  return rows.map((row) => ({
    name: row.column_name,
    dataType: row.data_type,
    maxLength: row.character_maximum_length === null || row.character_maximum_length < 0 ? null : row.character_maximum_length,
    isText: TEXT_TYPES.has(row.data_type.toLowerCase()),
  }));
}
