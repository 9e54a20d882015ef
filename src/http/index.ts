/**
 * The HTTP layer of migration-mcp: one rate-limited, retrying, circuit-broken ky client per
 * target, and the errors it raises. Targets import from here only.
 */
export { createHttpClient, DEFAULT_USER_AGENT } from './http-client.js';
export type {
  HttpClient,
  HttpClientOptions,
  HttpMethod,
  HttpResponse,
  HttpStats,
  RequestOptions,
  ResponseType,
} from './types.js';
export { classifyStatus, isTransientStatus, RETRY_STATUS_CODES, RETRY_AFTER_STATUS_CODES, type ResponseAction } from './classify.js';
export { TokenBucket, type BucketClock, type TokenBucketOptions } from './token-bucket.js';
export { sharedBucket } from './shared-buckets.js';
export { CircuitBreaker, circuitBreakers, type CircuitBreakerOptions, type CircuitState } from './circuit-breaker.js';
export {
  CircuitOpenError,
  HttpAuthError,
  HttpStatusError,
  NetworkError,
  NonJsonResponseError,
  rateLimitVariable,
  type HttpRequestFacts,
  type HttpResponseFacts,
  type RequestOutcome,
} from './errors.js';
export { resetDelayMs, parseResetValue, readRateLimitWindow, type RateLimitWindow } from './rate-limit-headers.js';
export { WindowBudget, type WindowEstimate } from './window-budget.js';
export { describeNetworkFailure, networkErrorCode, type NetworkFailure } from './network.js';
export { redactUrl, safeBody, apiErrorMessage, MAX_BODY_CHARS } from './sanitize.js';
export { apiStats, type ApiStats } from './api-stats.js';
export { observeHttp, type HttpAttemptEvent, type HttpObserver } from './observers.js';
export { cursorPaging, offsetPaging, pageNumberPaging, readAllPages, type OffsetCollection, type PageParams, type PagingState, type PagingStrategy } from './paging.js';
