/**
 * End-to-end over stdio: the real server process (`node dist/main.js serve`) driven by the SDK
 * Client, plus one raw JSON-RPC session that checks stdout carries protocol messages only.
 * Needs `npm run build` (dist/main.js).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import { createInterface } from 'node:readline';
import { CallToolResultSchema, JSONRPCMessageSchema, LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_TOOLS } from '../../../src/tools/index.js';
import { callTool, connectStdio, type StdioSession } from '../../helpers/mcp.js';
import { childEnv, MAIN_JS, makeWorkspace, REPO_ROOT, type Workspace } from '../../helpers/workspace.js';

/** The result keys DESIGN §6 promises for run_ppak_export_etl (common run keys included). */
const ETL_KEYS = ['run_id', 'status', 'dry_run', 'plan_id', 'report_uri', 'next_action', 'export_date', 'projects', 'materials', 'work_orders', 'unmapped', 'outputs', 'warnings'];
const COUNT_KEYS = ['read', 'written', 'rejected'];

describe('stdio server through the SDK client', () => {
  let ws: Workspace;
  let session: StdioSession;
  let runId: string;
  let etl: Record<string, any>;
  const progress: { progress: number; total?: number; message?: string }[] = [];

  beforeAll(async () => {
    ws = makeWorkspace();
    session = await connectStdio(ws.env);
    const answer = await callTool(session.client, 'run_ppak_export_etl', { ppak_export_dir: ws.exportDir, output_dir: ws.outputDir, wait_seconds: 50 }, { onprogress: (p) => progress.push(p) });
    expect(answer.isError, answer.text).toBe(false);
    etl = answer.structured;
    runId = String(etl.run_id);
  });

  afterAll(async () => {
    await session?.close();
    ws?.cleanup();
  });

  it('lists every tool with title, description, input and output schemas and annotations', async () => {
    const { tools } = await session.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(ALL_TOOLS.map((t) => t.name).sort());
    for (const tool of tools) {
      expect(tool.title, tool.name).toEqual(expect.any(String));
      expect(tool.description?.length, tool.name).toBeGreaterThan(20);
      expect(tool.inputSchema.type, tool.name).toBe('object');
      expect(tool.outputSchema?.type, tool.name).toBe('object');
      expect(Object.keys(tool.outputSchema?.properties ?? {}).length, tool.name).toBeGreaterThan(0);
      expect(tool.annotations, tool.name).toMatchObject({
        readOnlyHint: expect.any(Boolean),
        destructiveHint: expect.any(Boolean),
        idempotentHint: expect.any(Boolean),
        openWorldHint: expect.any(Boolean),
      });
    }
  });

  it('runs the PPak ETL and sends progress notifications whose progress increases', () => {
    expect(progress.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.progress).toBeGreaterThan(progress[i - 1]!.progress);
    expect(progress.every((p) => typeof p.message === 'string' && p.message.length > 0)).toBe(true);
    // The last notification accounts for every row of the three files.
    const rows = etl.projects.read + etl.materials.read + etl.work_orders.read;
    expect(progress.at(-1)!.progress).toBe(rows);
  });

  it('returns structuredContent with the DESIGN §6 result keys', () => {
    for (const key of ETL_KEYS) expect(etl, key).toHaveProperty(key);
    expect(etl.status).toBe('succeeded');
    expect(etl.dry_run).toBe(false);
    expect(etl.run_id).toMatch(/^r-\d{8}-\d{6}-[0-9a-f]+$/);
    expect(etl.report_uri).toBe(`migration://runs/${runId}/report`);
    expect(etl.export_date).toBe('2024-01-15');
    for (const entity of ['projects', 'materials', 'work_orders']) {
      for (const key of COUNT_KEYS) expect(etl[entity][key], `${entity}.${key}`).toEqual(expect.any(Number));
    }
    expect(Object.keys(etl.unmapped).sort()).toEqual(['material', 'phase', 'status']);
    expect(Object.keys(etl.outputs).sort()).toEqual(['canonical_materials', 'canonical_projects', 'rejects', 'summary_report']);
    for (const file of Object.values(etl.outputs) as string[]) {
      expect(file.startsWith(ws.outputDir), file).toBe(true);
      expect(fs.existsSync(file), file).toBe(true);
    }
    expect(Array.isArray(etl.warnings)).toBe(true);
    expect(etl.next_action).toEqual(expect.any(String));
  });

  it('finds the run with get_run and list_runs', async () => {
    const got = await callTool(session.client, 'get_run', { run_id: runId });
    expect(got.isError).toBe(false);
    expect(got.structured).toMatchObject({ run_id: runId, tool: 'run_ppak_export_etl', status: 'succeeded', report_uri: etl.report_uri });
    expect(got.structured.result).toMatchObject({ run_id: runId, export_date: '2024-01-15', projects: etl.projects });

    const listed = await callTool(session.client, 'list_runs', { tool: 'run_ppak_export_etl' });
    expect(listed.isError).toBe(false);
    expect(listed.structured.runs).toContainEqual(expect.objectContaining({ run_id: runId, status: 'succeeded', dry_run: false }));
    expect(listed.structured.count).toBe(listed.structured.runs.length);
  });

  it('serves the run record as JSON and its report as Markdown resources', async () => {
    const record = await session.client.readResource({ uri: `migration://runs/${runId}` });
    const json = record.contents[0]!;
    expect(json.mimeType).toBe('application/json');
    expect(json).toHaveProperty('text');
    const parsed = JSON.parse('text' in json ? json.text : '') as Record<string, any>;
    expect(parsed).toMatchObject({ run_id: runId, tool: 'run_ppak_export_etl', status: 'succeeded' });
    expect(parsed.result).toMatchObject({ export_date: '2024-01-15' });

    const report = await session.client.readResource({ uri: `migration://runs/${runId}/report` });
    const md = report.contents[0]!;
    expect(md.mimeType).toBe('text/markdown');
    const text = 'text' in md ? md.text : '';
    expect(text).toMatch(/^#/m);
    expect(text).toContain(runId);
  });

  it('lists runs and schemas among resources and resource templates', async () => {
    const { resourceTemplates } = await session.client.listResourceTemplates();
    const templates = resourceTemplates.map((t) => t.uriTemplate);
    expect(templates).toEqual(expect.arrayContaining(['migration://runs/{run_id}', 'migration://runs/{run_id}/report', 'migration://schemas/{name}']));

    const { resources } = await session.client.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris).toContain(`migration://runs/${runId}`);
    const schemaFiles = fs.existsSync(`${REPO_ROOT}/schemas`) ? fs.readdirSync(`${REPO_ROOT}/schemas`).filter((f) => f.endsWith('.json')).sort() : [];
    expect(uris.filter((u) => u.startsWith('migration://schemas/')).sort()).toEqual(schemaFiles.map((f) => `migration://schemas/${f}`));
  });

  it('answers a path outside MIGRATION_DATA_ROOTS with an isError result that says what to do (tools/call as sent)', async () => {
    // client.request returns the server's answer as sent, without the client-side output-schema check.
    const result = await session.client.request(
      { method: 'tools/call', params: { name: 'run_ppak_export_etl', arguments: { ppak_export_dir: '/etc' } } },
      CallToolResultSchema,
    );
    expect(result.isError).toBe(true);
    const text = result.content.find((item) => item.type === 'text')?.text ?? '';
    expect(text).toMatch(/The ppak_export_dir \/etc resolves to \/etc, which is outside the data roots/);
    expect(text).toMatch(/What to do: .*MIGRATION_DATA_ROOTS/);
    expect(result.structuredContent).toBeUndefined();
    expect(result._meta).toMatchObject({ 'migration-mcp/error': { kind: 'outside_data_root' } });
  });

  // Through the SDK Client, which validates structuredContent against the output schema it
  // listed: an operator error must still arrive as the isError text, with its structure in _meta.
  it('answers a path outside MIGRATION_DATA_ROOTS with an isError result that says what to do', async () => {
    await session.client.listTools();
    const answer = await callTool(session.client, 'run_ppak_export_etl', { ppak_export_dir: '/etc' });
    expect(answer.isError).toBe(true);
    expect(answer.text).toContain('/etc');
    expect(answer.text).toMatch(/outside the data roots/);
    expect(answer.text).toMatch(/What to do: .*MIGRATION_DATA_ROOTS/);
    expect(answer.meta?.['migration-mcp/error']).toMatchObject({ kind: 'outside_data_root' });
  });
});

/** A raw stdio session: every stdout line is collected and must be a JSON-RPC 2.0 message. */
describe('stdio server stdout purity', () => {
  it('writes only JSON-RPC 2.0 messages to stdout for a whole session, and logs to stderr', async () => {
    const ws = makeWorkspace({ LOG_LEVEL: 'info' });
    let child: ChildProcessWithoutNullStreams | undefined;
    try {
      const server = spawn(process.execPath, [MAIN_JS, 'serve'], { cwd: ws.dir, env: childEnv(ws.env), stdio: ['pipe', 'pipe', 'pipe'] });
      child = server;
      const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
      let stderr = '';
      server.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const lines: string[] = [];
      const messages: Record<string, any>[] = [];
      const waiters: { id: number; resolve: (m: Record<string, any>) => void }[] = [];
      createInterface({ input: server.stdout }).on('line', (line) => {
        lines.push(line);
        let message: Record<string, any>;
        try {
          message = JSON.parse(line) as Record<string, any>;
        } catch {
          return;
        }
        messages.push(message);
        const waiter = waiters.find((w) => w.id === message.id);
        if (waiter && ('result' in message || 'error' in message)) waiter.resolve(message);
      });
      const send = (message: object) => server.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
      const request = (id: number, method: string, params: object) => {
        const answer = new Promise<Record<string, any>>((resolve, reject) => {
          waiters.push({ id, resolve });
          setTimeout(() => reject(new Error(`no answer to ${method} (id ${id}); stderr: ${stderr}`)), 30_000).unref();
        });
        send({ id, method, params });
        return answer;
      };

      const init = await request(1, 'initialize', { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'raw-test', version: '0' } });
      expect(init.result.serverInfo.name).toBe('migration-mcp');
      send({ method: 'notifications/initialized' });
      const list = await request(2, 'tools/list', {});
      expect(list.result.tools.length).toBe(ALL_TOOLS.length);
      const call = await request(3, 'tools/call', {
        name: 'run_ppak_export_etl',
        arguments: { ppak_export_dir: ws.exportDir, output_dir: ws.outputDir, wait_seconds: 50 },
        _meta: { progressToken: 'etl-1' },
      });
      expect(call.result.isError ?? false).toBe(false);
      expect(call.result.structuredContent.status).toBe('succeeded');
      const runId = String(call.result.structuredContent.run_id);
      const read = await request(4, 'resources/read', { uri: `migration://runs/${runId}/report` });
      expect(read.result.contents[0].text).toContain(runId);
      const failed = await request(5, 'tools/call', { name: 'run_ppak_export_etl', arguments: { ppak_export_dir: '/etc' } });
      expect(failed.result.isError).toBe(true);
      expect(failed.result.content[0].text).toMatch(/\/etc .*outside the data roots.* What to do: .*MIGRATION_DATA_ROOTS/);

      server.stdin.end();
      expect(await exited).toBe(0);

      expect(lines.length).toBeGreaterThanOrEqual(5);
      for (const line of lines) {
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          value = undefined;
        }
        const parsed = JSONRPCMessageSchema.safeParse(value);
        expect(parsed.success, `stdout line is not a JSON-RPC 2.0 message: ${line.slice(0, 200)}`).toBe(true);
      }
      expect(messages.length).toBe(lines.length);
      expect(messages.some((m) => m.method === 'notifications/progress' && m.params.progressToken === 'etl-1')).toBe(true);
      // Logs went to stderr: the start-up line, the run's own lines and the ETL's warnings.
      expect(stderr).toContain('serving MCP on stdio');
      expect(stderr).toContain(runId);
      expect(stderr).toMatch(/ warn /);
    } finally {
      if (child && child.exitCode === null) child.kill('SIGKILL');
      ws.cleanup();
    }
  });
});
