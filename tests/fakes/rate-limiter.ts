/**
 * Server-side rate limiting for the fakes: a fixed window of `count` requests per `windowMs`,
 * answered with 429 and the header style of the target being faked.
 *
 * Styles:
 * - `'retry-after'`: `Retry-After: <seconds>` (INNERGY, assumed; reverse proxies);
 * - `'ratelimit'`: `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (epoch seconds), no
 *   `Retry-After` (OpenProject);
 * - `'x-ratelimit'`: `X-RateLimit-Limit/Remaining/Reset` (epoch seconds) on every response, plus
 *   `Retry-After` on a 429 (DevRev).
 */
import type { FakeRequest } from './types.js';

/** How a 429 (and optionally every response) advertises the limit. */
export type RateLimitHeaderStyle = 'retry-after' | 'ratelimit' | 'x-ratelimit';

/** Facts about the window a request fell into. */
export interface RateLimitInfo {
  /** Window key (see `RateLimitOptions.keyBy`). */
  key: string;
  limit: number;
  /** Requests left in the window after this one (0 when limited). */
  remaining: number;
  /** When the window ends, epoch milliseconds. */
  resetAtMs: number;
  /** When the window ends, epoch seconds (rounded up), as `RateLimit-Reset` / `X-RateLimit-Reset`. */
  resetEpochSeconds: number;
  /** Seconds a limited client should wait (what `Retry-After` says). */
  retryAfterSeconds: number;
}

/** Rate-limit settings of a fake. */
export interface RateLimitOptions {
  /** Requests allowed per window. */
  count: number;
  /** Window length in milliseconds. */
  windowMs: number;
  /** Header style of the 429. @default 'retry-after' */
  headerStyle?: RateLimitHeaderStyle;
  /** Body of the 429 (each target has its own); the server's error renderer is used when absent. */
  body?: (info: RateLimitInfo) => unknown;
  /** Fixed `Retry-After` value in seconds instead of the time left in the window. */
  retryAfterSeconds?: number;
  /** Splits the budget per caller (e.g. per token, as DevRev does per user). @default one shared window */
  keyBy?: (req: FakeRequest) => string;
  /** Send the limit headers on every response, not only on 429. @default true for 'x-ratelimit' */
  headersOnEveryResponse?: boolean;
  /**
   * Windows aligned to the epoch (`floor(now / windowMs)`), as Rack::Attack counts (OpenProject),
   * instead of starting at the first request after the previous window ended. @default false
   */
  alignToEpoch?: boolean;
}

/** The outcome of `take()`. */
export interface RateLimitDecision extends RateLimitInfo {
  allowed: boolean;
}

interface Window {
  startMs: number;
  used: number;
}

/** A fixed-window limiter; reconfigurable at runtime, disabled when configured with `null`. */
export class FixedWindowRateLimiter {
  #options: RateLimitOptions | null = null;
  #windows = new Map<string, Window>();
  #limited = 0;

  constructor(
    options: RateLimitOptions | null | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.configure(options ?? null);
  }

  /** Current settings (`null` = off). */
  get options(): RateLimitOptions | null {
    return this.#options;
  }

  /** How many 429s were sent since the last `reset()`. */
  get limitedCount(): number {
    return this.#limited;
  }

  /** Replaces the settings (`null` turns limiting off) and starts fresh windows. */
  configure(options: RateLimitOptions | null): void {
    if (options && (!(options.count >= 0) || !(options.windowMs > 0))) {
      throw new RangeError(`rate limit needs count >= 0 and windowMs > 0, got ${JSON.stringify(options)}`);
    }
    this.#options = options;
    this.#windows.clear();
  }

  /** Forgets all windows and the 429 count. */
  reset(): void {
    this.#windows.clear();
    this.#limited = 0;
  }

  /** Consumes one unit for `req`; `undefined` when limiting is off. */
  take(req: FakeRequest): RateLimitDecision | undefined {
    const options = this.#options;
    if (!options) return undefined;
    const key = options.keyBy ? options.keyBy(req) : '*';
    const now = this.now();
    let window = this.#windows.get(key);
    if (!window || now >= window.startMs + options.windowMs) {
      window = { startMs: options.alignToEpoch ? Math.floor(now / options.windowMs) * options.windowMs : now, used: 0 };
      this.#windows.set(key, window);
    }
    const allowed = window.used < options.count;
    if (allowed) window.used += 1;
    else this.#limited += 1;
    const resetAtMs = window.startMs + options.windowMs;
    return {
      key,
      allowed,
      limit: options.count,
      remaining: Math.max(0, options.count - window.used),
      resetAtMs,
      resetEpochSeconds: Math.ceil(resetAtMs / 1000),
      retryAfterSeconds: options.retryAfterSeconds ?? Math.max(0, Math.ceil((resetAtMs - now) / 1000)),
    };
  }

  /** Headers for a response; `limited` says whether it is the 429. */
  headers(info: RateLimitInfo, limited: boolean): Record<string, string> {
    const options = this.#options;
    if (!options) return {};
    const style = options.headerStyle ?? 'retry-after';
    const every = options.headersOnEveryResponse ?? style === 'x-ratelimit';
    if (!limited && !every) return {};
    const retryAfter = String(info.retryAfterSeconds);
    switch (style) {
      case 'retry-after':
        return limited ? { 'retry-after': retryAfter } : {};
      case 'ratelimit':
        return {
          'ratelimit-limit': String(info.limit),
          'ratelimit-remaining': String(info.remaining),
          'ratelimit-reset': String(info.resetEpochSeconds),
        };
      case 'x-ratelimit':
        return {
          'x-ratelimit-limit': String(info.limit),
          'x-ratelimit-remaining': String(info.remaining),
          'x-ratelimit-reset': String(info.resetEpochSeconds),
          ...(limited ? { 'retry-after': retryAfter } : {}),
        };
    }
  }
}
