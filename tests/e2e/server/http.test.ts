/**
 * End-to-end over Streamable HTTP: the real server process (`node dist/main.js serve --http --port 0`)
 * behind its guard (bearer token, Origin, Host, body cap), driven by raw requests and by the SDK
 * StreamableHTTPClientTransport. Needs `npm run build` (dist/main.js).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, LATEST_PROTOCOL_VERSION, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_TOOLS } from '../../../src/tools/index.js';
import { childEnv, MAIN_JS, makeWorkspace, type Workspace } from '../../helpers/workspace.js';

const TOKEN = 'test-http-token-4f1c9a7e2b';
const SECRET = 'super-secret-key-123';

interface ServerProcess {
  child: ChildProcess;
  url: string;
  stderr(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Spawns the server; resolves once it prints `Listening on <url>`, rejects if it exits first. */
function startServer(env: Record<string, string>, args: string[], cwd: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, [MAIN_JS, 'serve', '--http', ...args], { cwd, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start; stderr: ${stderr}`)), 20_000);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const match = /Listening on (\S+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve({
          child,
          url: match[1]!,
          stderr: () => stderr,
          stop: async () => {
            if (child.exitCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`server exited with code ${code}; stderr: ${stderr}`), { code, stderr }));
    });
  });
}

/** Runs the server expecting it to refuse to start; returns its exit code and stderr. */
function runToExit(env: Record<string, string>, args: string[], cwd: string): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, [MAIN_JS, 'serve', '--http', ...args], { cwd, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    }),
  );
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw HTTP request (node:http, so Host and Origin can be set freely). */
function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; path?: string } = {}): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: target.hostname, port: target.port, method: options.method ?? 'POST', path: options.path ?? target.pathname, headers: options.headers ?? {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

const initializeBody = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'raw-http-test', version: '0' } },
});
const mcpHeaders = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' };

/** A stand-in INNERGY that refuses every request with a 401 whose body echoes the key it was sent. */
async function startEchoingInnergy(): Promise<{ url: string; requests: number; close(): Promise<void> }> {
  const state = { requests: 0 };
  const server = http.createServer((req, res) => {
    state.requests += 1;
    res.writeHead(401, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ message: `Invalid Api-Key ${String(req.headers['api-key'])}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('HTTP server with a bearer token', () => {
  let ws: Workspace;
  let server: ServerProcess;
  let innergy: Awaited<ReturnType<typeof startEchoingInnergy>>;
  let origin: string;

  beforeAll(async () => {
    innergy = await startEchoingInnergy();
    ws = makeWorkspace({ MIGRATION_HTTP_TOKEN: TOKEN, INNERGY_API_BASE_URL: innergy.url, INNERGY_API_KEY: SECRET, MAX_RETRIES: '0', LOG_LEVEL: 'info' });
    server = await startServer(ws.env, ['--port', '0'], ws.dir);
    origin = new URL(server.url).origin;
  });

  afterAll(async () => {
    await server?.stop();
    await innergy?.close();
    ws?.cleanup();
  });

  it('listens on loopback at /mcp on the port the system picked', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(Number(new URL(server.url).port)).toBeGreaterThan(0);
  });

  it('answers a request without a token with 401 and WWW-Authenticate', async () => {
    const res = await rawRequest(server.url, { headers: mcpHeaders, body: initializeBody });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(res.body).toContain('MIGRATION_HTTP_TOKEN');
  });

  it('answers a wrong token with 401', async () => {
    const res = await rawRequest(server.url, { headers: { ...mcpHeaders, Authorization: `Bearer ${TOKEN}x` }, body: initializeBody });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
  });

  it('refuses a foreign Origin with 403, even with the right token', async () => {
    const res = await rawRequest(server.url, { headers: { ...mcpHeaders, Authorization: `Bearer ${TOKEN}`, Origin: 'http://evil.example' }, body: initializeBody });
    expect(res.status).toBe(403);
    expect(res.body).toContain('evil.example');
  });

  it('refuses an unexpected Host header with 403 (DNS rebinding)', async () => {
    const res = await rawRequest(server.url, { headers: { ...mcpHeaders, Authorization: `Bearer ${TOKEN}`, Host: 'evil.example' }, body: initializeBody });
    expect(res.status).toBe(403);
    expect(res.body).toMatch(/Host header .*evil\.example/);
  });

  it("accepts the server's own loopback Origin with the right token", async () => {
    const res = await rawRequest(server.url, { headers: { ...mcpHeaders, Authorization: `Bearer ${TOKEN}`, Origin: origin }, body: initializeBody });
    expect(res.status).toBe(200);
    expect(res.headers['mcp-session-id']).toEqual(expect.any(String));
    expect(res.body).toContain('"serverInfo"');
    // End the session the test opened.
    const closed = await rawRequest(server.url, { method: 'DELETE', headers: { Authorization: `Bearer ${TOKEN}`, 'mcp-session-id': String(res.headers['mcp-session-id']) } });
    expect(closed.status).toBe(200);
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(1024 * 1024 + 10) } });
    const res = await rawRequest(server.url, { headers: { ...mcpHeaders, Authorization: `Bearer ${TOKEN}`, 'Content-Length': String(Buffer.byteLength(big)) }, body: big });
    expect(res.status).toBe(413);
    expect(res.body).toContain('larger than 1048576 bytes');
    // Without a Content-Length (chunked), the cap applies while reading.
    const chunked = await rawRequest(server.url, { headers: { ...mcpHeaders, Authorization: `Bearer ${TOKEN}`, 'Transfer-Encoding': 'chunked' }, body: big });
    expect(chunked.status).toBe(413);
  });

  it('refuses a GET or DELETE without a session (400) and other methods (405)', async () => {
    const get = await rawRequest(server.url, { method: 'GET', headers: { Authorization: `Bearer ${TOKEN}`, Accept: 'text/event-stream' } });
    expect(get.status).toBe(400);
    const unknown = await rawRequest(server.url, { method: 'DELETE', headers: { Authorization: `Bearer ${TOKEN}`, 'mcp-session-id': 'no-such-session' } });
    expect(unknown.status).toBe(404);
    const put = await rawRequest(server.url, { method: 'PUT', headers: { ...mcpHeaders, Authorization: `Bearer ${TOKEN}` }, body: '{}' });
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('GET, POST, DELETE');
  });

  it('answers a body that is not JSON with a JSON-RPC parse error (400)', async () => {
    const res = await rawRequest(server.url, { headers: { ...mcpHeaders, Authorization: `Bearer ${TOKEN}` }, body: '{not json' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 }, id: null });
  });

  it('answers any path other than /mcp with 404', async () => {
    const res = await rawRequest(server.url, { method: 'GET', path: '/', headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(404);
    const other = await rawRequest(server.url, { path: '/mcp/extra', headers: { ...mcpHeaders, Authorization: `Bearer ${TOKEN}` }, body: initializeBody });
    expect(other.status).toBe(404);
  });

  it('serves the SDK StreamableHTTPClientTransport: lists tools and runs the ETL with progress over SSE', async () => {
    const transport = new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } });
    const client = new Client({ name: 'http-e2e', version: '0.0.0' });
    await client.connect(transport);
    try {
      expect(transport.sessionId).toEqual(expect.any(String));
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(ALL_TOOLS.map((t) => t.name).sort());

      const progress: number[] = [];
      const result = (await client.callTool(
        { name: 'run_ppak_export_etl', arguments: { ppak_export_dir: ws.exportDir, output_dir: ws.outputDir, wait_seconds: 50 } },
        undefined,
        { onprogress: (p) => progress.push(p.progress), timeout: 60_000 },
      )) as CallToolResult;
      expect(result.isError ?? false).toBe(false);
      expect(result.structuredContent).toMatchObject({ status: 'succeeded', export_date: '2024-01-15', dry_run: false });
      expect(progress.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThan(progress[i - 1]!);
    } finally {
      await transport.terminateSession().catch(() => {});
      await client.close();
    }
  });

  it('keeps INNERGY_API_KEY out of stderr, tool answers and report files after running tools', async () => {
    const transport = new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } });
    const client = new Client({ name: 'http-e2e-secrets', version: '0.0.0' });
    await client.connect(transport);
    const answers: string[] = [];
    try {
      const before = innergy.requests;
      // A read-only check and a dry run, both against an INNERGY that echoes the key in its 401 body.
      const check = (await client.request({ method: 'tools/call', params: { name: 'check_innergy_connection', arguments: {} } }, CallToolResultSchema)) as CallToolResult;
      expect(check.isError).toBe(true);
      answers.push(JSON.stringify(check));
      const sync = (await client.request(
        { method: 'tools/call', params: { name: 'sync_innergy_material_library', arguments: { material_library: ws.materialLibrary, dry_run: true, wait_seconds: 50 } } },
        CallToolResultSchema,
        { timeout: 60_000 },
      )) as CallToolResult;
      expect(sync.isError).toBe(true);
      expect(sync.structuredContent).toMatchObject({ status: 'failed' });
      answers.push(JSON.stringify(sync));
      const failedRun = String(sync.structuredContent?.run_id);
      const report = await client.readResource({ uri: `migration://runs/${failedRun}/report` });
      answers.push(JSON.stringify(report));
      // The key did reach INNERGY (so it was really in play) ...
      expect(innergy.requests).toBeGreaterThan(before);
      expect(answers.join('\n')).toContain('401');
      // The echoed key shows up masked where INNERGY's message is quoted.
      expect(answers.join('\n')).toContain('Invalid Api-Key ***');
    } finally {
      await transport.terminateSession().catch(() => {});
      await client.close();
    }
    // ... and was redacted everywhere it could have leaked.
    for (const answer of answers) expect(answer).not.toContain(SECRET);
    expect(server.stderr()).not.toContain(SECRET);
    const reports = filesUnder(path.join(ws.outputDir, 'reports'));
    expect(reports.length).toBeGreaterThanOrEqual(2);
    for (const file of filesUnder(ws.outputDir)) expect(fs.readFileSync(file, 'utf8'), file).not.toContain(SECRET);
  });

  it('stops cleanly (exit 0) on a SIGTERM sent right after it announced its URL', async () => {
    const extra = await startServer(ws.env, ['--port', '0'], ws.dir);
    expect(await extra.stop()).toBe(0);
  });
});

describe('HTTP server start-up without a token', () => {
  let ws: Workspace;

  beforeAll(() => {
    ws = makeWorkspace();
  });

  afterAll(() => ws?.cleanup());

  it('refuses to start without MIGRATION_HTTP_TOKEN and says to set it', async () => {
    const { code, stderr, stdout } = await runToExit(ws.env, ['--port', '0'], ws.dir);
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(stderr).toContain('MIGRATION_HTTP_TOKEN');
    expect(stderr).toMatch(/Set MIGRATION_HTTP_TOKEN/);
    expect(stderr).not.toContain('Listening on');
    expect(stdout).toBe('');
  });

  it('refuses --insecure-no-auth on a non-loopback address', async () => {
    const { code, stderr } = await runToExit(ws.env, ['--port', '0', '--host', '0.0.0.0', '--insecure-no-auth'], ws.dir);
    expect(code).not.toBe(0);
    expect(stderr).toContain('MIGRATION_HTTP_TOKEN');
    expect(stderr).not.toContain('Listening on');
  });

  it('starts without a token with --insecure-no-auth on 127.0.0.1 and then needs no Authorization', async () => {
    const server = await startServer(ws.env, ['--port', '0', '--host', '127.0.0.1', '--insecure-no-auth'], ws.dir);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      const res = await rawRequest(server.url, { headers: mcpHeaders, body: initializeBody });
      expect(res.status).toBe(200);
      expect(res.headers['mcp-session-id']).toEqual(expect.any(String));
      // The Origin and Host checks still apply without a token.
      const foreign = await rawRequest(server.url, { headers: { ...mcpHeaders, Origin: 'http://evil.example' }, body: initializeBody });
      expect(foreign.status).toBe(403);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
