/**
 * Making HTTP facts safe to show: URLs without credentials or secret query parameters, response
 * bodies parsed, redacted and truncated, and causes (undici errors) reduced to message and code.
 * Everything goes through `redact()`, so registered secrets never reach a message, a stack, a
 * cause chain or a JSON report. Redaction always happens before truncation (a cut secret would no
 * longer match).
 */
import { redact, redactValue } from '../logging/redact.js';

/** Largest serialized size of a body kept on an error. */
export const MAX_BODY_CHARS = 2048;

const SECRET_KEY = /(api[_-]?key|token|password|passwd|secret|authorization|credentials?)$/i;
const SECRET_PARAM = /^(key|sig|signature|auth|code)$|(api[_-]?key|token|password|passwd|secret|authorization)$/i;
const MASK = '***';

/** A URL with its password, secret-looking query parameters and registered secrets masked. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = MASK;
    for (const name of [...new Set(parsed.searchParams.keys())]) {
      if (SECRET_PARAM.test(name)) parsed.searchParams.set(name, MASK);
    }
    const text = parsed.toString();
    let readable = text;
    try {
      readable = decodeURI(text);
    } catch {
      // keep the encoded form
    }
    return redact(readable);
  } catch {
    return redact(url);
  }
}

/** Cuts text to `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Masks the values of secret-looking keys, then redacts every string (deep). */
function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = SECRET_KEY.test(key) ? MASK : maskSecrets(item);
    return out;
  }
  return redactValue(value);
}

/**
 * A response body fit for an error: the parsed JSON (secrets masked) when it fits in 2 KB once
 * serialized, otherwise the redacted text cut to 2 KB; `undefined` for an empty body.
 */
export function safeBody(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    const masked = maskSecrets(JSON.parse(text) as unknown);
    const serialized = JSON.stringify(masked);
    return serialized.length <= MAX_BODY_CHARS ? masked : truncate(serialized, MAX_BODY_CHARS);
  } catch {
    return truncate(redact(text), MAX_BODY_CHARS);
  }
}

/** The first `max` characters of a body, redacted, on one line (for messages). */
export function bodyExcerpt(text: string, max = 80): string {
  return truncate(redact(text).replace(/\s+/g, ' ').trim(), max);
}

/**
 * The human message inside an API error body, if any: OpenProject `{_type:"Error", message}`
 * (and `MultipleErrors`), DevRev `{type, message}`, or common `Message`/`error`/`detail` fields.
 */
export function apiErrorMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const record = body as Record<string, unknown>;
  for (const key of ['message', 'Message', 'error_description', 'detail', 'title', 'error']) {
    const value = record[key];
    if (typeof value === 'string' && value.trim()) return truncate(value.trim().replace(/\s+/g, ' '), 300);
  }
  return undefined;
}

/**
 * A copy of an error safe to keep as a `cause`: name, redacted message and stack, `code`, and the
 * same for its own cause (a few levels deep). Anything else (sockets, requests, headers) is dropped.
 */
export function sanitizeCause(error: unknown, depth = 0): Error | undefined {
  if (error === undefined || error === null || depth > 4) return undefined;
  if (!(error instanceof Error)) return new Error(redact(String(error)));
  const cause = sanitizeCause((error as { cause?: unknown }).cause, depth + 1);
  const copy = new Error(redact(error.message), cause ? { cause } : undefined);
  copy.name = error.name;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') (copy as Error & { code?: unknown }).code = code;
  copy.stack = error.stack === undefined ? undefined : redact(error.stack);
  return copy;
}
