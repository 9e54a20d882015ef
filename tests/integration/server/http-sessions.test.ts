/** HTTP sessions: stateful sessions are kept while used and closed when idle; a cap on sessions; the Host allow-list. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeApp, createApp, type AppDeps } from '../../../src/app.js';
import { loadConfig } from '../../../src/config/env.js';
import { serveHttp, type RunningHttpServer } from '../../../src/server/http.js';
import { makeWorkspace, type Workspace } from '../../helpers/workspace.js';

let ws: Workspace;
let deps: AppDeps;
let server: RunningHttpServer;

afterEach(async () => {
  await server?.close();
  await closeApp(deps);
  ws.cleanup();
  vi.useRealTimers();
});

async function start(sessionIdleMs: number, maxSessions?: number) {
  ws = makeWorkspace({ MIGRATION_HTTP_TOKEN: 'session-test-token', LOG_LEVEL: 'error' });
  deps = createApp(loadConfig(ws.env, ws.dir));
  server = await serveHttp(deps, { host: '127.0.0.1', port: 0, sessionIdleMs, ...(maxSessions ? { maxSessions } : {}) });
}

const HEADERS = { Authorization: 'Bearer session-test-token', 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };

/** Opens a session with a raw initialize request; returns the response. */
function initialize() {
  return fetch(server.url, {
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'cap-test', version: '0' } } }),
  });
}

function post(sessionId: string, body: unknown) {
  return fetch(server.url, {
    method: 'POST',
    headers: { Authorization: 'Bearer session-test-token', 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' },
    body: JSON.stringify(body),
  });
}

/** Opens a session (initialize, then the initialized notification); returns its id. */
async function openSession(): Promise<string> {
  const init = await initialize();
  expect(init.status).toBe(200);
  const id = init.headers.get('mcp-session-id')!;
  await init.text();
  const initialized = await post(id, { jsonrpc: '2.0', method: 'notifications/initialized' });
  await initialized.text();
  return id;
}

/** Lists tools in a session; returns the HTTP status (the body is read to the end). */
async function use(sessionId: string, id: number): Promise<number> {
  const response = await post(sessionId, { jsonrpc: '2.0', id, method: 'tools/list' });
  await response.text();
  return response.status;
}

describe('HTTP sessions', () => {
  it('keeps a session in use past the idle timeout, and expires the one left idle', async () => {
    // The server's clock (Date) and its idle sweeper (setInterval) are the test's; sockets are real.
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    await start(1000);
    const used = await openSession();
    const idle = await openSession();

    // Four requests 400 ms apart: 1600 ms in all, beyond the 1000 ms idle timeout, each gap below it.
    for (let i = 1; i <= 4; i += 1) {
      vi.advanceTimersByTime(400);
      expect(await use(used, i)).toBe(200);
    }
    expect(await use(idle, 9)).toBe(404);
    expect(await use(used, 10)).toBe(200);
  });
});

describe('HTTP Host allow-list', () => {
  it('accepts the names in MIGRATION_ALLOWED_HOSTS and still refuses others', async () => {
    ws = makeWorkspace({ MIGRATION_HTTP_TOKEN: 'host-test-token', MIGRATION_ALLOWED_HOSTS: 'migration.internal', LOG_LEVEL: 'error' });
    deps = createApp(loadConfig(ws.env, ws.dir));
    server = await serveHttp(deps, { host: '127.0.0.1', port: 0 });
    const port = new URL(server.url).port;
    const { request } = await import('node:http');
    const statusFor = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(server.url, { method: 'POST', headers: { Host: host, Authorization: 'Bearer host-test-token', 'Content-Type': 'application/json' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end('{}');
      });
    expect(await statusFor(`migration.internal:${port}`)).toBe(400);
    expect(await statusFor(`evil.example:${port}`)).toBe(403);
  });

  it('caps concurrent sessions: the oldest idle one is closed, and with none idle a new one gets 503 with Retry-After', async () => {
    await start(60_000, 2);
    const first = (await initialize()).headers.get('mcp-session-id')!;
    const second = (await initialize()).headers.get('mcp-session-id')!;
    const third = await initialize();
    expect(third.status).toBe(200);
    const thirdId = third.headers.get('mcp-session-id')!;
    expect((await post(first, { jsonrpc: '2.0', id: 2, method: 'tools/list' })).status).toBe(404);

    // Both remaining sessions busy: an open SSE stream each.
    const streams = await Promise.all(
      [second, thirdId].map((id) => fetch(server.url, { method: 'GET', headers: { ...HEADERS, Accept: 'text/event-stream', 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' } })),
    );
    expect(streams.map((r) => r.status)).toEqual([200, 200]);
    const refused = await initialize();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toMatchObject({ error: expect.stringContaining('MIGRATION_HTTP_MAX_SESSIONS') });
    for (const stream of streams) await stream.body?.cancel();
  });
});
