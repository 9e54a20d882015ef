/**
 * The HTTP client every target (INNERGY, OpenProject, DevRev) uses, built on ky 1.14.
 *
 * ky does the retry loop: exponential backoff with jitter, waiting for `Retry-After` /
 * `RateLimit-Reset` / `X-RateLimit-Reset`, retrying timeouts. This module adds what ky lacks:
 * a token bucket taken before every attempt (`beforeRequest`), a shared pause of that bucket when
 * a 429 names a reset time and adaptive pacing inside the window every answer reports
 * (`X-RateLimit-*`, `afterResponse`), the "never blindly repeat a write" policy
 * (`shouldRetry`), a circuit breaker, body reading inside the retry loop, JSON checks, stats,
 * retry logs, and the mapping of every failure to the error taxonomy with redacted facts.
 */
import { createRequire } from 'node:module';
import ky, { type Options, type RetryOptions } from 'ky';
import { CancelledError, ConfigError, MigrationError, TerminalError } from '../engine/errors.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { checkBaseUrl, registerHeaderSecrets } from './credentials.js';
import { classifyStatus, RETRY_AFTER_STATUS_CODES, RETRY_STATUS_CODES } from './classify.js';
import { CircuitOpenError } from './errors.js';
import { reportHttpAttempt } from './observers.js';
import { readRateLimitWindow, resetDelayMs } from './rate-limit-headers.js';
import { bufferResponse, readBody, toMigrationError } from './response.js';
import { decideRetry } from './retry-policy.js';
import { redactUrl } from './sanitize.js';
import { TokenBucket } from './token-bucket.js';
import type { HttpClient, HttpClientOptions, HttpMethod, HttpResponse, HttpStats, RequestOptions } from './types.js';

/** Methods repeated on 5xx, timeouts and network errors unless the request says otherwise. */
const IDEMPOTENT = new Set<HttpMethod>(['GET', 'PUT', 'DELETE', 'HEAD', 'OPTIONS']);
/** ky only consults `shouldRetry` for listed methods, so every method is listed; the policy decides. */
const KY_METHODS: NonNullable<RetryOptions['methods']> = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace'];

/** The default User-Agent: `migration-mcp/<version from package.json>`. */
export const DEFAULT_USER_AGENT = `migration-mcp/${packageVersion()}`;

function packageVersion(): string {
  try {
    const pkg = createRequire(import.meta.url)('../../package.json') as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Creates the HTTP client of one target. See {@link HttpClientOptions} for the defaults. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const { target, logger, authHint } = options;
  const maxRetries = options.maxRetries ?? 5;
  const defaultTimeoutMs = options.timeoutMs ?? 30_000;
  const retryDelayMs = options.retryDelayMs ?? 300;
  const backoffLimitMs = options.backoffLimitMs ?? 30_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
  const baseUrl = checkBaseUrl(options.baseUrl, target);
  const baseHeaders = { ...options.headers };
  const bucket = options.bucket ?? new TokenBucket(options.rateLimit, { burst: options.burst ?? 1, name: target });
  const breaker = options.breaker ?? new CircuitBreaker({ ...options.circuitBreaker, target: options.circuitBreaker?.target ?? target });
  const counters: HttpStats = { requests: 0, retries: 0, rateLimited: 0, failures: 0, byMethod: {} };
  registerHeaderSecrets(baseHeaders);

  function resolveUrl(path: string): string {
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return `${baseUrl}/${path.replace(/^\/+/, '')}`;
    if (new URL(path).origin !== new URL(baseUrl).origin) {
      throw new Error(`Refusing to send ${target} credentials to another origin: ${redactUrl(path)}`);
    }
    return path;
  }

  async function request<T>(method: HttpMethod, path: string, opts: RequestOptions = {}, hops = 0): Promise<HttpResponse<T>> {
    const url = resolveUrl(path);
    const signal = opts.signal;
    const timeoutMs = opts.timeoutMs ?? defaultTimeoutMs;
    const retryable = opts.retryable ?? IDEMPOTENT.has(method);
    const responseType = opts.responseType ?? 'json';
    const state = { attempts: 0, jitter: 1, note: undefined as string | undefined, takenAs: 0, sentAt: 0 };
    if (signal?.aborted) throw new CancelledError(`The ${method} request to ${target} (${redactUrl(url)}) was cancelled.`);
    try {
      breaker.check();
    } catch (error) {
      counters.failures += 1;
      throw error;
    }

    const headers = new Headers(baseHeaders);
    headers.set('user-agent', options.userAgent ?? DEFAULT_USER_AGENT);
    if (responseType === 'json') headers.set('accept', 'application/json');
    for (const [name, value] of Object.entries(opts.headers ?? {})) headers.set(name, value);

    const kyOptions: Options = {
      method,
      headers,
      // Redirects are never followed by fetch: a redirect to another origin would carry the
      // credentials there. Same-origin ones are followed below; others are refused.
      redirect: 'manual',
      json: opts.json,
      searchParams: opts.searchParams,
      signal,
      timeout: timeoutMs,
      throwHttpErrors: (status) => classifyStatus(status) !== 'ok',
      retry: {
        limit: maxRetries,
        methods: KY_METHODS,
        statusCodes: [...RETRY_STATUS_CODES],
        afterStatusCodes: [...RETRY_AFTER_STATUS_CODES],
        maxRetryAfter: maxRetryAfterMs,
        backoffLimit: backoffLimitMs,
        delay: (attempt) => retryDelayMs * 2 ** (attempt - 1),
        jitter: (delay) => delay * state.jitter,
        retryOnTimeout: true,
        shouldRetry: ({ error, retryCount }) => {
          if (signal?.aborted) return false;
          const decision = decideRetry(error, { method, retryable, maxRetryAfterMs });
          if (!decision.retry) {
            state.note = decision.note;
            return false;
          }
          state.jitter = 0.5 + Math.random() * 0.5; // equal jitter: 50–100% of the backoff step
          const delayMs = Math.round(
            decision.resetMs ?? Math.min(backoffLimitMs, retryDelayMs * 2 ** (retryCount - 1) * state.jitter),
          );
          logger?.warn(
            `${target}: retrying ${method} ${redactUrl(url)} after ${decision.what} in ${delayMs} ms (retry ${retryCount} of ${maxRetries})`,
            { target, method, url: redactUrl(url), status: decision.status, delayMs, retry: retryCount },
          );
          return undefined; // ky's own logic: backoff, or the server's reset time
        },
      },
      hooks: {
        beforeRequest: [
          async (_request, _options, { retryCount }) => {
            if (retryCount > 0) breaker.assertNotOpen();
            state.takenAs = await bucket.take(signal);
            state.sentAt = Date.now();
            state.attempts += 1;
            counters.requests += 1;
            counters.byMethod[method] = (counters.byMethod[method] ?? 0) + 1;
            if (retryCount > 0) counters.retries += 1;
          },
        ],
        afterResponse: [
          async (kyRequest, _options, response) => {
            if (response.status === 429) counters.rateLimited += 1;
            if (options.adaptivePacing !== false) {
              const window = readRateLimitWindow(response.headers);
              if (window) bucket.observeWindow(window, state.takenAs);
            }
            if (RETRY_AFTER_STATUS_CODES.includes(response.status)) {
              const resetMs = resetDelayMs(response.headers);
              if (resetMs !== undefined && resetMs > 0) {
                bucket.pauseUntil(Date.now() + Math.min(resetMs, maxRetryAfterMs));
              }
            }
            return bufferResponse(response, kyRequest, timeoutMs, (bytes) =>
              reportHttpAttempt({ target, method, status: response.status, retry: state.attempts > 1, headers: response.headers, durationMs: Date.now() - state.sentAt, bytes }),
            );
          },
        ],
      },
    };

    const facts = () => ({ target, method, url, retries: Math.max(0, state.attempts - 1) });
    let redirect: { url: string; status: number };
    try {
      const response = await ky(url, kyOptions);
      if (response.status >= 300 && response.status < 400) {
        breaker.recordSuccess();
        redirect = redirectTarget(response, url);
        if (hops >= 5) throw new TerminalError(`${target} redirected ${method} ${redactUrl(url)} more than 5 times.`, { action: `Check the ${target} base URL: it should be the API's final address.` });
      } else {
        const result = await readBody<T>(response, responseType, facts());
        breaker.recordSuccess();
        return result;
      }
    } catch (error) {
      const mapped = await toMigrationError(error, { ...facts(), signal, timeoutMs, authHint, note: state.note });
      if (state.attempts > 0 && !(error instanceof Error && 'response' in error)) {
        reportHttpAttempt({ target, method, status: undefined, retry: state.attempts > 1, headers: undefined, durationMs: Date.now() - state.sentAt });
      }
      if (mapped instanceof CancelledError || mapped instanceof CircuitOpenError || !(mapped instanceof MigrationError)) {
        breaker.recordNeutral();
      } else if (mapped.kind === 'transient') {
        breaker.recordFailure();
      } else {
        breaker.recordSuccess(); // the target answered: it is up, whatever it thought of this request
      }
      if (!(mapped instanceof CancelledError)) counters.failures += 1;
      throw mapped;
    }
    return request<T>(redirect.status === 303 ? 'GET' : method, redirect.url, redirect.status === 303 ? { ...opts, json: undefined } : opts, hops + 1);
  }

  /** Where a 3xx answer points, if it stays on the target's origin; a ConfigError naming both URLs otherwise. */
  function redirectTarget(response: Response, from: string): { url: string; status: number } {
    const location = response.headers.get('location');
    if (!location) throw new TerminalError(`${target} answered ${response.status} to ${redactUrl(from)} without a Location header.`, { action: `Check the ${target} base URL.` });
    const to = new URL(location, from).toString();
    if (new URL(to).origin !== new URL(baseUrl).origin) {
      throw new ConfigError(`${target} redirected ${redactUrl(from)} to another origin, ${redactUrl(to)}; credentials are never sent to another origin, so the request was not repeated there.`, {
        action: `If that address is the real ${target} API, set the ${target} base URL to it; otherwise check why ${new URL(baseUrl).host} redirects.`,
        details: { from: redactUrl(from), to: redactUrl(to) },
        outcome: 'rejected',
      });
    }
    return { url: to, status: response.status };
  }

  return {
    target,
    bucket,
    breaker,
    request,
    get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts),
    post: <T>(path: string, opts?: RequestOptions) => request<T>('POST', path, opts),
    put: <T>(path: string, opts?: RequestOptions) => request<T>('PUT', path, opts),
    patch: <T>(path: string, opts?: RequestOptions) => request<T>('PATCH', path, opts),
    delete: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
    stats: () => ({ ...counters, byMethod: { ...counters.byMethod } }),
  };
}
