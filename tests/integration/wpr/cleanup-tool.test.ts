/**
 * wpr_cleanup_duplicates and check_openproject_connection through an MCP client: the dry run, the
 * plan_id the apply requires, the confirmation asked by elicitation (declined: nothing deleted).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeApp, createApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config/env.js';
import { setLogLevel } from '../../../src/logging/logger.js';
import { buildServer } from '../../../src/server/build-server.js';
import { startFakeOpenProject, type FakeOpenProject } from '../../fakes/openproject.js';
import { wprCustomFields, wprProjects } from '../../fakes/openproject-wpr.js';
import { callTool, callToCompletion } from '../../helpers/mcp.js';
import { makeWorkspace, REPO_ROOT, type Workspace } from '../../helpers/workspace.js';

let fake: FakeOpenProject;
let ws: Workspace;
let answers: Array<'accept' | 'decline'>;
let questions: string[];
let close: () => Promise<void>;
let client: Client;

async function connect(elicitation: boolean): Promise<void> {
  const configDir = path.join(ws.dir, 'config');
  fs.cpSync(path.join(REPO_ROOT, 'config'), configDir, { recursive: true });
  fs.writeFileSync(path.join(configDir, 'product_project_registry.json'), JSON.stringify({ registry: { FlowOne: 'flowone' } }));
  const deps = createApp(loadConfig({ ...ws.env, MIGRATION_CONFIG_DIR: configDir, OPENPROJECT_URL: fake.url, OPENPROJECT_API_KEY: fake.apiKey, OPENPROJECT_RATE_LIMIT: '500/s' }, ws.dir));
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const server = buildServer(deps);
  await server.connect(serverTransport);
  client = new Client({ name: 'wpr-tests', version: '0.0.0' }, { capabilities: elicitation ? { elicitation: {} } : {} });
  if (elicitation) {
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      questions.push(request.params.message);
      const answer = answers.shift() ?? 'decline';
      return answer === 'accept' ? { action: 'accept', content: { confirm: true } } : { action: 'decline' };
    });
  }
  await client.connect(clientTransport);
  close = async () => {
    await client.close().catch(() => {});
    await server.close().catch(() => {});
    await closeApp(deps);
  };
}

const seed = () => [
  { project: 'flowone', type: 'Epic', subject: 'WPO1', fields: { 'WPR Order ID': 'WPO1', 'WPR Product': 'FlowOne' } },
  { project: 'flowone', type: 'User story', subject: 'WPO1-1', parentId: 1, fields: { 'WPR Order ID': 'WPO1', 'WPR Line Key': 'WPO1-1' } },
  { project: 'flowone', type: 'Epic', subject: 'WPO1', fields: { 'WPR Order ID': 'WPO1', 'WPR Product': 'FlowOne' } },
];

beforeEach(async () => {
  setLogLevel('error');
  ws = makeWorkspace();
  answers = [];
  questions = [];
  fake = await startFakeOpenProject({ customFields: wprCustomFields(), projects: wprProjects('flowone'), workPackages: seed() });
});

afterEach(async () => {
  await close();
  await fake.close();
  ws.cleanup();
});

describe('wpr_cleanup_duplicates tool', () => {
  it('requires the dry run\'s plan_id before deleting anything', async () => {
    await connect(false);
    const refused = await callTool(client, 'wpr_cleanup_duplicates', { dry_run: false });
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(/only applies a reviewed plan.*dry run first/);
    expect(fake.workPackages()).toHaveLength(3);
  });

  it('asks for confirmation when the client supports elicitation, and deletes nothing when declined', async () => {
    await connect(true);
    const dry = await callToCompletion(client, 'wpr_cleanup_duplicates', {});
    expect(dry.structured).toMatchObject({ status: 'succeeded', groups: 1, duplicates: 1, reparented: 1 });
    answers.push('decline');
    const declined = await callTool(client, 'wpr_cleanup_duplicates', { dry_run: false, plan_id: dry.structured.plan_id });
    expect(declined.isError).toBe(true);
    expect(declined.text).toMatch(/was not confirmed, so nothing was changed/);
    expect(questions).toEqual(['Delete 1 duplicate work package(s) in OpenProject after moving 1 child work package(s) under the kept ones? This cannot be undone.']);
    expect(fake.workPackages()).toHaveLength(3);
    answers.push('accept');
    const applied = await callToCompletion(client, 'wpr_cleanup_duplicates', { dry_run: false, plan_id: dry.structured.plan_id });
    expect(applied.structured).toMatchObject({ status: 'succeeded', duplicates: 1, reparented: 1, failures: 0 });
    expect(fake.workPackages().map((wp) => [wp.id, wp.parentId])).toEqual([
      [2, 3],
      [3, null],
    ]);
  });

  it('is annotated destructive', async () => {
    await connect(false);
    const { tools } = await client.listTools();
    expect(tools.find((tool) => tool.name === 'wpr_cleanup_duplicates')!.annotations).toMatchObject({ destructiveHint: true, readOnlyHint: false });
  });
});

describe('check_openproject_connection tool', () => {
  it('reports every check and what to do', async () => {
    await connect(false);
    const ok = await callTool(client, 'check_openproject_connection', {});
    expect(ok.isError).toBe(false);
    expect(ok.structured.checks.map((c: { check: string }) => c.check)).toEqual(['url', 'credentials', 'project:flowone', 'custom_fields']);
    await fetch(`${fake.url}/__fake/openproject/projects/flowone`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ canAdd: false }) });
    const denied = await callTool(client, 'check_openproject_connection', {});
    expect(denied.isError).toBe(true);
    expect(denied.structured.ok).toBe(false);
    expect(denied.structured.next_action).toMatch(/Fix the failed check/);
    expect(fake.requests.entries.every((entry) => entry.method === 'GET')).toBe(true);
  });
});
