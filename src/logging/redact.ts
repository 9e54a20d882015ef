/**
 * Secret redaction for logs, errors and reports.
 *
 * Secrets come only from the environment. Every value of a variable whose name looks secret
 * (`*_KEY`, `*_TOKEN`, `*_PASSWORD`, `*_SECRET`, and passwords inside `*_URL`s) is registered at
 * start-up; `redact()` replaces each registered value, and any credential-shaped text
 * (Authorization headers, `user:password@` in URLs), with `***`.
 */

const REDACTED = '***';
const secrets = new Set<string>();

const SECRET_NAME = /(KEY|TOKEN|PASSWORD|SECRET|PAT)$/i;
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^/\s:@]+):([^/\s@]+)@/gi;
const HEADER_CREDENTIALS = /\b(authorization|api-key|x-api-key|apikey)(["']?\s*[:=]\s*["']?)(?:(bearer|basic|token)\s+)?([^\s"',}]+)/gi;

/** Registers a secret value; short values (< 4 chars) are ignored to avoid mangling text. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

/** Registers every secret-looking variable of an environment, including passwords in URLs. */
export function registerSecretsFromEnv(env: NodeJS.ProcessEnv): void {
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (SECRET_NAME.test(name)) registerSecret(value);
    if (/_URL$/i.test(name)) {
      for (const match of value.matchAll(URL_CREDENTIALS)) registerSecret(match[3]);
    }
  }
}

/** Forgets every registered secret (tests only). */
export function clearSecrets(): void {
  secrets.clear();
}

/** Returns the text with every known secret and credential-shaped fragment replaced by `***`. */
export function redact(text: string): string {
  let out = text;
  // Longest first, so a secret that contains another registered secret is masked whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  out = out.replace(URL_CREDENTIALS, (_m, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`);
  out = out.replace(HEADER_CREDENTIALS, (match: string, name: string, sep: string, scheme: string | undefined, value: string) =>
    // `https://apikey:***@host/…` was masked above as a URL: keep its host and path.
    value.startsWith(`${REDACTED}@`) ? match : `${name}${sep}${scheme ? `${scheme} ` : ''}${REDACTED}`,
  );
  return out;
}

/** Deep-redacts strings inside a JSON-like value (for reports and structured logs). */
export function redactValue<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactValue(item)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = redactValue(item);
    return out as T;
  }
  return value;
}
