/**
 * WPR batch ids: the seed's `YYYYMMDDHHMMSS` by default (the ingest time, UTC), or the operator's
 * own (`backfill-run-v1`): letters, digits, `.`, `_`, `-`, at most 64, so an id is safe in file
 * names (`wpr_rejects_<batch_id>.csv`) and InfluxDB tags.
 */

/** The pattern every batch id matches. */
export const BATCH_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** `YYYYMMDDHHMMSS` of a time, in UTC. */
export function defaultBatchId(now: Date = new Date()): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}
