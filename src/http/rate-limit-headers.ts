/**
 * Reading "when may I try again" from a response: `Retry-After` (delta seconds or an HTTP date),
 * `RateLimit-Reset` and `X-RateLimit-Reset` (delta seconds, or epoch seconds as OpenProject and
 * GitHub send them). Same precedence and epoch rule as ky 1.14, so the delay ky waits before a
 * retry and the pause the token bucket imposes on every other worker agree.
 */

/** Header names in the order ky 1.14 consults them. */
const RESET_HEADERS = [
  'retry-after',
  'ratelimit-reset',
  'x-ratelimit-retry-after',
  'x-ratelimit-reset',
  'x-rate-limit-reset',
] as const;

/** Numbers of seconds at or above this (2024-01-01 in epoch seconds) are epoch times (ky's rule). */
const EPOCH_THRESHOLD_MS = Date.parse('2024-01-01');

/**
 * Milliseconds to wait before the next request as the response's reset headers say, or
 * `undefined` when there is no readable reset header. Never negative.
 */
export function resetDelayMs(headers: Headers, now: number = Date.now()): number | undefined {
  for (const name of RESET_HEADERS) {
    const value = headers.get(name)?.trim();
    if (!value) continue;
    const delay = parseResetValue(value, now);
    if (delay !== undefined) return delay;
  }
  return undefined;
}

/** Parses one reset header value: delta seconds, epoch seconds, or an HTTP date. */
export function parseResetValue(value: string, now: number = Date.now()): number | undefined {
  if (/^\d+(\.\d+)?$/.test(value)) {
    const ms = Number(value) * 1000;
    return Math.max(0, ms >= EPOCH_THRESHOLD_MS ? ms - now : ms);
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A server's rate-limit window as one response reports it. */
export interface RateLimitWindow {
  /** Requests the window allows (`X-RateLimit-Limit`); equals `remaining` when the header is absent. */
  limit: number;
  /** Requests left in the window after this one (`X-RateLimit-Remaining`). */
  remaining: number;
  /** When the window resets, epoch milliseconds (`X-RateLimit-Reset`, epoch or delta seconds). */
  resetAtMs: number;
}

/** Header families that describe the current window: DevRev/GitHub style, then the IETF draft (OpenProject). */
const WINDOW_PREFIXES = ['x-ratelimit-', 'ratelimit-'] as const;

/**
 * The window a response describes (`X-RateLimit-Limit/Remaining/Reset`, or `RateLimit-*`), or
 * `undefined` when the response carries no readable remaining count and reset time.
 */
export function readRateLimitWindow(headers: Headers, now: number = Date.now()): RateLimitWindow | undefined {
  for (const prefix of WINDOW_PREFIXES) {
    const remaining = wholeNumber(headers.get(`${prefix}remaining`));
    const reset = headers.get(`${prefix}reset`)?.trim();
    if (remaining === undefined || !reset) continue;
    const delay = parseResetValue(reset, now);
    if (delay === undefined) continue;
    const limit = wholeNumber(headers.get(`${prefix}limit`)) ?? remaining;
    return { limit: Math.max(limit, remaining), remaining, resetAtMs: now + delay };
  }
  return undefined;
}

function wholeNumber(value: string | null): number | undefined {
  const text = value?.trim();
  if (!text || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}
