/**
 * Process-wide observers of the HTTP clients' traffic (metrics, rate-limit gauges): every attempt's
 * answer — or its failure — is reported to each observer, whatever target it went to. Observers
 * must be cheap and must not throw; one that throws is ignored.
 */

/** One attempt of one request. */
export interface HttpAttemptEvent {
  /** Display name of the target, e.g. "INNERGY". */
  target: string;
  method: string;
  /** Status of the answer, or undefined when no answer came (network error, timeout). */
  status: number | undefined;
  /** Whether this attempt was a retry. */
  retry: boolean;
  /** Response headers (rate-limit headers live here), when an answer came. */
  headers: Headers | undefined;
  /** Time from sending the attempt to its answer (body read) or failure. */
  durationMs?: number;
  /** Size of the answer's body, when one came. */
  bytes?: number;
}

export type HttpObserver = (event: HttpAttemptEvent) => void;

const observers = new Set<HttpObserver>();

/** Adds an observer; returns the function that removes it. */
export function observeHttp(observer: HttpObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

/** Reports an attempt to every observer. */
export function reportHttpAttempt(event: HttpAttemptEvent): void {
  for (const observer of observers) {
    try {
      observer(event);
    } catch {
      // an observer never breaks a request
    }
  }
}
