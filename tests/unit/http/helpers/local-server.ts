/**
 * A real HTTP server on 127.0.0.1 (port 0) answering scripted responses, one per request in
 * order, for the HTTP client tests: status, headers, body, delay, or a destroyed socket.
 */
import { afterEach } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer. */
export interface ScriptedResponse {
  /** @default 200 */
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON (with content-type application/json). */
  body?: unknown;
  /** Wait this long before answering. */
  delayMs?: number;
  /**
   * Kill the connection instead of answering: `reset` sends a TCP RST (ECONNRESET), `close`
   * closes it before any byte of the answer (UND_ERR_SOCKET), `mid-body` after half a body.
   */
  destroy?: 'reset' | 'close' | 'mid-body';
}

/** A request the server received. */
export interface ReceivedRequest {
  method: string;
  /** Path and query. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Date.now() when it arrived. */
  at: number;
}

/** A script: answers in order (the last one repeats), or a function of the request and its index. */
export type Script = ScriptedResponse[] | ((request: ReceivedRequest, index: number) => ScriptedResponse);

export interface LocalServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

function pick(script: Script, request: ReceivedRequest, index: number): ScriptedResponse {
  if (typeof script === 'function') return script(request, index);
  return script[Math.min(index, script.length - 1)] ?? {};
}

/** Starts a server that answers `script`. Close it in afterEach. */
export async function startLocalServer(script: Script = [{}]): Promise<LocalServer> {
  const requests: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received: ReceivedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      const index = requests.push(received) - 1;
      const answer = pick(script, received, index);
      const respond = () => {
        if (answer.destroy === 'reset') return req.socket.resetAndDestroy();
        if (answer.destroy === 'close') return req.socket.destroy();
        const isText = typeof answer.body === 'string';
        const text = answer.body === undefined ? '' : isText ? (answer.body as string) : JSON.stringify(answer.body);
        const headers: Record<string, string> = { ...answer.headers };
        if (answer.body !== undefined && !isText && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
          headers['content-type'] = 'application/json';
        }
        if (answer.destroy === 'mid-body') {
          res.writeHead(answer.status ?? 200, { ...headers, 'content-length': String(Buffer.byteLength(text) + 100) });
          res.write(text.slice(0, Math.ceil(text.length / 2)));
          setTimeout(() => req.socket.destroy(), 10);
          return;
        }
        res.writeHead(answer.status ?? 200, headers);
        res.end(text);
      };
      if (answer.delayMs) setTimeout(respond, answer.delayMs);
      else respond();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL on 127.0.0.1 where nothing listens (connection refused). */
export async function refusedUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Milliseconds between two received requests. */
export function gap(requests: ReceivedRequest[], from: number, to: number): number {
  return requests[to]!.at - requests[from]!.at;
}

/**
 * `serve(script)` starting a local server for the calling test, closed after each test
 * (registers an afterEach): `const serve = useLocalServer();`.
 */
export function useLocalServer(): (script: Script) => Promise<LocalServer> {
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  return async (script) => {
    server = await startLocalServer(script);
    return server;
  };
}
