/**
 * Keeping a client's credentials out of every message: the secret parts of its auth headers are
 * registered for redaction, and a base URL carrying credentials is refused.
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
 * A target's base URL, checked: absolute, and without credentials. A `user:password@` part is
 * refused (credentials come only from their own variables, sent in headers to this origin only),
 * so no message, result or log line can ever show one.
 */
export function checkBaseUrl(url: string, target: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`The ${target} base URL "${redact(url).slice(0, 200)}" is not a valid URL.`, {
      action: `Set the ${target} base URL variable to an absolute http(s) URL, e.g. https://app.innergy.com.`,
    });
  }
  if (parsed.username || parsed.password) {
    registerSecret(decodeURIComponent(parsed.password));
    throw new ConfigError(`The ${target} base URL carries credentials (user:password@${parsed.host}).`, {
      action: `Remove the credentials from the ${target} base URL and put the key or token in its own variable (e.g. ${target.toUpperCase()}_API_KEY).`,
    });
  }
  return parsed.toString().replace(/\/+$/, '');
}
