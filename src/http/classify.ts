/**
 * The one table that says what an HTTP status means for a migration (Airbyte-style):
 * retry it, back off for a rate limit, stop the run, fail only this record, or carry on.
 * The client, the retry policy and the error mapping all read this table.
 */

/** What to do with a response of a given status. */
export type ResponseAction = 'ok' | 'retry' | 'rate_limited' | 'stop_run' | 'fail_record';

/** Explicit entries; everything else falls back by status class (see `classifyStatus`). */
const TABLE: ReadonlyMap<number, ResponseAction> = new Map<number, ResponseAction>([
  [401, 'stop_run'], // bad or missing credentials: no record can succeed
  [403, 'stop_run'], // the key lacks a permission: no record can succeed
  [408, 'retry'], // the server gave up waiting for the request: it was not processed
  [429, 'rate_limited'], // throttled: not processed, safe to repeat after the reset time
  [501, 'fail_record'], // 501: the server lacks the feature, so repeating cannot help
]);

/**
 * Maps a response status to the action the migration takes:
 * `ok` (2xx/3xx), `retry` (408, 5xx except 501), `rate_limited` (429),
 * `stop_run` (401, 403), `fail_record` (other 4xx such as 400, 404, 409, 422, and 501).
 */
export function classifyStatus(status: number): ResponseAction {
  const explicit = TABLE.get(status);
  if (explicit) return explicit;
  if (status >= 200 && status < 400) return 'ok';
  if (status >= 500 && status < 600) return 'retry';
  return 'fail_record';
}

/** Whether a status is worth repeating later (408, 429, 5xx except 501): a transient cause. */
export function isTransientStatus(status: number): boolean {
  const action = classifyStatus(status);
  return action === 'retry' || action === 'rate_limited';
}

/** Every status ky may retry: the transient ones, for ky's `retry.statusCodes`. */
export const RETRY_STATUS_CODES: readonly number[] = Array.from({ length: 500 }, (_, i) => i + 100).filter(
  isTransientStatus,
);

/** Statuses whose reset headers (Retry-After, RateLimit-Reset…) say when to try again. */
export const RETRY_AFTER_STATUS_CODES: readonly number[] = [429, 503];
