/**
 * Turning what ky hands back into what callers get: bodies read within the timeout (inside ky's
 * retry loop, so a connection cut mid-body is retried like any network error), successful bodies
 * parsed as JSON (an HTML or other non-JSON 2xx is an error), and failures mapped to the error
 * taxonomy with their HTTP facts.
 */
import { isHTTPError, isTimeoutError, TimeoutError } from 'ky';
import { CancelledError, MigrationError } from '../engine/errors.js';
import { classifyStatus } from './classify.js';
import { HttpAuthError, HttpStatusError, NetworkError, NonJsonResponseError, type HttpRequestFacts } from './errors.js';
import { describeNetworkFailure } from './network.js';
import { redactUrl, sanitizeCause } from './sanitize.js';
import type { HttpResponse, ResponseType } from './types.js';

/**
 * Reads the whole body within `timeoutMs` and returns an equivalent, already-buffered Response.
 * Throws ky's TimeoutError if the body stalls, or fetch's error if the connection is cut.
 */
export async function bufferResponse(response: Response, request: Request, timeoutMs: number, onBody?: (bytes: number) => void): Promise<Response> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(request)), timeoutMs);
  });
  let text: string;
  try {
    text = await Promise.race([response.text(), stalled]);
  } finally {
    clearTimeout(timer);
  }
  const { status, statusText, headers } = response;
  onBody?.(Buffer.byteLength(text));
  return new Response(text === '' ? null : text, { status, statusText, headers });
}

/** Reads a successful (buffered) response as the caller asked. */
export async function readBody<T>(
  response: Response,
  responseType: ResponseType,
  facts: Omit<HttpRequestFacts, 'outcome'>,
): Promise<HttpResponse<T>> {
  const { status, headers } = response;
  const text = await response.text();
  if (responseType === 'none') return { status, headers, body: undefined as T };
  if (responseType === 'text') return { status, headers, body: text as T };
  if (text.trim() === '') return { status, headers, body: undefined as T };
  const contentType = headers.get('content-type');
  let parsed: unknown;
  let isJson = !/\btext\/html\b/i.test(contentType ?? '');
  if (isJson) {
    try {
      parsed = JSON.parse(text);
    } catch {
      isJson = false;
    }
  }
  if (!isJson) {
    throw new NonJsonResponseError({ ...facts, outcome: 'unknown', status, statusText: response.statusText, bodyText: text, contentType });
  }
  return { status, headers, body: parsed as T };
}

/** What {@link toMigrationError} needs to know about the request. */
export interface FailureContext extends Omit<HttpRequestFacts, 'outcome'> {
  signal: AbortSignal | undefined;
  timeoutMs: number;
  authHint: string | undefined;
  /** Why a retryable-looking failure was not retried (from the retry policy). */
  note: string | undefined;
}

/**
 * Maps whatever a request threw to the error taxonomy: CancelledError when the caller aborted,
 * HttpAuthError for 401/403, HttpStatusError for other statuses, NetworkError for timeouts and
 * connection failures. MigrationErrors pass through; anything else is a bug, returned redacted.
 */
export async function toMigrationError(error: unknown, context: FailureContext): Promise<unknown> {
  const { signal, timeoutMs, authHint, note, ...facts } = context;
  if (signal?.aborted) {
    if (error instanceof CancelledError) return error;
    return new CancelledError(`The ${facts.method} request to ${facts.target} (${redactUrl(facts.url)}) was cancelled.`);
  }
  if (error instanceof MigrationError) return error;
  if (isHTTPError(error)) {
    const { status, statusText } = error.response;
    const bodyText = await error.response.text().catch(() => undefined);
    const response = { ...facts, status, statusText, bodyText };
    const action = classifyStatus(status);
    if (action === 'stop_run') return new HttpAuthError({ ...response, outcome: 'rejected' }, authHint);
    if (action === 'fail_record') return new HttpStatusError('terminal', { ...response, outcome: 'rejected' });
    const outcome = status >= 500 ? 'unknown' : 'rejected';
    return new HttpStatusError('transient', { ...response, outcome }, note ? { note } : {});
  }
  if (isTimeoutError(error)) {
    const reason = `within ${timeoutMs} ms${note ? ` (${note})` : ''}`;
    return new NetworkError({ ...facts, outcome: 'unknown', code: 'TIMEOUT', reason });
  }
  const failure = describeNetworkFailure(error);
  if (failure) {
    const reason = `${failure.reason}${note ? ` (${note})` : ''}`;
    return new NetworkError({ ...facts, outcome: failure.outcome, reason, ...(failure.code ? { code: failure.code } : {}) }, error);
  }
  return sanitizeCause(error) ?? error; // a bug: thrown as is, but without secrets
}
