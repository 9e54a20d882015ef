/**
 * Client-side rate limiting: one token bucket per target, built from `<TARGET>_RATE_LIMIT`.
 *
 * Tokens refill continuously at `count / windowMs`; the bucket holds at most `burst` tokens
 * (default 1, so requests are spaced evenly and never exceed the rate in any window). Waiters are
 * served first come, first served by a single timer. `pauseUntil()` holds every waiter, and every
 * new taker, until a time the server named in a 429, so concurrent workers back off together.
 * `observeWindow()` feeds it the window a response reported (`X-RateLimit-*`): the bucket then
 * also keeps inside that window, slowing down before it is spent (see window-budget.ts).
 */
import { CancelledError } from '../engine/errors.js';
import type { RateSpec } from '../config/rate-spec.js';
import type { RateLimitWindow } from './rate-limit-headers.js';
import { WindowBudget, type WindowEstimate } from './window-budget.js';

/** The time source of a {@link TokenBucket}: real time unless a test injects a manual clock. */
export interface BucketClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const REAL_TIME: BucketClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Options of a {@link TokenBucket}. */
export interface TokenBucketOptions {
  /**
   * Largest number of requests that may go out back to back after an idle period.
   * @default 1
   */
  burst?: number;
  /** Name used in cancellation messages, e.g. "INNERGY". */
  name?: string;
  /**
   * Requests left unspent in every server-reported window (see {@link TokenBucket.observeWindow}).
   * @default 1
   */
  windowReserve?: number;
  /** Time source (tests). @default real time (`Date.now`, `setTimeout`) */
  clock?: BucketClock;
}

interface Waiter {
  resolve: (sequence: number) => void;
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
  #timer: unknown;
  #taken = 0;
  #lastTakeAt = 0;
  readonly #budget: WindowBudget;
  readonly #clock: BucketClock;

  constructor(spec: RateSpec, options: TokenBucketOptions = {}) {
    if (!(spec.count > 0) || !(spec.windowMs > 0)) {
      throw new RangeError(`A rate limit must allow at least one request per window (got ${spec.count}/${spec.windowMs} ms).`);
    }
    this.#ratePerMs = spec.count / spec.windowMs;
    this.#capacity = Math.max(1, options.burst ?? 1);
    this.#name = options.name ?? 'the target';
    this.#tokens = this.#capacity;
    this.#clock = options.clock ?? REAL_TIME;
    this.#refilledAt = this.#clock.now();
    this.#budget = new WindowBudget(options.windowReserve ?? 1);
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

  /** Tokens taken so far (the sequence number of the latest take). */
  get taken(): number {
    return this.#taken;
  }

  /** The server-reported window the bucket keeps inside, when one is known. */
  get window(): WindowEstimate | undefined {
    return this.#budget.current(this.#clock.now());
  }

  /**
   * Resolves when a token is available and takes it, with the take's sequence number (pass it to
   * {@link observeWindow}). Rejects with a `CancelledError` when the signal aborts first (the
   * waiter is removed and no timer is left behind).
   */
  take(signal?: AbortSignal): Promise<number> {
    if (signal?.aborted) return Promise.reject(this.#cancelled());
    if (this.#queue.length === 0 && this.#tryTake(this.#clock.now())) return Promise.resolve(this.#taken);
    return new Promise<number>((resolve, reject) => {
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

  /**
   * Takes in the rate-limit window a response reported; `takenAs` is the sequence number of the
   * take that sent the request (requests taken since are still to be counted by the server).
   */
  observeWindow(window: RateLimitWindow, takenAs: number = this.#taken): void {
    this.#budget.observe(window, this.#taken - takenAs, this.#clock.now());
    if (this.#queue.length > 0) this.#schedule();
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
    if (this.#budget.waitMs(now, this.#lastTakeAt) > 0) return false;
    this.#tokens = Math.max(0, this.#tokens - 1);
    this.#budget.spend(now);
    this.#taken += 1;
    this.#lastTakeAt = now;
    return true;
  }

  /** Serves waiters that can go now and arms one timer for the next; clears it when idle. */
  #schedule(): void {
    if (this.#timer !== undefined) {
      this.#clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    let now = this.#clock.now();
    while (this.#queue.length > 0 && this.#tryTake(now)) {
      const waiter = this.#queue.shift()!;
      if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.resolve(this.#taken);
      now = this.#clock.now();
    }
    if (this.#queue.length === 0) return;
    const untilToken = (1 - this.#tokens) / this.#ratePerMs;
    const wait = Math.max(this.#pausedUntil - now, untilToken, this.#budget.waitMs(now, this.#lastTakeAt), 1);
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#schedule();
    }, Math.ceil(wait));
  }
}
