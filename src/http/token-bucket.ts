/**
 * Client-side rate limiting: one token bucket per target, built from `<TARGET>_RATE_LIMIT`.
 *
 * Tokens refill continuously at `count / windowMs`; the bucket holds at most `burst` tokens
 * (default 1, so requests are spaced evenly and never exceed the rate in any window). Waiters are
 * served first come, first served by a single timer. `pauseUntil()` holds every waiter, and every
 * new taker, until a time the server named in a 429, so concurrent workers back off together.
 */
import { CancelledError } from '../engine/errors.js';
import type { RateSpec } from '../config/rate-spec.js';

/** Options of a {@link TokenBucket}. */
export interface TokenBucketOptions {
  /**
   * Largest number of requests that may go out back to back after an idle period.
   * @default 1
   */
  burst?: number;
  /** Name used in cancellation messages, e.g. "INNERGY". */
  name?: string;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** A FIFO token bucket pacing requests to one target. */
export class TokenBucket {
  /** Refill rate in tokens per millisecond. */
  readonly #ratePerMs: number;
  readonly #capacity: number;
  readonly #name: string;
  #tokens: number;
  #refilledAt: number;
  #pausedUntil = 0;
  #queue: Waiter[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(spec: RateSpec, options: TokenBucketOptions = {}) {
    if (!(spec.count > 0) || !(spec.windowMs > 0)) {
      throw new RangeError(`A rate limit must allow at least one request per window (got ${spec.count}/${spec.windowMs} ms).`);
    }
    this.#ratePerMs = spec.count / spec.windowMs;
    this.#capacity = Math.max(1, options.burst ?? 1);
    this.#name = options.name ?? 'the target';
    this.#tokens = this.#capacity;
    this.#refilledAt = Date.now();
  }

  /** Milliseconds between two requests at the steady rate. */
  get intervalMs(): number {
    return 1 / this.#ratePerMs;
  }

  /** Number of callers currently waiting for a token. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** The epoch ms until which the bucket is paused (0 or a past time when it is not). */
  get pausedUntil(): number {
    return this.#pausedUntil;
  }

  /**
   * Resolves when a token is available and takes it. Rejects with a `CancelledError` when the
   * signal aborts first (the waiter is removed and no timer is left behind).
   */
  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(this.#cancelled());
    if (this.#queue.length === 0 && this.#tryTake(Date.now())) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => {
          const index = this.#queue.indexOf(waiter);
          if (index >= 0) this.#queue.splice(index, 1);
          reject(this.#cancelled());
          this.#schedule();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.#queue.push(waiter);
      this.#schedule();
    });
  }

  /**
   * Holds every waiter and new taker until `epochMs` (a later pause wins over an earlier one).
   * Used when a response says the server's window resets at a given time.
   */
  pauseUntil(epochMs: number): void {
    if (!Number.isFinite(epochMs) || epochMs <= this.#pausedUntil) return;
    this.#pausedUntil = epochMs;
    this.#schedule();
  }

  #cancelled(): CancelledError {
    return new CancelledError(`The request to ${this.#name} was cancelled while waiting for the rate limit.`);
  }

  #refill(now: number): void {
    if (now > this.#refilledAt) {
      this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#refilledAt) * this.#ratePerMs);
      this.#refilledAt = now;
    }
  }

  #tryTake(now: number): boolean {
    this.#refill(now);
    if (now < this.#pausedUntil || this.#tokens < 1 - 1e-9) return false;
    this.#tokens = Math.max(0, this.#tokens - 1);
    return true;
  }

  /** Serves waiters that can go now and arms one timer for the next; clears it when idle. */
  #schedule(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    let now = Date.now();
    while (this.#queue.length > 0 && this.#tryTake(now)) {
      const waiter = this.#queue.shift()!;
      if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.resolve();
      now = Date.now();
    }
    if (this.#queue.length === 0) return;
    const untilToken = (1 - this.#tokens) / this.#ratePerMs;
    const wait = Math.max(this.#pausedUntil - now, untilToken, 1);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#schedule();
    }, Math.ceil(wait));
  }
}
