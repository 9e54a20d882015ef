/**
 * Keeping a client's credentials out of every message: the secret parts of its auth headers are
 * registered for redaction, and credentials written into a base URL (which fetch refuses) are
 * moved into a basic-auth header.
 */
import { ConfigError } from '../engine/errors.js';
import { redact, registerSecret } from '../logging/redact.js';

/** Registers the secret parts of auth headers (raw value, bearer token, basic-auth password). */
export function registerHeaderSecrets(headers: Record<string, string> | undefined): void {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!/authorization|api[-_]?key|token|secret|cookie|password/i.test(name)) continue;
    registerSecret(value);
    const scheme = /^(bearer|basic|token)\s+(\S+)$/i.exec(value.trim());
    if (!scheme?.[2]) continue;
    registerSecret(scheme[2]);
    if (scheme[1]!.toLowerCase() === 'basic') {
      const decoded = Buffer.from(scheme[2], 'base64').toString('utf8');
      registerSecret(decoded.slice(decoded.indexOf(':') + 1));
    }
  }
}

/**
 * fetch refuses URLs with credentials, so `https://user:pass@host` becomes the base URL without
 * them plus a basic-auth header (unless an Authorization header is given); the password is
 * registered as a secret.
 */
export function splitCredentials(url: string, headers: Record<string, string>): { baseUrl: string; headers: Record<string, string> } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`The base URL "${redact(url)}" is not a valid URL.`, {
      action: 'Set the target base URL variable to an absolute http(s) URL, e.g. https://app.innergy.com.',
    });
  }
  const out = { ...headers };
  if (parsed.username || parsed.password) {
    const user = decodeURIComponent(parsed.username);
    const password = decodeURIComponent(parsed.password);
    registerSecret(password);
    if (!Object.keys(out).some((name) => name.toLowerCase() === 'authorization')) {
      out.Authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    }
    parsed.username = '';
    parsed.password = '';
  }
  return { baseUrl: parsed.toString().replace(/\/+$/, ''), headers: out };
}
