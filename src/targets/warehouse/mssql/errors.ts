/**
 * SQL Server errors (the `mssql` package: ConnectionError/RequestError with a `code` such as
 * `ELOGIN`, `ESOCKET`, and the server's error `number`) turned into MigrationErrors that say which
 * database, what failed and what to do. Errors that are neither are returned unchanged.
 */
import { AuthError, ConfigError, TerminalError, TransientError, type MigrationError } from '../../../engine/errors.js';
import { redact } from '../../../logging/redact.js';
import type { DbUrl } from '../connection-url.js';
import { describeDb } from '../preflight.js';

/** Server error numbers: missing objects, permissions, transient conditions. */
const MISSING_OBJECT = new Set([207, 208, 2812, 4060]);
const PERMISSION = new Set([229, 230, 262, 300, 916]);
const TRANSIENT = new Set([1205, 1222, 40197, 40501, 40613, 49918, 49919, 49920]);

/** Maps an error thrown while `doing` something on `db` to a MigrationError (or returns it unchanged). */
export function mssqlError(error: unknown, db: DbUrl, doing: string): unknown {
  if (!(error instanceof Error)) return error;
  const name = error.name;
  if (!['ConnectionError', 'RequestError', 'TransactionError', 'PreparedStatementError'].includes(name)) return error;
  const code = (error as { code?: unknown }).code;
  const number = Number((error as { number?: unknown }).number);
  const message = redact(error.message);
  const where = describeDb(db);
  const details = { variable: db.variable, code, number: Number.isFinite(number) ? number : undefined };
  const make = (Kind: new (m: string, o?: object) => MigrationError, text: string, action: string) => new Kind(text, { action, details, cause: error });
  if (code === 'ELOGIN' || number === 18456) {
    return make(AuthError, `${where} refused the login of user "${db.user}": ${message}.`, `Check the user name and password in ${db.variable}, then run again.`);
  }
  if (code === 'ESOCKET' || code === 'ETIMEOUT' || code === 'ECONNCLOSED' || code === 'ENOTOPEN' || code === 'ECONNRESET') {
    if (/getaddrinfo ENOTFOUND/i.test(error.message)) {
      return make(ConfigError, `Could not ${doing}: host "${db.host}" of ${where} was not found.`, `Fix the host in ${db.variable}, then run again.`);
    }
    return make(
      TransientError,
      `Could not ${doing}: ${where} did not answer at ${db.host}:${db.port} (${message}).`,
      `Check the host and port in ${db.variable} and that the server is running and reachable, then run again (an interrupted run continues with resume_run).`,
    );
  }
  if (PERMISSION.has(number)) {
    return make(AuthError, `User "${db.user}" lacks a permission to ${doing} in ${where}: ${message}.`, `Grant the permission named in the message to "${db.user}" (SELECT on the source; SELECT, INSERT, UPDATE on dim.issue), then run again.`);
  }
  if (MISSING_OBJECT.has(number)) {
    return make(ConfigError, `Could not ${doing} in ${where}: ${message} (error ${number}).`, `Check that ${db.variable} points at the right database and that its schema matches the runbook, then run again.`);
  }
  if (TRANSIENT.has(number)) {
    return make(TransientError, `Could not ${doing} in ${where}: ${message} (error ${number}).`, 'Wait a little and run again; an interrupted run continues with resume_run.');
  }
  return make(TerminalError, `Could not ${doing} in ${where}: ${message}${Number.isFinite(number) ? ` (error ${number})` : ''}.`, 'Fix the cause named in the message, then run again; committed batches are kept and skipped.');
}
