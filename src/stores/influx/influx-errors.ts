/**
 * InfluxDB client errors as the operator errors of migration-mcp: who can fix it and what to do.
 * Messages name the server's origin and InfluxDB's own message, never the token.
 *
 * | status | error | what to do |
 * |---|---|---|
 * | 401, 403 | AuthError | check INFLUX_TOKEN (1.8: `user:password`) and its permission on the bucket |
 * | 404 | ConfigError | check INFLUX_ORG / INFLUX_BUCKET (1.8: `database/retention-policy`) |
 * | 400, 413, 422 | TerminalError | the server refused the data (field type conflict, size) |
 * | 429, 5xx, network, timeout | TransientError | wait, then resume the run |
 */
import { HttpError } from '@influxdata/influxdb-client';
import { AuthError, ConfigError, MigrationError, TerminalError, TransientError } from '../../engine/errors.js';
import { redact } from '../../logging/redact.js';

/** InfluxDB's message from an error body (`{"code": …, "message": …}`), else the client's. */
function serverMessage(error: HttpError): string {
  const json = error.json as { message?: unknown } | undefined;
  const message = typeof json?.message === 'string' ? json.message : error.body ?? error.message;
  return redact(String(message)).slice(0, 300);
}

/** Maps anything thrown by the InfluxDB client to a MigrationError (MigrationErrors pass through). */
export function influxError(error: unknown, origin: string): MigrationError {
  if (error instanceof MigrationError) return error;
  if (error instanceof HttpError) {
    const status = error.statusCode;
    const said = `InfluxDB at ${origin} answered ${status}: ${serverMessage(error)}`;
    const details = { target: 'influxdb', status };
    if (status === 401 || status === 403) {
      return new AuthError(`${said}.`, {
        action: 'Check INFLUX_TOKEN (for InfluxDB 1.8, "user:password") and that it may read and write the bucket INFLUX_BUCKET, then run again.',
        details,
        cause: error,
      });
    }
    if (status === 404) {
      return new ConfigError(`${said}.`, {
        action: 'Check INFLUX_ORG and INFLUX_BUCKET (for InfluxDB 1.8, INFLUX_BUCKET is "database/retention-policy"), then run again.',
        details,
        cause: error,
      });
    }
    if (status === 429 || status >= 500) {
      return new TransientError(`${said} (still failing after the client's retries).`, { details, cause: error });
    }
    const hint = /field type conflict/i.test(said)
      ? 'A column changed type (text vs number) since an earlier batch: write to a new bucket, or keep the column type in wpr_columns.json, then run again.'
      : 'InfluxDB refused the data; fix the cause named in the message, then run again.';
    return new TerminalError(`${said}.`, { action: hint, details, cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new TransientError(`InfluxDB at ${origin} could not be reached or did not answer: ${redact(message)}.`, {
    action: 'Check INFLUX_URL and that InfluxDB is running, then run again (or resume the run).',
    details: { target: 'influxdb' },
    cause: error,
  });
}
