/**
 * The HTTP transport's gate, checked before any MCP handling: Host header (DNS rebinding),
 * Origin (browsers on foreign sites), bearer token (constant-time compare), body size.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface GuardOptions {
  /** Host:port values accepted in the Host header. */
  allowedHosts: readonly string[];
  /** Origins accepted (besides none). */
  allowedOrigins: readonly string[];
  /** Bearer token; undefined only with --insecure-no-auth on loopback. */
  token: string | undefined;
}

export interface GuardRejection {
  status: 401 | 403;
  message: string;
  headers?: Record<string, string>;
}

/** Returns why the request is refused, or undefined when it may proceed. */
export function checkRequest(req: IncomingMessage, options: GuardOptions): GuardRejection | undefined {
  const host = (req.headers.host ?? '').toLowerCase();
  if (!options.allowedHosts.includes(host)) {
    return { status: 403, message: `Host header "${host}" is not allowed (DNS rebinding protection). Connect to one of: ${options.allowedHosts.join(', ')}.` };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !options.allowedOrigins.includes(origin.toLowerCase())) {
    return { status: 403, message: `Origin "${origin}" is not allowed. Add it to MIGRATION_ALLOWED_ORIGINS if it is trusted.` };
  }
  if (options.token !== undefined) {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match || !safeEqual(match[1]!.trim(), options.token)) {
      return {
        status: 401,
        message: 'Missing or wrong bearer token. Send "Authorization: Bearer $MIGRATION_HTTP_TOKEN".',
        headers: { 'WWW-Authenticate': 'Bearer realm="migration-mcp"' },
      };
    }
  }
  return undefined;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Host values (and their http:// origins) that mean "this server": loopback names, the bind address, and `extraNames`. */
export function loopbackHostsAndOrigins(host: string, port: number, extraNames: readonly string[] = []): { hosts: string[]; origins: string[] } {
  const names = new Set([host.toLowerCase(), '127.0.0.1', 'localhost', '[::1]', ...extraNames.map((name) => name.toLowerCase())]);
  names.delete('0.0.0.0');
  names.delete('::');
  const hosts = [...names].map((name) => `${name.includes(':') && !name.startsWith('[') ? `[${name}]` : name}:${port}`);
  return { hosts, origins: hosts.map((h) => `http://${h}`) };
}

/** Reads a request body up to `limit` bytes; resolves undefined when it is larger. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Whether a bind address is loopback. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}
