/**
 * PostgreSQL errors (node-postgres: `code` is the SQLSTATE, or a Node network code) turned into
 * MigrationErrors that say which database, what failed and what to do. Errors that are neither
 * are returned unchanged (bugs stay bugs).
 */
import { AuthError, ConfigError, TerminalError, TransientError, type MigrationError } from '../../../engine/errors.js';
import { redact } from '../../../logging/redact.js';
import type { DbUrl } from '../connection-url.js';
import { describeDb } from '../preflight.js';

const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN']);

/** Maps an error thrown while `doing` something on `db` to a MigrationError (or returns it unchanged). */
export function pgError(error: unknown, db: DbUrl, doing: string): unknown {
  if (!(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  const message = redact(error.message);
  const where = describeDb(db);
  const details = { variable: db.variable, code };
  const make = (Kind: new (m: string, o?: object) => MigrationError, text: string, action: string) => new Kind(text, { action, details, cause: error });
  if (code === 'ENOTFOUND') {
    return make(ConfigError, `Could not ${doing}: host "${db.host}" of ${where} was not found.`, `Fix the host in ${db.variable}, then run again.`);
  }
  if ((typeof code === 'string' && NETWORK.has(code)) || /timeout expired|Connection terminated/i.test(error.message)) {
    return make(
      TransientError,
      `Could not ${doing}: ${where} did not answer at ${db.host}:${db.port} (${message}).`,
      `Check the host and port in ${db.variable} and that the server is running and reachable, then run again (an interrupted run continues with resume_run).`,
    );
  }
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return error;
  if (code === '28P01' || code === '28000') {
    return make(AuthError, `${where} refused the login of user "${db.user}": ${message}.`, `Check the user name and password in ${db.variable}, then run again.`);
  }
  if (code === '3D000') {
    return make(ConfigError, `Database "${db.database}" does not exist on ${db.host}:${db.port} (${db.variable}).`, `Fix the database name in ${db.variable}, then run again.`);
  }
  if (code === '42501') {
    return make(AuthError, `User "${db.user}" lacks a permission to ${doing} in ${where}: ${message}.`, `Grant the permission named in the message to "${db.user}" (SELECT on the source; SELECT, INSERT, UPDATE on dim.issue and TEMP on the warehouse), then run again.`);
  }
  if (code.startsWith('08') || code.startsWith('57P') || code === '40001' || code === '40P01' || code === '53300') {
    return make(TransientError, `Could not ${doing} in ${where}: ${message} (SQLSTATE ${code}).`, 'Wait a little and run again; an interrupted run continues with resume_run.');
  }
  if (code === '42P01' || code === '42703' || code === '3F000') {
    return make(ConfigError, `Could not ${doing} in ${where}: ${message} (SQLSTATE ${code}).`, `Check that ${db.variable} points at the right database and that its schema matches the runbook, then run again.`);
  }
  return make(TerminalError, `Could not ${doing} in ${where}: ${message} (SQLSTATE ${code}).`, 'Fix the cause named in the message, then run again; committed batches are kept and skipped.');
}
