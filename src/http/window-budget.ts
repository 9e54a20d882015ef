/**
 * Adaptive pacing from the server's own rate-limit window (`X-RateLimit-Limit/Remaining/Reset`,
 * or `RateLimit-*`): the token bucket keeps the client-side rate; this budget keeps the client
 * inside the window the server reports, so a run slows down *before* the window is spent instead
 * of running into 429s and sleeping through the rest of it.
 *
 * - Every response that reports a window updates the estimate of requests left in it. Requests
 *   taken after the observed one are still to be counted by the server, so they are subtracted:
 *   the estimate stays right with several workers in flight.
 * - While more than `freeFraction` of the window is left, the client-side rate alone applies (a
 *   short run is never slowed down). Below that, the requests left (minus `reserve`) are spread
 *   evenly over the time to the reset; when only the reserve is left, every request waits for it.
 *   Either way the whole window is used by its reset, and no request runs into a 429.
 * - When the reset time passes the window is forgotten (the client-side rate applies) until the
 *   next response reports the new one.
 *
 * Used by `TokenBucket`, so the budget is shared by every client of the same target.
 */
import type { RateLimitWindow } from './rate-limit-headers.js';

/** What the budget believes about the current window. */
export interface WindowEstimate {
  limit: number;
  /** Requests the client may still send before the reset (estimate). */
  remaining: number;
  resetAtMs: number;
}

/** Reported resets closer than this to the known one belong to the same window (servers round to seconds). */
const SAME_WINDOW_MS = 1000;

/** The server-reported window budget of one target. */
export class WindowBudget {
  #window: WindowEstimate | undefined;

  /**
   * @param reserve requests kept unspent in every window (other clients of the same token, clock
   *   skew); the budget waits for the reset when only these are left. @default 1
   * @param freeFraction share of the window spent at the client-side rate before pacing starts. @default 0.5
   */
  constructor(
    readonly reserve: number = 1,
    readonly freeFraction: number = 0.5,
  ) {}

  /** The current window estimate, or undefined when none is known (or it has reset). */
  current(now: number = Date.now()): WindowEstimate | undefined {
    const window = this.#window;
    if (window && now >= window.resetAtMs) this.#window = undefined;
    return this.#window ? { ...this.#window } : undefined;
  }

  /**
   * Milliseconds until the next request may go, given when the previous one went: 0 when no
   * window is known or the budget allows it now.
   */
  waitMs(now: number, lastTakeAt: number): number {
    const window = this.current(now);
    if (!window) return 0;
    const spare = window.remaining - this.reserve;
    if (spare <= 0) return window.resetAtMs - now;
    if (lastTakeAt <= 0 || window.remaining > window.limit * this.freeFraction) return 0;
    // Even spacing: the next request at t with t - last >= (reset - t) / spare.
    const earliest = (spare * lastTakeAt + window.resetAtMs) / (spare + 1);
    return Math.max(0, earliest - now);
  }

  /** Counts one request sent inside the current window. */
  spend(now: number = Date.now()): void {
    if (this.current(now)) this.#window!.remaining -= 1;
  }

  /**
   * Takes in what a response reported. `sentSince` is how many requests were taken after the one
   * that got this response (still to be counted by the server).
   */
  observe(reported: RateLimitWindow, sentSince = 0, now: number = Date.now()): void {
    if (reported.resetAtMs <= now) return;
    const remaining = reported.remaining - Math.max(0, sentSince);
    const known = this.current(now);
    if (!known || reported.resetAtMs > known.resetAtMs + SAME_WINDOW_MS) {
      this.#window = { limit: reported.limit, remaining, resetAtMs: reported.resetAtMs };
      return;
    }
    if (reported.resetAtMs < known.resetAtMs - SAME_WINDOW_MS) return; // a late answer from an older window
    this.#window = { limit: reported.limit, remaining: Math.min(known.remaining, remaining), resetAtMs: known.resetAtMs };
  }
}
