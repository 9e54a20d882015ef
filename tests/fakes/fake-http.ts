/**
 * A small framework for fake target servers (INNERGY, OpenProject, DevRev) used by the
 * integration, end-to-end and benchmark suites: real HTTP on 127.0.0.1 (port 0 by default),
 * a route table, latency, rate limiting with the target's headers, deterministic fault
 * injection, a request log, and control endpoints under `/__fake/` (see `control.ts`).
 *
 * Order of processing for a request outside `/__fake/`:
 * read the body (413 over the limit; `Content-Encoding: gzip` bodies are decompressed, 400 when
 * that fails) and parse it → rate limit (429, counted on arrival) → latency → fault → bad JSON (400)
 * → `before` hook (auth) → route (or `notFound`) → answer (or, for `lostResponse`, reset).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { handleControl, type ControlOptions } from './control.js';
import { FaultController, type FaultConfig } from './fault-injection.js';
import { mulberry32 } from './prng.js';
import { FixedWindowRateLimiter, type RateLimitOptions } from './rate-limiter.js';
import { RequestLog, type RequestStats } from './request-log.js';
import { compilePattern, normalizePath, type PathPattern } from './routing.js';
import { html, json, text, type BeforeHook, type FakeRequest, type FakeResponse, type Handler, type HandlerContext } from './types.js';

export * from './types.js';
export type { ControlOptions } from './control.js';
export type { FaultConfig, FaultKind, FaultMatch, FaultRule, OneShotFault, FaultProbabilities } from './fault-injection.js';
export type { RateLimitOptions, RateLimitHeaderStyle, RateLimitInfo } from './rate-limiter.js';
export type { RequestLogEntry, RequestFilter, RequestStats } from './request-log.js';

/** One route of a fake. */
export interface RouteDefinition {
  method: string;
  /** Path pattern, e.g. `/api/projects/:id`. */
  path: string;
  handler: Handler;
}

/** Options of `startFakeServer`. */
export interface FakeServerOptions {
  /** Name used in messages. @default 'fake' */
  name?: string;
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (any free port) */
  port?: number;
  routes?: RouteDefinition[];
  /** Seed of every random choice (jitter, faults). @default 1 */
  seed?: number;
  /** Fixed delay before answering, ms. @default 0 */
  latencyMs?: number;
  /** Extra uniform random delay in [0, jitterMs), ms. @default 0 */
  jitterMs?: number;
  /** Rate limit at start; `null`/absent = off. Merged over `rateLimitDefaults`. */
  rateLimit?: Partial<RateLimitOptions> & Pick<RateLimitOptions, 'count' | 'windowMs'>;
  /** Target-specific rate-limit style (header style, 429 body, key) applied whenever a limit is set. */
  rateLimitDefaults?: Partial<RateLimitOptions>;
  /** Fault settings at start. */
  faults?: FaultConfig;
  /** Maximum request body size; larger bodies get 413. @default 1 MiB */
  bodyLimitBytes?: number;
  /** Runs before routing (typically authentication); a response short-circuits. */
  before?: BeforeHook;
  /** Answers requests no route matches. @default `renderError(404, …)` */
  notFound?: Handler;
  /** The target's error body for framework errors (400 bad JSON, 404, 413, 429, 5xx faults, handler crash). */
  renderError?: (status: number, message: string, req: FakeRequest | undefined) => FakeResponse;
  /** Page sent by the `html` fault. */
  loginPageHtml?: string;
  /** Control endpoints under `/__fake/`; `false` disables them. @default enabled, empty state */
  control?: ControlOptions | false;
  /** Clock of the rate-limit windows (tests of the windows). @default Date.now */
  now?: () => number;
}

/** A running fake server. */
export interface FakeServer {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly requests: RequestLog;
  readonly faults: FaultController;
  readonly rateLimiter: FixedWindowRateLimiter;
  /** Adds a route at runtime (matched after the existing ones). */
  route(method: string, path: string, handler: Handler): void;
  /** Turns rate limiting on (merged over `rateLimitDefaults`) or off (`null`). */
  setRateLimit(limit: (Partial<RateLimitOptions> & Pick<RateLimitOptions, 'count' | 'windowMs'>) | null): void;
  /** Changes the latency applied to every request. */
  setLatency(latencyMs: number, jitterMs?: number): void;
  /** Current latency settings. */
  readonly latency: { latencyMs: number; jitterMs: number };
  /** Aggregated request counters. */
  stats(): RequestStats;
  /** Back to the start configuration: log cleared, faults/rate limit/latency as at start, `control.reset()` called. */
  reset(): void;
  /** Stops listening and destroys every open socket (keep-alive included). */
  close(): Promise<void>;
}

const DEFAULT_LOGIN_PAGE = '<!DOCTYPE html><html><head><title>Sign in</title></head><body><form method="post" action="/Account/Login"><input name="Email"><input name="Password" type="password"><button>Sign in</button></form></body></html>';

class BodyTooLarge extends Error {}
class BadEncoding extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge(`request body over ${limit} bytes`));
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (String(req.headers['content-encoding'] ?? '').toLowerCase() !== 'gzip') return resolve(body.toString('utf8'));
      try {
        resolve(gunzipSync(body).toString('utf8'));
      } catch (error) {
        reject(new BadEncoding(`the gzip request body cannot be decompressed: ${(error as Error).message}`));
      }
    });
    req.on('error', reject);
  });
}

function parseJson(raw: string): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

function write(res: ServerResponse, response: FakeResponse, extraHeaders: Record<string, string>): void {
  const headers: Record<string, string> = { ...extraHeaders };
  for (const [k, v] of Object.entries(response.headers ?? {})) headers[k.toLowerCase()] = v;
  let payload: string | Buffer | undefined;
  if (response.body === undefined) payload = undefined;
  else if (typeof response.body === 'string' || Buffer.isBuffer(response.body)) {
    payload = response.body;
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else {
    payload = JSON.stringify(response.body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  res.writeHead(response.status, headers);
  res.end(payload);
}

/** Starts a fake server and resolves once it listens. */
export async function startFakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  const name = options.name ?? 'fake';
  const seed = options.seed ?? 1;
  const bodyLimit = options.bodyLimitBytes ?? 1024 * 1024;
  const routes: Array<{ method: string; pattern: PathPattern; handler: Handler }> = [];
  const sockets = new Set<Socket>();
  const closing = new AbortController();
  const jitterRandom = mulberry32(seed);
  const requests = new RequestLog();
  const faults = new FaultController(options.faults, seed);
  const rateLimiter = new FixedWindowRateLimiter(null, options.now);
  const latency = { latencyMs: options.latencyMs ?? 0, jitterMs: options.jitterMs ?? 0 };

  const renderError = (status: number, message: string, req: FakeRequest | undefined): FakeResponse =>
    options.renderError ? options.renderError(status, message, req) : json(status, { error: message, status });
  const contextFor = (req: FakeRequest | undefined): HandlerContext => ({
    json,
    html,
    text,
    error: (status, message) => renderError(status, message, req),
  });

  async function dispatch(fr: FakeRequest, entry: { route: string | null }): Promise<FakeResponse> {
    const ctx = contextFor(fr);
    if (fr.rawBody.length > 0 && fr.body === undefined && String(fr.headers['content-type'] ?? '').includes('json')) {
      return renderError(400, 'The request body is not valid JSON.', fr);
    }
    const early = await options.before?.(fr, ctx);
    if (early) return early;
    for (const route of routes) {
      if (route.method !== fr.method) continue;
      const params = route.pattern.match(fr.path);
      if (!params) continue;
      fr.params = params;
      entry.route = route.pattern.source;
      return route.handler(fr, ctx);
    }
    return options.notFound ? options.notFound(fr, ctx) : renderError(404, `No route for ${fr.method} ${fr.path}`, fr);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const path = normalizePath(url.pathname);
    const method = (req.method ?? 'GET').toUpperCase();
    const readRaw = () => readBody(req, bodyLimit);
    if (options.control !== false && path.startsWith('/__fake/')) {
      write(res, await handleControl(server, options.control ?? {}, method, path, await readRaw()), {});
      return;
    }
    const entry = requests.start(method, path, url.searchParams);
    const started = Date.now();
    const finish = (response: FakeResponse | null, extra: Record<string, string> = {}, deliver = true) => {
      entry.status = response ? response.status : null;
      entry.durationMs = Date.now() - started;
      entry.delivered = deliver && !req.socket.destroyed;
      if (!deliver) req.socket.resetAndDestroy();
      else if (response && !req.socket.destroyed) write(res, response, extra);
    };
    let rawBody: string;
    try {
      rawBody = await readRaw();
    } catch (err) {
      if (err instanceof BadEncoding) return finish(renderError(400, err.message, undefined));
      if (!(err instanceof BodyTooLarge)) throw err;
      finish(renderError(413, err.message, undefined), { connection: 'close' });
      return;
    }
    const fr: FakeRequest = { method, path, query: url.searchParams, headers: req.headers, params: {}, rawBody, body: parseJson(rawBody) };
    const limit = rateLimiter.take(fr);
    const limitHeaders = limit ? rateLimiter.headers(limit, !limit.allowed) : {};
    if (limit && !limit.allowed) {
      entry.rateLimited = true;
      const body = rateLimiter.options?.body?.(limit);
      const message = `Too many requests; retry after ${limit.retryAfterSeconds} s.`;
      finish(body === undefined ? renderError(429, message, fr) : json(429, body), limitHeaders);
      return;
    }

    // Latency is the server's processing time: a rate limiter in front of it (as in a reverse proxy
    // or Rack::Attack) counts the request when it arrives, so a 429 is answered without it.
    const delay = latency.latencyMs + (latency.jitterMs > 0 ? jitterRandom() * latency.jitterMs : 0);
    if (delay > 0) await sleep(delay, undefined, { signal: closing.signal });

    const fault = faults.decide(fr);
    entry.fault = fault?.kind ?? null;
    if (fault?.kind === 'reset') return finish(null, {}, false);
    if (fault?.kind === 'status5xx') return finish(renderError(fault.status, `${name}: injected ${fault.status}`, fr), limitHeaders);
    if (fault?.kind === 'html') return finish(html(200, options.loginPageHtml ?? DEFAULT_LOGIN_PAGE));
    if (fault?.kind === 'delay') await sleep(fault.delayMs, undefined, { signal: closing.signal });

    let response: FakeResponse;
    try {
      response = await dispatch(fr, entry);
    } catch (err) {
      process.stderr.write(`${name}: handler for ${method} ${path} threw: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      response = renderError(500, `${name}: handler failed: ${err instanceof Error ? err.message : String(err)}`, fr);
    }
    finish(response, limitHeaders, fault?.kind !== 'lostResponse');
  }

  const http = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // Aborted by close() during a delay: drop the connection. Anything else is a bug in a fake
      // or in a test's fault predicate: say so rather than fail silently.
      if (closing.signal.aborted || req.socket.destroyed) return void req.socket.destroy();
      const message = `${name}: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}`;
      process.stderr.write(`${message}\n`);
      if (!res.headersSent) write(res, text(500, message), {});
      else req.socket.destroy();
    });
  });
  http.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  http.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = http.address();
  if (!address || typeof address === 'string') throw new Error(`${name}: could not read the listening address`);
  const host = options.host ?? '127.0.0.1';

  const server: FakeServer = {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    port: address.port,
    requests,
    faults,
    rateLimiter,
    latency,
    route(method, path, handler) {
      routes.push({ method: method.toUpperCase(), pattern: compilePattern(path), handler });
    },
    setRateLimit(limit) {
      rateLimiter.configure(limit ? { ...options.rateLimitDefaults, ...limit } : null);
    },
    setLatency(latencyMs, jitterMs = 0) {
      latency.latencyMs = latencyMs;
      latency.jitterMs = jitterMs;
    },
    stats: () => requests.stats(),
    reset() {
      requests.clear();
      faults.clear();
      faults.resetCounters();
      if (options.faults) faults.set(options.faults);
      server.setRateLimit(options.rateLimit ?? null);
      rateLimiter.reset();
      server.setLatency(options.latencyMs ?? 0, options.jitterMs ?? 0);
      if (options.control) options.control.reset?.();
    },
    close() {
      closing.abort();
      return new Promise<void>((resolve) => {
        http.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
  for (const r of options.routes ?? []) server.route(r.method, r.path, r.handler);
  server.setRateLimit(options.rateLimit ?? null);
  return server;
}
