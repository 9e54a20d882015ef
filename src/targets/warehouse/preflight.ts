/**
 * Preflight checks shared by both dialects: the objects the backfill uses exist with the columns it
 * uses. A missing object or column is a ConfigError naming it, the database and what to do; the
 * checks only read the catalog (information_schema), never write.
 */
import { ConfigError } from '../../engine/errors.js';
import type { DbUrl } from './connection-url.js';
import { qualified, type DbObject } from './schema.js';
import type { ColumnInfo } from './types.js';

const ROLE: Record<DbUrl['variable'], string> = {
  PM_DB_URL: 'ProjectManagement database',
  WAREHOUSE_DB_URL: 'warehouse database',
};

/** "the warehouse database (WAREHOUSE_DB_URL postgres://user@host:5432/warehouse)". */
export function describeDb(db: DbUrl): string {
  return `the ${ROLE[db.variable]} (${db.variable} ${db.display})`;
}

/**
 * Checks that `object` was found (some columns listed) and has every `required` column; returns
 * its columns by lower-case name.
 */
export function requireColumns(db: DbUrl, object: DbObject, found: readonly ColumnInfo[], required: readonly string[], kind: 'table' | 'view' = 'table'): Map<string, ColumnInfo> {
  const name = qualified(object);
  if (found.length === 0) {
    throw new ConfigError(`${capitalise(describeDb(db))} has no ${kind} ${name}, or user "${db.user}" cannot read it.`, {
      action: `Point ${db.variable} at the database that holds ${name}, or grant SELECT on ${name} to "${db.user}", then run again.`,
      details: { variable: db.variable, object: name },
    });
  }
  const columns = new Map(found.map((column) => [column.name.toLowerCase(), column]));
  const missing = required.filter((column) => !columns.has(column));
  if (missing.length) {
    const list = missing.join(', ');
    throw new ConfigError(`${name} in ${describeDb(db)} has no column ${list} (the backfill uses ${required.join(', ')}).`, {
      action: `Add ${list} to ${name} (or fix its name), or point ${db.variable} at the right database, then run again.`,
      details: { variable: db.variable, object: name, missing },
    });
  }
  return columns;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
