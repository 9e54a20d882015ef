/**
 * Prometheus scraping: `GET /metrics` on the HTTP transport (behind the same guard as `/mcp`:
 * Host, Origin, bearer token), or — for scrapers that cannot send a token — a separate listener
 * (`serve --metrics-port <n>`) that binds to loopback only and answers nothing but `/metrics`.
 */
import http from 'node:http';
import { ConfigError } from '../engine/errors.js';
import type { Logger } from '../logging/logger.js';
import { metrics } from '../metrics/index.js';
import { isLoopback } from './http-guard.js';

/** Answers a metrics request (GET or HEAD; 405 otherwise). */
export async function answerMetrics(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' });
    res.end('Method not allowed: use GET /metrics.\n');
    return;
  }
  const registry = metrics();
  const text = await registry.text();
  res.writeHead(200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : text);
}

/** A running metrics listener. */
export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** Serves `GET /metrics` on `host:port`, loopback only (no token: anything local may scrape it). */
export async function serveMetricsPort(host: string, port: number, logger: Logger): Promise<MetricsServer> {
  if (!isLoopback(host)) {
    throw new ConfigError(`--metrics-port serves without a token, so it binds to loopback only (got ${host}).`, {
      action: 'Use a loopback address (127.0.0.1), or scrape GET /metrics on the HTTP transport with the bearer token.',
    });
  }
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('Only /metrics is served here.\n');
      return;
    }
    answerMetrics(req, res).catch((error: unknown) => {
      logger.error(`Metrics request failed: ${(error as Error)?.message ?? String(error)}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}/metrics`;
  logger.info(`Prometheus metrics at ${url}.`);
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
