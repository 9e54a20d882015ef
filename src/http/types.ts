/**
 * The public types of the HTTP client: its options, per-request options, responses and stats.
 */
import type { Logger } from '../logging/logger.js';
import type { RateSpec } from '../config/rate-spec.js';
import type { CircuitBreaker, CircuitBreakerOptions } from './circuit-breaker.js';
import type { TokenBucket } from './token-bucket.js';

/** HTTP methods the client sends. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

/** How to read a successful response body. */
export type ResponseType = 'json' | 'text' | 'none';

/** Options of {@link createHttpClient}: one client per target. */
export interface HttpClientOptions {
  /** Display name used in messages and logs, e.g. "INNERGY", "OpenProject", "DevRev". */
  target: string;
  /** Base URL every path is appended to, e.g. "https://app.innergy.com" (a path part is kept). */
  baseUrl: string;
  /** Headers sent with every request, typically the auth header. Their secret values are registered for redaction. */
  headers?: Record<string, string>;
  /** Client-side rate limit (`<TARGET>_RATE_LIMIT`), enforced by a token bucket. */
  rateLimit: RateSpec;
  /**
   * Tokens the bucket may hold: requests that may go back to back after an idle period.
   * @default 1
   */
  burst?: number;
  /**
   * Retries after the first attempt (`MAX_RETRIES`).
   * @default 5
   */
  maxRetries?: number;
  /**
   * Time allowed for one attempt (until the headers arrive, and again for reading the body).
   * @default 30000
   */
  timeoutMs?: number;
  /**
   * Delay before the first retry; each further retry doubles it (with jitter: 50–100% of it).
   * @default 300
   */
  retryDelayMs?: number;
  /**
   * Upper bound of one exponential backoff delay (not of a server-given reset time).
   * @default 30000
   */
  backoffLimitMs?: number;
  /**
   * Longest reset time (Retry-After, RateLimit-Reset…) the client waits; a longer one is not
   * waited for: the request fails with a transient error (the run is interrupted, resumable).
   * @default 120000
   */
  maxRetryAfterMs?: number;
  /**
   * Circuit breaker settings.
   * @default { failureThreshold: 10, cooldownMs: 30000 }
   */
  circuitBreaker?: CircuitBreakerOptions;
  /**
   * The action of an AuthError on 401/403, naming the key variable.
   * @default "Check the API key or token for this target in the environment and its permissions, then resume the run."
   */
  authHint?: string;
  /**
   * A token bucket shared with other clients of the same target (one rate limit per target for
   * the whole process). @default a bucket of its own, built from `rateLimit` and `burst`
   */
  bucket?: TokenBucket;
  /**
   * Keep inside the rate-limit window every answer reports (`X-RateLimit-Limit/Remaining/Reset`
   * or `RateLimit-*`): the pace slows before the window is spent. @default true
   */
  adaptivePacing?: boolean;
  /** A circuit breaker shared with other clients of the same target. @default one of its own */
  breaker?: CircuitBreaker;
  /** Winston logger; each retry is logged at `warn` (redacted URL, status, delay). */
  logger?: Logger;
  /**
   * User-Agent header.
   * @default "migration-mcp/<package version>"
   */
  userAgent?: string;
}

/** Options of one request. */
export interface RequestOptions {
  /** A JSON body (sent with `content-type: application/json`). */
  json?: unknown;
  /** Query parameters; `undefined` values are left out. */
  searchParams?: Record<string, string | number | boolean | undefined> | URLSearchParams;
  /** Aborts waiting for a token, a backoff delay and the request itself (→ CancelledError). */
  signal?: AbortSignal;
  /** Extra headers for this request. */
  headers?: Record<string, string>;
  /**
   * Whether a network error, timeout, 408 or 5xx may be retried. 429s and connections that were
   * never established are always retried (the target did not process the request).
   * @default true for GET, PUT, DELETE, HEAD, OPTIONS; false for POST and PATCH
   */
  retryable?: boolean;
  /**
   * Time allowed for one attempt.
   * @default the client's timeoutMs
   */
  timeoutMs?: number;
  /**
   * How to read a successful body: parsed JSON (a non-JSON body is a NonJsonResponseError), text, or not at all.
   * @default 'json'
   */
  responseType?: ResponseType;
}

/** A successful response. `body` is `undefined` when the answer had no body (e.g. 204) or for `responseType: 'none'`. */
export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** Counters of one client, for benchmarks and reports. */
export interface HttpStats {
  /** HTTP attempts actually sent, retries included. */
  requests: number;
  /** Attempts that were retries. */
  retries: number;
  /** Responses with status 429. */
  rateLimited: number;
  /** Requests that finally failed (any error except cancellation). */
  failures: number;
  /** Attempts sent per method. */
  byMethod: Partial<Record<HttpMethod, number>>;
}

/** The HTTP client of one target. */
export interface HttpClient {
  /** Display name of the target. */
  readonly target: string;
  /** The target's token bucket (shared by every request of this client). */
  readonly bucket: TokenBucket;
  /** The target's circuit breaker. */
  readonly breaker: CircuitBreaker;
  /** Sends a request with rate limiting, retries and error mapping; resolves on 2xx/3xx. */
  request<T = unknown>(method: HttpMethod, path: string, options?: RequestOptions): Promise<HttpResponse<T>>;
  /** `request('GET', …)`. */
  get<T = unknown>(path: string, options?: RequestOptions): Promise<HttpResponse<T>>;
  /** `request('POST', …)`; not retried on 5xx/network errors unless `retryable: true`. */
  post<T = unknown>(path: string, options?: RequestOptions): Promise<HttpResponse<T>>;
  /** `request('PUT', …)`. */
  put<T = unknown>(path: string, options?: RequestOptions): Promise<HttpResponse<T>>;
  /** `request('PATCH', …)`; not retried on 5xx/network errors unless `retryable: true`. */
  patch<T = unknown>(path: string, options?: RequestOptions): Promise<HttpResponse<T>>;
  /** `request('DELETE', …)`. */
  delete<T = unknown>(path: string, options?: RequestOptions): Promise<HttpResponse<T>>;
  /** A snapshot of the counters. */
  stats(): HttpStats;
}
