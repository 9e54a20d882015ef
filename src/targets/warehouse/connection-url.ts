/**
 * Database connection URLs (`PM_DB_URL`, `WAREHOUSE_DB_URL`): `postgres://user:password@host:5432/db`
 * or `mssql://user:password@host:1433/db?encrypt=true`. Parsing checks the scheme, host and database,
 * registers the password for redaction at once, and keeps a redacted form for messages.
 */
import { ConfigError } from '../../engine/errors.js';
import { redact, registerSecret } from '../../logging/redact.js';

/** The SQL dialect a URL speaks. */
export type SqlDialect = 'postgres' | 'mssql';

/** The environment variables that carry database URLs. */
export type DbUrlVariable = 'PM_DB_URL' | 'WAREHOUSE_DB_URL';

/** A parsed database URL. */
export interface DbUrl {
  dialect: SqlDialect;
  /** The variable it came from (named in every error). */
  variable: DbUrlVariable;
  /** The URL as given (holds the password: never log it; use `display`). */
  raw: string;
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  /** Query parameters (`sslmode`, `encrypt`, `trustServerCertificate`, `instanceName`…). */
  params: URLSearchParams;
  /** `postgres://user@host:port/db`: safe to show. */
  display: string;
}

const SCHEMES: Record<string, SqlDialect> = {
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
  'mssql:': 'mssql',
  'sqlserver:': 'mssql',
};

const DEFAULT_PORT: Record<SqlDialect, number> = { postgres: 5432, mssql: 1433 };

const EXAMPLE: Record<DbUrlVariable, string> = {
  PM_DB_URL: 'postgres://user:password@host:5432/ProjectManagement or mssql://user:password@host:1433/ProjectManagement',
  WAREHOUSE_DB_URL: 'postgres://user:password@host:5432/warehouse or mssql://user:password@host:1433/warehouse',
};

/** Parses a database URL from `variable`; a ConfigError names the variable and shows the expected form. */
export function parseDbUrl(value: string | undefined, variable: DbUrlVariable): DbUrl {
  const action = `Set ${variable} to a URL like ${EXAMPLE[variable]} (in the environment or .env).`;
  if (!value || !value.trim()) throw new ConfigError(`${variable} is not set.`, { action, details: { variable } });
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ConfigError(`${variable} is not a valid URL (${redact(value)}).`, { action, details: { variable } });
  }
  const password = decodeURIComponent(url.password);
  registerSecret(password);
  const dialect = SCHEMES[url.protocol];
  if (!dialect) {
    throw new ConfigError(`${variable} uses the scheme "${url.protocol}", which is not supported (postgres:// or mssql://).`, { action, details: { variable } });
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!url.hostname) throw new ConfigError(`${variable} names no host.`, { action, details: { variable } });
  if (!database || database.includes('/')) throw new ConfigError(`${variable} names no database (the path after the host).`, { action, details: { variable } });
  const port = url.port ? Number(url.port) : DEFAULT_PORT[dialect];
  const user = decodeURIComponent(url.username);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    dialect,
    variable,
    raw: value.trim(),
    host,
    port,
    database,
    user,
    password,
    params: url.searchParams,
    display: `${url.protocol}//${user ? `${encodeURIComponent(user)}@` : ''}${url.host}/${encodeURIComponent(database)}`,
  };
}
