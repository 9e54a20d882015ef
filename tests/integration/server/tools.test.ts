/**
 * The MCP surface in-process (SDK Client over an in-memory transport): tool schema snapshots,
 * cross-tool metadata checks, toolsets, read-only mode (list time and call time), and skills as prompts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CallToolResultSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeApp, createApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config/env.js';
import { ConfigError } from '../../../src/engine/errors.js';
import { setLogLevel } from '../../../src/logging/logger.js';
import { buildServer } from '../../../src/server/build-server.js';
import { loadSkills, parseSkill, validateSkill, type Skill } from '../../../src/server/skills.js';
import { TOOLSETS } from '../../../src/server/toolsets.js';
import { ALL_TOOLS } from '../../../src/tools/index.js';
import { isWritingTool } from '../../../src/tools/tool-definition.js';
import { connectInProcess, type InProcessSession } from '../../helpers/mcp.js';
import { makeWorkspace, REPO_ROOT, type Workspace } from '../../helpers/workspace.js';

const SNAPSHOT_DIR = path.join(REPO_ROOT, 'tests', 'snapshots', 'tools');
const SKILLS_DIR = path.join(REPO_ROOT, 'skills');

/**
 * Verbs a tool name may start with. DESIGN §6 fixes a few public names that lead with their
 * subject instead (`migration_health_check`) or with their toolset (`wpr_…`, `devrev_…`, `acc_…`);
 * those are part of the contract and listed separately.
 */
const VERBS = ['run', 'sync', 'check', 'list', 'get', 'resume', 'cancel', 'reset', 'explain', 'create', 'update', 'delete', 'apply', 'ingest', 'import', 'export', 'validate', 'prune'];
const CONTRACT_NAMES = ['migration_health_check', 'wpr_ingest_orders', 'wpr_delta_apply', 'wpr_backfill', 'wpr_cleanup_duplicates', 'devrev_backfill', 'acc_warehouse_backfill', 'acc_warehouse_gap_report'];

let ws: Workspace;
let session: InProcessSession;
let tools: Tool[];

beforeAll(async () => {
  setLogLevel('error');
  ws = makeWorkspace();
  session = await connectInProcess(ws.env, ws.dir);
  ({ tools } = await session.client.listTools());
});

afterAll(async () => {
  await session?.close();
  ws?.cleanup();
});

/** A property's description; for a nullable property (anyOf [X, null]) the description of X will do. */
function descriptionOf(schema: unknown): string | undefined {
  const s = schema as { description?: string; anyOf?: { description?: string }[] };
  return s.description ?? s.anyOf?.find((branch) => branch.description)?.description;
}

async function listedNames(env: Record<string, string>): Promise<string[]> {
  const s = await connectInProcess({ ...ws.env, ...env }, ws.dir);
  try {
    return (await s.client.listTools()).tools.map((t) => t.name);
  } finally {
    await s.close();
  }
}

describe('tool schema snapshots', () => {
  it('lists every tool of the catalogue when no toolset is chosen', () => {
    expect(tools.map((t) => t.name)).toEqual(ALL_TOOLS.map((t) => t.name));
  });

  it.each(ALL_TOOLS.map((t) => t.name))('%s matches its schema snapshot in tests/snapshots/tools/', async (name) => {
    const tool = tools.find((t) => t.name === name);
    expect(tool, name).toBeDefined();
    const { title, description, inputSchema, outputSchema, annotations } = tool!;
    const snapshot = { name, title, description, inputSchema, outputSchema, annotations };
    await expect(`${JSON.stringify(snapshot, null, 2)}\n`).toMatchFileSnapshot(path.join(SNAPSHOT_DIR, `${name}.json`));
  });

  it('has no snapshot file for a tool that no longer exists', () => {
    const files = fs.existsSync(SNAPSHOT_DIR) ? fs.readdirSync(SNAPSHOT_DIR).filter((f) => f.endsWith('.json')) : [];
    const names = new Set(ALL_TOOLS.map((t) => `${t.name}.json`));
    expect(files.filter((f) => !names.has(f))).toEqual([]);
  });
});

describe('tool metadata across tools', () => {
  it('has unique tool names', () => {
    const names = tools.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('names tools verb_noun in snake_case', () => {
    for (const { name } of tools) {
      expect(name).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)+$/);
      if (!CONTRACT_NAMES.includes(name)) expect(VERBS, `${name} should start with a verb`).toContain(name.split('_')[0]);
    }
  });

  it('gives every tool a title and a description of one or two sentences', () => {
    for (const tool of tools) {
      expect(tool.title, tool.name).toMatch(/\S/);
      expect(tool.description, tool.name).toMatch(/\S.*[.!?]$/s);
      expect(tool.description!.length, tool.name).toBeLessThanOrEqual(400);
    }
  });

  it('describes every input property, and every top-level output property', () => {
    for (const tool of tools) {
      for (const [key, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        expect((schema as { description?: string }).description, `${tool.name} input ${key}`).toMatch(/\S/);
      }
      for (const [key, schema] of Object.entries(tool.outputSchema?.properties ?? {})) {
        expect(descriptionOf(schema), `${tool.name} output ${key}`).toMatch(/\S/);
      }
    }
  });

  it('gives every tool an input schema and an output schema of type object', () => {
    for (const tool of tools) {
      expect(tool.inputSchema.type, tool.name).toBe('object');
      expect(tool.outputSchema?.type, tool.name).toBe('object');
    }
  });

  it('gives every tool annotations with all four hints', () => {
    for (const tool of tools) {
      const hints = tool.annotations ?? {};
      for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const) {
        expect(typeof hints[hint], `${tool.name}.${hint}`).toBe('boolean');
      }
    }
  });

  it('matches readOnlyHint to isWritingTool, and never marks a read-only tool destructive', () => {
    for (const definition of ALL_TOOLS) {
      const listed = tools.find((t) => t.name === definition.name)!;
      expect(listed.annotations?.readOnlyHint, definition.name).toBe(!isWritingTool(definition));
      if (listed.annotations?.readOnlyHint) expect(listed.annotations.destructiveHint, definition.name).toBe(false);
    }
  });

  it('marks the tools that only read as read-only and those that write as writing', () => {
    const readOnly = tools.filter((t) => t.annotations?.readOnlyHint).map((t) => t.name).sort();
    expect(readOnly).toEqual(['acc_warehouse_gap_report', 'check_devrev_connection', 'check_innergy_connection', 'check_openproject_connection', 'explain_record', 'get_run', 'list_runs', 'migration_health_check'].sort());
    // Tools that reach a target say so.
    for (const name of ['sync_innergy_material_library', 'run_innergy_project_import', 'check_innergy_connection', 'run_full_cycle', 'devrev_backfill', 'check_devrev_connection', 'wpr_cleanup_duplicates', 'check_openproject_connection', 'acc_warehouse_backfill', 'acc_warehouse_gap_report']) {
      expect(tools.find((t) => t.name === name)?.annotations?.openWorldHint, name).toBe(true);
    }
  });

  it('defaults dry_run to true on every tool that takes it', () => {
    for (const tool of tools) {
      const dryRun = (tool.inputSchema.properties as Record<string, { type?: string; default?: unknown }> | undefined)?.dry_run;
      if (dryRun) expect(dryRun, tool.name).toMatchObject({ type: 'boolean', default: true });
    }
    expect(tools.filter((t) => (t.inputSchema.properties as Record<string, unknown> | undefined)?.dry_run).length).toBeGreaterThan(0);
  });
});

describe('toolsets', () => {
  it('MIGRATION_TOOLSETS=ppak exposes only the ppak and runs tools', async () => {
    const expected = ALL_TOOLS.filter((t) => t.toolset === 'ppak' || t.toolset === 'runs').map((t) => t.name);
    const names = await listedNames({ MIGRATION_TOOLSETS: 'ppak' });
    expect(names).toEqual(expected);
    expect(names).toContain('run_ppak_export_etl');
    expect(names).not.toContain('sync_innergy_material_library');
  });

  it('an unknown toolset is a ConfigError that names it and lists the known ones', async () => {
    let caught: unknown;
    try {
      createApp(loadConfig({ ...ws.env, MIGRATION_TOOLSETS: 'ppak,bogus' }, ws.dir));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toContain('bogus');
    expect((caught as ConfigError).message).toContain('MIGRATION_TOOLSETS');
    for (const { id } of TOOLSETS) expect((caught as ConfigError).action).toContain(id);
  });
});

describe('read-only mode', () => {
  it('MIGRATION_READ_ONLY=1 hides every writing tool and keeps every read-only one', async () => {
    const names = await listedNames({ MIGRATION_READ_ONLY: '1' });
    expect(names).toEqual(ALL_TOOLS.filter((t) => !isWritingTool(t)).map((t) => t.name));
    for (const definition of ALL_TOOLS.filter(isWritingTool)) expect(names).not.toContain(definition.name);
  });

  it('read-only wins over toolsets', async () => {
    const names = await listedNames({ MIGRATION_READ_ONLY: '1', MIGRATION_TOOLSETS: 'ppak' });
    expect(names).toEqual(ALL_TOOLS.filter((t) => t.toolset === 'runs' && !isWritingTool(t)).map((t) => t.name));
  });

  it('a hidden writing tool cannot be called', async () => {
    const s = await connectInProcess({ ...ws.env, MIGRATION_READ_ONLY: '1' }, ws.dir);
    try {
      const result = await s.client.request({ method: 'tools/call', params: { name: 'run_ppak_export_etl', arguments: { ppak_export_dir: ws.exportDir } } }, CallToolResultSchema);
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toMatch(/run_ppak_export_etl not found/);
    } finally {
      await s.close();
    }
  });

  it('refuses a writing tool at call time when the server became read-only after it was built', async () => {
    const s = await connectInProcess(ws.env, ws.dir);
    try {
      expect((await s.client.listTools()).tools.map((t) => t.name)).toContain('run_ppak_export_etl');
      s.deps.config.readOnly = true;
      const result = await s.client.request(
        { method: 'tools/call', params: { name: 'run_ppak_export_etl', arguments: { ppak_export_dir: ws.exportDir, output_dir: ws.outputDir } } },
        CallToolResultSchema,
      );
      expect(result.isError).toBe(true);
      const text = result.content.find((item) => item.type === 'text')?.text ?? '';
      expect(text).toMatch(/run_ppak_export_etl changes data and this server is read-only \(MIGRATION_READ_ONLY=1\)/);
      expect(text).toMatch(/What to do: /);
      // Nothing ran and nothing was written.
      expect(s.deps.ledger.runs.list({ limit: 10 })).toEqual([]);
      expect(fs.readdirSync(ws.outputDir)).toEqual([]);
      // Read-only tools still answer.
      const listed = await s.client.request({ method: 'tools/call', params: { name: 'list_runs', arguments: {} } }, CallToolResultSchema);
      expect(listed.isError ?? false).toBe(false);
      expect(listed.structuredContent).toMatchObject({ count: 0 });
    } finally {
      await s.close();
    }
  });
});

describe('skills as prompts', () => {
  it('offers one prompt per valid skills/<name>/SKILL.md', async () => {
    const valid = loadSkills(SKILLS_DIR).filter((skill) => validateSkill(skill).length === 0);
    const { prompts } = session.client.getServerCapabilities()?.prompts ? await session.client.listPrompts() : { prompts: [] };
    expect(prompts.map((p) => p.name)).toEqual(valid.map((skill) => skill.name));
    for (const skill of valid) {
      const listed = prompts.find((p) => p.name === skill.name)!;
      expect(listed.description).toBe(skill.description);
      const prompt = await session.client.getPrompt({ name: skill.name });
      expect(prompt.messages).toEqual([{ role: 'user', content: { type: 'text', text: skill.body.trim() } }]);
    }
  });

  it('every skill in skills/ has valid front matter: name = folder, lower-case-digits-hyphens, description ≤ 1024 chars, body < 500 lines', () => {
    const skills = loadSkills(SKILLS_DIR);
    const problems = Object.fromEntries(skills.map((skill) => [skill.file, validateSkill(skill)]).filter(([, list]) => list!.length > 0));
    expect(problems).toEqual({});
    // Every skill folder holds a SKILL.md (a folder without one would be silently ignored).
    const folders = fs.existsSync(SKILLS_DIR) ? fs.readdirSync(SKILLS_DIR, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort() : [];
    expect(skills.map((skill) => skill.folder).sort()).toEqual(folders);
  });

  describe('validateSkill', () => {
    let dir: string;
    const make = (folder: string, text: string): Skill => {
      const file = path.join(dir, folder, 'SKILL.md');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      return parseSkill(fs.readFileSync(file, 'utf8'), file);
    };
    const body = '# Title\n\nWhen to use it.\n';

    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migration-mcp-skills-'));
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('accepts a skill that follows the format', () => {
      const skill = make('ppak-etl', `---\nname: ppak-etl\ndescription: "Runs the PPak ETL. Use it when a new export arrives."\n---\n${body}`);
      expect(skill).toMatchObject({ name: 'ppak-etl', folder: 'ppak-etl', description: 'Runs the PPak ETL. Use it when a new export arrives.' });
      expect(validateSkill(skill)).toEqual([]);
      expect(loadSkills(dir).map((s) => s.name)).toEqual(['ppak-etl']);
    });

    it('flags a name that differs from the folder, or is not lower-case letters, digits and hyphens', () => {
      expect(validateSkill(make('other-folder', `---\nname: ppak-etl\ndescription: x\n---\n${body}`)).join()).toMatch(/folder name "other-folder"/);
      expect(validateSkill(make('PPak_ETL', `---\nname: PPak_ETL\ndescription: x\n---\n${body}`)).join()).toMatch(/lower-case/);
      expect(validateSkill(make('bad--name', `---\nname: bad--name\ndescription: x\n---\n${body}`)).join()).toMatch(/lower-case/);
    });

    it('flags an empty or over-long description', () => {
      expect(validateSkill(make('no-desc', `---\nname: no-desc\n---\n${body}`)).join()).toMatch(/description is empty/);
      expect(validateSkill(make('long-desc', `---\nname: long-desc\ndescription: ${'a'.repeat(1025)}\n---\n${body}`)).join()).toMatch(/1025 chars \(max 1024\)/);
      expect(validateSkill(make('max-desc', `---\nname: max-desc\ndescription: ${'a'.repeat(1024)}\n---\n${body}`))).toEqual([]);
    });

    it('flags a body of 500 lines or more, and front matter keys other than name and description', () => {
      expect(validateSkill(make('long-body', `---\nname: long-body\ndescription: x\n---\n${'line\n'.repeat(500)}`)).join()).toMatch(/must be under 500/);
      expect(validateSkill(make('ok-body', `---\nname: ok-body\ndescription: x\n---\n${'line\n'.repeat(498)}`))).toEqual([]);
      expect(validateSkill(make('extra-key', `---\nname: extra-key\ndescription: x\nversion: 2\n---\n${body}`)).join()).toMatch(/keys other than name and description: version/);
    });
  });
});
