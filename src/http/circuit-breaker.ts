/**
 * A circuit breaker per target: after `failureThreshold` consecutive requests that failed for a
 * transient reason (network error, timeout, 408/429/5xx — after their retries), the circuit opens
 * and every request is refused at once with a `CircuitOpenError`, so a run that sees only failures
 * stops (and is marked interrupted, resumable) instead of hammering a sick server. After
 * `cooldownMs` one trial request is let through (half-open): its success closes the circuit, its
 * failure opens it for another cooldown. Any success resets the count.
 */
import { CircuitOpenError } from './errors.js';

/** Options of a {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /**
   * Consecutive transient failures that open the circuit.
   * @default 10
   */
  failureThreshold?: number;
  /**
   * How long the circuit stays open before one trial request is let through.
   * @default 30000
   */
  cooldownMs?: number;
  /** Display name of the target, used in the CircuitOpenError message. */
  target?: string;
}

/** `closed`: requests flow; `open`: refused; `half_open`: one trial request is in flight. */
export type CircuitState = 'closed' | 'open' | 'half_open';

/** Every breaker still in use, weakly held (for the breaker-state metric). */
const live = new Set<WeakRef<CircuitBreaker>>();

/** The circuit breakers of the process that are still in use. */
export function circuitBreakers(): CircuitBreaker[] {
  const out: CircuitBreaker[] = [];
  for (const ref of live) {
    const breaker = ref.deref();
    if (breaker) out.push(breaker);
    else live.delete(ref);
  }
  return out;
}

/** Counts consecutive transient failures of one target and refuses requests while open. */
export class CircuitBreaker {
  readonly failureThreshold: number;
  readonly cooldownMs: number;
  readonly #target: string;
  #failures = 0;
  #openedAt = 0;
  #state: CircuitState = 'closed';
  #trialInFlight = false;

  constructor(options: CircuitBreakerOptions = {}) {
    this.failureThreshold = Math.max(1, options.failureThreshold ?? 10);
    this.cooldownMs = Math.max(0, options.cooldownMs ?? 30_000);
    this.#target = options.target ?? 'The target';
    live.add(new WeakRef(this));
  }

  /** Display name of the target. */
  get target(): string {
    return this.#target;
  }

  /** The current state (an open circuit whose cooldown has passed reports `half_open`). */
  get state(): CircuitState {
    if (this.#state === 'open' && Date.now() - this.#openedAt >= this.cooldownMs) return 'half_open';
    return this.#state;
  }

  /** Consecutive transient failures seen so far. */
  get consecutiveFailures(): number {
    return this.#failures;
  }

  /**
   * Call before sending a request. Throws a `CircuitOpenError` while the circuit is open, or while
   * it is half-open and the one trial request is already in flight; otherwise lets the call through
   * (the first call after the cooldown becomes the trial).
   */
  check(): void {
    const state = this.state;
    if (state === 'closed') return;
    if (state === 'half_open' && !this.#trialInFlight) {
      this.#state = 'half_open';
      this.#trialInFlight = true;
      return;
    }
    throw this.error();
  }

  /** Throws the CircuitOpenError when the circuit is open (does not claim the trial slot). */
  assertNotOpen(): void {
    if (this.state === 'open') throw this.error();
  }

  /** Records a request whose target answered (any non-transient outcome): closes the circuit. */
  recordSuccess(): void {
    this.#failures = 0;
    this.#state = 'closed';
    this.#trialInFlight = false;
  }

  /** Records a request that finally failed for a transient reason. */
  recordFailure(): void {
    this.#failures += 1;
    if (this.#trialInFlight || this.#failures >= this.failureThreshold) {
      this.#state = 'open';
      this.#openedAt = Date.now();
    }
    this.#trialInFlight = false;
  }

  /** Records a request that ended without telling anything about the target (e.g. cancelled). */
  recordNeutral(): void {
    if (this.#trialInFlight) {
      this.#trialInFlight = false;
      if (this.#state === 'half_open') {
        this.#state = 'open'; // the cooldown has passed: the next check() becomes the trial
      }
    }
  }

  /** The error thrown while the circuit is open. */
  error(): CircuitOpenError {
    const retryInMs = Math.max(0, this.#openedAt + this.cooldownMs - Date.now());
    return new CircuitOpenError(this.#target, this.#failures, retryInMs);
  }
}
