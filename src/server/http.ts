/**
 * Streamable HTTP transport at `http://<host>:<port>/mcp` (stateful: one MCP session per client,
 * SSE for progress notifications), and Prometheus metrics at `/metrics` behind the same guard. Binds to loopback unless told otherwise; every request passes
 * the guard (Host, Origin, bearer token) and a body-size cap first.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { AppDeps } from '../app-deps.js';
import { ConfigError } from '../engine/errors.js';
import { buildServer } from './build-server.js';
import { checkRequest, isLoopback, loopbackHostsAndOrigins, readBody } from './http-guard.js';
import { answerMetrics } from './metrics-endpoint.js';

export interface HttpOptions {
  host: string;
  port: number;
  /** Allow running without a bearer token (loopback only). */
  insecureNoAuth?: boolean;
  /** Largest accepted request body. @default 1 MiB */
  maxBodyBytes?: number;
  /** A session unused this long is closed (its runs go on). @default 30 minutes */
  sessionIdleMs?: number;
  /** Concurrent sessions; beyond it the oldest idle session is closed, or a new one refused with 503. @default MIGRATION_HTTP_MAX_SESSIONS */
  maxSessions?: number;
}

export interface RunningHttpServer {
  url: string;
  close(): Promise<void>;
}

export async function serveHttp(deps: AppDeps, options: HttpOptions): Promise<RunningHttpServer> {
  const token = deps.config.httpToken;
  if (!token && !(options.insecureNoAuth && isLoopback(options.host))) {
    throw new ConfigError('The HTTP transport needs MIGRATION_HTTP_TOKEN.', {
      action: 'Set MIGRATION_HTTP_TOKEN to a long random secret (clients send it as a bearer token), or use --insecure-no-auth on a loopback address for local experiments.',
    });
  }
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const lastSeen = new Map<string, number>();
  /** Requests (and open SSE streams) in progress per session: a session with none is idle. */
  const inFlight = new Map<string, number>();
  const maxSessions = options.maxSessions ?? deps.config.httpMaxSessions;
  const idleMs = options.sessionIdleMs ?? 30 * 60_000;
  const sweeper = setInterval(() => {
    for (const [id, seen] of lastSeen) {
      if (Date.now() - seen < idleMs) continue;
      lastSeen.delete(id);
      void sessions.get(id)?.close();
    }
  }, Math.min(idleMs, 60_000));
  sweeper.unref();
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  // Bound beyond loopback, clients reach the server by this machine's name, or by names the operator lists.
  const names = [...(isLoopback(options.host) ? [] : [os.hostname()]), ...deps.config.allowedHosts];
  const { hosts, origins } = loopbackHostsAndOrigins(options.host, port, names);
  const guard = { allowedHosts: hosts, allowedOrigins: [...origins, ...deps.config.allowedOrigins.map((o) => o.toLowerCase())], token };

  server.on('request', (req, res) => {
    void handle(req, res).catch((error: unknown) => {
      deps.logger.error(`HTTP request failed: ${(error as Error)?.stack ?? String(error)}`);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.end();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/mcp' && url.pathname !== '/metrics') return sendJson(res, 404, { error: 'Not found: the MCP endpoint is /mcp (Prometheus metrics: /metrics).' });
    const refused = checkRequest(req, guard);
    if (refused) return sendJson(res, refused.status, { error: refused.message }, refused.headers);
    if (url.pathname === '/metrics') return answerMetrics(req, res);
    const sessionId = req.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (existing && typeof sessionId === 'string') {
      lastSeen.set(sessionId, Date.now());
      inFlight.set(sessionId, (inFlight.get(sessionId) ?? 0) + 1);
      res.once('close', () => {
        inFlight.set(sessionId, Math.max(0, (inFlight.get(sessionId) ?? 1) - 1));
        lastSeen.set(sessionId, Date.now());
      });
    }

    if (req.method === 'POST') {
      const raw = await readBody(req, maxBody);
      if (raw === undefined) return sendJson(res, 413, { error: `Request body larger than ${maxBody} bytes.` });
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return sendJson(res, 400, { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error: the body is not JSON.' }, id: null });
      }
      if (existing) return existing.handleRequest(req, res, body);
      if (sessionId === undefined && isInitializeRequest(body)) {
        if (sessions.size >= maxSessions && !(await evictOldestIdle())) {
          return sendJson(res, 503, { error: `Too many MCP sessions (${maxSessions}, MIGRATION_HTTP_MAX_SESSIONS) and none is idle; try again shortly, or close sessions you no longer use.` }, { 'Retry-After': '5' });
        }
        const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id) => {
            sessions.set(id, transport);
            lastSeen.set(id, Date.now());
          },
        });
        transport.onclose = () => {
          if (!transport.sessionId) return;
          sessions.delete(transport.sessionId);
          lastSeen.delete(transport.sessionId);
          inFlight.delete(transport.sessionId);
        };
        await buildServer(deps).connect(transport);
        return transport.handleRequest(req, res, body);
      }
      return sendJson(res, sessionId === undefined ? 400 : 404, {
        jsonrpc: '2.0',
        error: { code: -32000, message: sessionId === undefined ? 'No session: send an initialize request first.' : 'Unknown or expired session; initialize again.' },
        id: null,
      });
    }
    if (req.method === 'GET' || req.method === 'DELETE') {
      if (!existing) return sendJson(res, sessionId === undefined ? 400 : 404, { error: 'Missing or unknown mcp-session-id.' });
      return existing.handleRequest(req, res);
    }
    res.setHeader('Allow', 'GET, POST, DELETE');
    return sendJson(res, 405, { error: `Method ${req.method ?? ''} not allowed.` });
  }

  /** Closes the least recently used session with nothing in progress; false when every session is busy. */
  async function evictOldestIdle(): Promise<boolean> {
    let oldest: [string, number] | undefined;
    for (const [id, seen] of lastSeen) {
      if ((inFlight.get(id) ?? 0) > 0) continue;
      if (!oldest || seen < oldest[1]) oldest = [id, seen];
    }
    if (!oldest) return false;
    const [id] = oldest;
    deps.logger.info(`Closing idle MCP session ${id}: the session cap (${maxSessions}) is reached.`);
    lastSeen.delete(id);
    await sessions.get(id)?.close();
    sessions.delete(id);
    return true;
  }

  const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/mcp`;
  deps.logger.info(`migration-mcp serving MCP over HTTP at ${url}${token ? ' (bearer token required)' : ' (NO AUTH: loopback only)'}.`);
  return {
    url,
    close: async () => {
      clearInterval(sweeper);
      await Promise.allSettled([...sessions.values()].map((transport) => transport.close()));
      sessions.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
