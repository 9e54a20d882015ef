/**
 * Errors of the HTTP client: subclasses of the engine's MigrationError that carry HTTP facts
 * (target, method, redacted URL, status, redacted and truncated body, retries, and whether the
 * request may have been applied: `outcome`). Every constructor sanitizes what it is given, so no
 * caller can leak a secret through a message, a stack, a cause or `JSON.stringify(error)`.
 */
import { STATUS_CODES } from 'node:http';
import { AuthError, MigrationError, TerminalError, TransientError, type ErrorKind, type RequestOutcome } from '../engine/errors.js';
import { apiErrorMessage, bodyExcerpt, redactUrl, safeBody, sanitizeCause } from './sanitize.js';
import { redact } from '../logging/redact.js';

/**
 * Whether the target may have applied the request (the engine's RequestOutcome): `not_sent` (it never
 * left: connection refused, DNS failure), `rejected` (the target answered and refused it: 4xx, 429),
 * `unknown` (it was sent and may have been applied: 5xx, reset connection, timeout) — reconcile with a lookup.
 */
export type { RequestOutcome };

/** What every HTTP error is told about the request. URLs are redacted by the error. */
export interface HttpRequestFacts {
  /** Display name of the target, e.g. "INNERGY". */
  target: string;
  method: string;
  url: string;
  outcome: RequestOutcome;
  /** Retries made before giving up (0 when the first attempt was final). */
  retries: number;
}

/** Facts of a request that got an answer. `bodyText` is the raw body; the error keeps a safe copy. */
export interface HttpResponseFacts extends HttpRequestFacts {
  status: number;
  statusText?: string;
  bodyText?: string;
}

/** Whether a request only reads (so a failure cannot have changed anything on the target). */
function isRead(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

function statusLine(status: number, statusText: string | undefined): string {
  return `${status} ${statusText || STATUS_CODES[status] || ''}`.trim();
}

function afterRetries(retries: number): string {
  return retries > 0 ? ` after ${retries} ${retries === 1 ? 'retry' : 'retries'}` : '';
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** The environment variable holding a target's client-side rate limit, e.g. INNERGY_RATE_LIMIT. */
export function rateLimitVariable(target: string): string {
  return `${target.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_RATE_LIMIT`;
}

/** The safe parts every error about an answered request shows: redacted URL, safe body, API message, details. */
function answered(facts: HttpResponseFacts, note?: string) {
  const url = redactUrl(facts.url);
  const body = safeBody(facts.bodyText);
  const api = apiErrorMessage(body);
  const message =
    `${facts.target} answered ${statusLine(facts.status, facts.statusText)} to ${facts.method} ${url}` +
    `${afterRetries(facts.retries)}${note ? ` (${note})` : ''}${api ? `: ${api.replace(/[.\s]+$/, '')}` : ''}`;
  const details = { target: facts.target, method: facts.method, url, status: facts.status, outcome: facts.outcome, retries: facts.retries, body };
  return { message: redact(sentence(message)), details };
}

/** The JSON form of an HTTP error: name, kind, message, action and its facts (all redacted). */
function toJson(error: MigrationError, facts: object): Record<string, unknown> {
  return { name: error.name, kind: error.kind, message: error.message, action: error.action, ...facts };
}

/** A response whose status the migration cannot accept (4xx, or 408/429/5xx once retries are over). */
export class HttpStatusError extends MigrationError {
  readonly target: string;
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly outcome: RequestOutcome;
  readonly retries: number;
  /** The API error body (parsed JSON when it fits in 2 KB, else redacted text), secrets masked. */
  readonly body: unknown;

  constructor(kind: Extract<ErrorKind, 'terminal' | 'transient'>, facts: HttpResponseFacts, options: { action?: string; note?: string } = {}) {
    const { message, details } = answered(facts, options.note);
    super(kind, message, { action: options.action ?? defaultStatusAction(kind, facts), details, outcome: facts.outcome });
    this.name = 'HttpStatusError';
    ({ target: this.target, method: this.method, url: this.url, status: this.status, outcome: this.outcome, retries: this.retries, body: this.body } = details);
  }

  /** JSON form for reports and logs. */
  toJSON(): Record<string, unknown> {
    return toJson(this, this.details ?? {});
  }
}

function defaultStatusAction(kind: ErrorKind, facts: HttpResponseFacts): string | undefined {
  if (kind !== 'transient') return undefined;
  if (facts.status === 429) {
    return `${facts.target} kept throttling the requests; wait a little (or lower ${rateLimitVariable(facts.target)}), then resume the run with resume_run.`;
  }
  if (isRead(facts.method)) return `${facts.target} is failing (${facts.status}); a read changes nothing there: wait a little and try again (a run that stopped continues with resume_run).`;
  if (facts.outcome === 'unknown') {
    return `${facts.target} may have applied this request before failing; resume the run with resume_run, which looks the record up before writing it again.`;
  }
  return undefined;
}

/** 401/403: the credentials are missing, wrong or lack a permission; the run stops. */
export class HttpAuthError extends AuthError {
  readonly target: string;
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly outcome: RequestOutcome;
  readonly retries: number;
  readonly body: unknown;

  /** `authHint` becomes the action, e.g. "Check INNERGY_API_KEY in the environment…". */
  constructor(facts: HttpResponseFacts, authHint?: string) {
    const { message, details } = answered(facts);
    super(message, { action: authHint, details, outcome: facts.outcome });
    this.name = 'HttpAuthError';
    ({ target: this.target, method: this.method, url: this.url, status: this.status, outcome: this.outcome, retries: this.retries, body: this.body } = details);
  }

  /** JSON form for reports and logs. */
  toJSON(): Record<string, unknown> {
    return toJson(this, this.details ?? {});
  }
}

/** No usable answer: connection refused or reset, DNS failure, socket closed, timeout. */
export class NetworkError extends TransientError {
  readonly target: string;
  readonly method: string;
  readonly url: string;
  readonly outcome: RequestOutcome;
  readonly retries: number;
  /** The system or undici error code (ECONNRESET, UND_ERR_SOCKET…) or `TIMEOUT`, when known. */
  readonly code: string | undefined;

  /** `reason` says what happened in words, e.g. "connection reset (ECONNRESET)". */
  constructor(facts: HttpRequestFacts & { reason: string; code?: string }, cause?: unknown) {
    const url = redactUrl(facts.url);
    const verb =
      facts.code === 'TIMEOUT'
        ? `did not answer ${facts.method} ${url} ${facts.reason}`
        : facts.outcome === 'not_sent'
          ? `could not be reached for ${facts.method} ${url}: ${facts.reason}`
          : `gave no answer to ${facts.method} ${url}: ${facts.reason}`;
    const message = `${facts.target} ${verb}${afterRetries(facts.retries)}`;
    const action =
      facts.outcome === 'not_sent' || isRead(facts.method)
        ? `Check that ${facts.target} is reachable (its base URL, DNS, network), then try again; a run that stopped continues with resume_run.`
        : `The request reached ${facts.target} but no answer came back, so it may have been applied; resume the run with resume_run, which looks the record up before writing it again.`;
    const details = { target: facts.target, method: facts.method, url, outcome: facts.outcome, retries: facts.retries, code: facts.code };
    super(redact(sentence(message)), { action, details, cause: sanitizeCause(cause), outcome: facts.outcome });
    this.name = 'NetworkError';
    ({ target: this.target, method: this.method, url: this.url, outcome: this.outcome, retries: this.retries, code: this.code } = details);
  }

  /** JSON form for reports and logs. */
  toJSON(): Record<string, unknown> {
    return toJson(this, this.details ?? {});
  }
}

/** A 2xx answer that is not JSON when JSON was expected (e.g. INNERGY's HTML login page). */
export class NonJsonResponseError extends TerminalError {
  readonly target: string;
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly contentType: string;
  readonly outcome: RequestOutcome;
  /** The first 80 characters of the body, redacted. */
  readonly excerpt: string;

  constructor(facts: HttpResponseFacts & { contentType: string | null }) {
    const url = redactUrl(facts.url);
    const contentType = facts.contentType ?? '';
    const excerpt = bodyExcerpt(facts.bodyText ?? '');
    const message =
      `${facts.target} answered ${statusLine(facts.status, facts.statusText)} to ${facts.method} ${url} with ` +
      `${contentType ? `content-type ${contentType}` : 'no content-type'} instead of JSON: "${excerpt}"`;
    const action = `Check the ${facts.target} base URL and API key: an HTML answer usually means a login page or a wrong route.`;
    const details = { target: facts.target, method: facts.method, url, status: facts.status, contentType, outcome: facts.outcome, excerpt };
    super(redact(sentence(message)), { action, details, outcome: facts.outcome });
    this.name = 'NonJsonResponseError';
    ({ target: this.target, method: this.method, url: this.url, status: this.status, contentType: this.contentType } = details);
    ({ outcome: this.outcome, excerpt: this.excerpt } = details);
  }

  /** JSON form for reports and logs. */
  toJSON(): Record<string, unknown> {
    return toJson(this, this.details ?? {});
  }
}

/** The target failed too many times in a row; requests are refused and the run is interrupted. */
export class CircuitOpenError extends TransientError {
  readonly target: string;
  readonly consecutiveFailures: number;
  /** Milliseconds until a trial request will be let through. */
  readonly retryInMs: number;

  constructor(target: string, consecutiveFailures: number, retryInMs: number) {
    const seconds = Math.ceil(retryInMs / 1000);
    super(
      redact(
        `${target} has failed ${consecutiveFailures} times in a row, so the run will be interrupted ` +
          `(circuit breaker open; a trial request is allowed again in ${seconds} s).`,
      ),
      {
        action: `Check that ${target} is up and reachable, then resume the run with resume_run.`,
        details: { target, consecutiveFailures, retryInMs },
        stopsRun: true,
        outcome: 'not_sent',
      },
    );
    this.name = 'CircuitOpenError';
    this.target = target;
    this.consecutiveFailures = consecutiveFailures;
    this.retryInMs = retryInMs;
  }

  /** JSON form for reports and logs. */
  toJSON(): Record<string, unknown> {
    return toJson(this, this.details ?? {});
  }
}
