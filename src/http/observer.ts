/**
 * A process-wide observer of every HTTP client: each attempt's response (status, duration, bytes,
 * the rate-limit window it reported), network failures, retries and circuit-breaker state. Metrics
 * subscribe here, so every target's client reports without being handed anything. Emitting costs
 * nothing when nobody listens; a listener that throws is ignored (observing never breaks a request).
 */
import type { CircuitState } from './circuit-breaker.js';

/** What the HTTP layer reports. */
export type HttpEvent =
  | {
      type: 'response';
      target: string;
      method: string;
      status: number;
      durationMs: number;
      /** Body size as received. */
      bytes: number;
      /** The server's rate-limit window after this answer, when it reports one. */
      window?: { limit: number; remaining: number };
    }
  | { type: 'network_error'; target: string; method: string; durationMs: number; code: string }
  | { type: 'retry'; target: string; method: string }
  | { type: 'breaker'; target: string; state: CircuitState };

/** A subscriber to {@link HttpEvent}s. */
export type HttpListener = (event: HttpEvent) => void;

const listeners = new Set<HttpListener>();

/** Subscribes to every HTTP client's events; returns the unsubscribe function. */
export function onHttpEvent(listener: HttpListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Whether anybody listens (lets the client skip building events). */
export function hasHttpListeners(): boolean {
  return listeners.size > 0;
}

/** Reports an event to every listener. */
export function emitHttpEvent(event: HttpEvent): void {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch {
      // an observer must never break a request
    }
  }
}
