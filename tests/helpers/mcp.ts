/**
 * MCP clients for tests, all through the real SDK Client:
 * - `connectStdio`: spawns `node dist/main.js serve` (the real server process) over stdio;
 * - `connectInProcess`: links a client to `buildServer()` with an in-memory transport.
 * `callJson` calls a tool and returns its structured result (failing the test on protocol errors).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { closeApp, createApp, type AppDeps } from '../../src/app.js';
import { loadConfig } from '../../src/config/env.js';
import { buildServer } from '../../src/server/build-server.js';
import { childEnv, MAIN_JS } from './workspace.js';

export interface StdioSession {
  client: Client;
  transport: StdioClientTransport;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** The server's pid (for kill -9 tests). */
  pid(): number;
  close(): Promise<void>;
}

export async function connectStdio(env: Record<string, string>, args: string[] = ['serve']): Promise<StdioSession> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [MAIN_JS, ...args], env: childEnv(env), stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = new Client({ name: 'migration-mcp-tests', version: '0.0.0' });
  await client.connect(transport);
  return {
    client,
    transport,
    stderr: () => stderr,
    pid: () => transport.pid!,
    close: async () => {
      await client.close().catch(() => {});
    },
  };
}

export interface InProcessSession {
  client: Client;
  deps: AppDeps;
  close(): Promise<void>;
}

export async function connectInProcess(env: Record<string, string>, cwd = process.cwd()): Promise<InProcessSession> {
  const deps = createApp(loadConfig(env, cwd));
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const server = buildServer(deps);
  await server.connect(serverTransport);
  const client = new Client({ name: 'migration-mcp-tests', version: '0.0.0' });
  await client.connect(clientTransport);
  return {
    client,
    deps,
    close: async () => {
      await client.close().catch(() => {});
      await server.close().catch(() => {});
      await closeApp(deps);
    },
  };
}

/** Calls a tool; returns structuredContent, the text, and isError. */
export async function callTool(client: Client, name: string, args: Record<string, unknown> = {}, options: { onprogress?: (p: { progress: number; total?: number; message?: string }) => void; timeout?: number } = {}) {
  const result = (await client.callTool({ name, arguments: args }, undefined, { timeout: options.timeout ?? 60_000, onprogress: options.onprogress })) as CallToolResult;
  const text = result.content?.find((item) => item.type === 'text')?.text ?? '';
  return { structured: (result.structuredContent ?? {}) as Record<string, any>, text, isError: result.isError === true, meta: result._meta };
}

/** Calls a run-based tool and follows it with get_run until it finishes; returns the final result. */
export async function callToCompletion(client: Client, name: string, args: Record<string, unknown> = {}, timeoutMs = 120_000) {
  let answer = await callTool(client, name, { wait_seconds: 50, ...args });
  const deadline = Date.now() + timeoutMs;
  while (!answer.isError && answer.structured.status === 'running' && Date.now() < deadline) {
    const polled = await callTool(client, 'get_run', { run_id: answer.structured.run_id, wait_seconds: 50 });
    answer = polled.structured.status === 'running' ? { ...polled, structured: { ...polled.structured, status: 'running' } } : { ...polled, structured: polled.structured.result, isError: ['failed', 'interrupted'].includes(polled.structured.status) };
  }
  return answer;
}
