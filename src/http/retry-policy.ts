/**
 * Which failed attempts are retried. ky does the retrying (backoff, jitter, waiting for reset
 * headers); this policy is its `shouldRetry`. The rule: never blindly repeat a request that may
 * have been applied. A non-retryable request (POST/PATCH by default) is still retried when the
 * target certainly did not process it: a 429, or a connection that was never established.
 */
import { isHTTPError, isTimeoutError } from 'ky';
import { classifyStatus, RETRY_AFTER_STATUS_CODES } from './classify.js';
import { describeNetworkFailure } from './network.js';
import { resetDelayMs } from './rate-limit-headers.js';

/** The verdict on one failed attempt. */
export type RetryDecision =
  | {
      retry: true;
      /** What failed, in words, for the log: "503 Service Unavailable", "connection reset (ECONNRESET)". */
      what: string;
      status: number | undefined;
      /** The server-given wait (reset headers), when there is one; else ky's backoff applies. */
      resetMs: number | undefined;
    }
  | {
      retry: false;
      /** Why a retryable-looking failure was not retried, for the final error message. */
      note: string | undefined;
    };

/** Inputs of {@link decideRetry}. */
export interface RetryContext {
  method: string;
  /** Whether the request is safe to repeat (idempotent, or the caller said so). */
  retryable: boolean;
  maxRetryAfterMs: number;
}

const NO: RetryDecision = { retry: false, note: undefined };

function notSafe(method: string): RetryDecision {
  return { retry: false, note: `not retried: repeating a ${method} blindly could apply it twice` };
}

/** Decides whether ky should retry after `error` (an HTTPError, TimeoutError, fetch failure or other). */
export function decideRetry(error: unknown, context: RetryContext): RetryDecision {
  if (isHTTPError(error)) {
    const { status, statusText, headers } = error.response;
    const action = classifyStatus(status);
    if (action !== 'retry' && action !== 'rate_limited') return NO;
    const resetMs = RETRY_AFTER_STATUS_CODES.includes(status) ? resetDelayMs(headers) : undefined;
    if (action === 'retry' && !context.retryable) return notSafe(context.method);
    if (resetMs !== undefined && resetMs > context.maxRetryAfterMs) {
      const asked = Math.ceil(resetMs / 1000);
      const allowed = Math.round(context.maxRetryAfterMs / 1000);
      return { retry: false, note: `it asked to wait ${asked} s, longer than the ${allowed} s the client waits` };
    }
    return { retry: true, what: `${status} ${statusText}`.trim(), status, resetMs };
  }
  if (isTimeoutError(error)) {
    return context.retryable ? { retry: true, what: 'a timeout', status: undefined, resetMs: undefined } : notSafe(context.method);
  }
  const failure = describeNetworkFailure(error);
  if (!failure) return NO;
  if (failure.outcome !== 'not_sent' && !context.retryable) return notSafe(context.method);
  return { retry: true, what: failure.reason, status: undefined, resetMs: undefined };
}
