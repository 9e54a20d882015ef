/**
 * Recognising connection failures from Node 20's fetch (undici). They arrive as
 * `TypeError: fetch failed` (or `TypeError: terminated` when the body was cut) whose `cause`
 * carries a code: a system error (ECONNREFUSED, ECONNRESET, ENOTFOUND…), an undici error
 * (UND_ERR_SOCKET "other side closed", UND_ERR_CONNECT_TIMEOUT…), sometimes an AggregateError
 * of several connection attempts. This module finds the code and says whether the request can
 * have reached the server.
 */
import type { RequestOutcome } from './errors.js';

/** Codes meaning the connection was never established, so nothing was sent. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Words for the common codes, used in messages. */
const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ETIMEDOUT: 'connection timed out',
  EPIPE: 'connection closed while sending',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'host unreachable',
  UND_ERR_SOCKET: 'the connection closed before the answer was complete',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'the response body stalled',
  UND_ERR_CLOSED: 'the connection was closed',
};

const FETCH_MESSAGES = new Set(['fetch failed', 'terminated', 'other side closed']);

/** What a connection failure was: its code (when known), words for it, and its outcome. */
export interface NetworkFailure {
  code: string | undefined;
  reason: string;
  outcome: Extract<RequestOutcome, 'not_sent' | 'unknown'>;
}

/** The first error code found along the cause chain (and inside AggregateErrors). */
export function networkErrorCode(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== 'object' || depth > 6) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return code;
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const found = networkErrorCode(inner, depth + 1);
      if (found) return found;
    }
  }
  return networkErrorCode((error as { cause?: unknown }).cause, depth + 1);
}

/**
 * Describes a connection failure thrown by fetch, or returns `undefined` when the error is not
 * one (a bug, an abort, a ky TimeoutError — timeouts are handled separately).
 */
export function describeNetworkFailure(error: unknown): NetworkFailure | undefined {
  if (!(error instanceof Error) || error.name === 'AbortError' || error.name === 'TimeoutError') return undefined;
  const code = networkErrorCode(error);
  const looksLikeFetch = error instanceof TypeError && FETCH_MESSAGES.has(error.message);
  if (!code && !looksLikeFetch) return undefined;
  if (code && !looksLikeFetch && !(code in REASONS) && !NOT_SENT_CODES.has(code) && !code.startsWith('UND_ERR_')) {
    return undefined;
  }
  const words = code ? (REASONS[code] ?? 'connection failed') : error.message;
  return {
    code,
    reason: code ? `${words} (${code})` : words,
    outcome: code && NOT_SENT_CODES.has(code) ? 'not_sent' : 'unknown',
  };
}
