/**
 * The command line, end to end: `node dist/main.js …` as a script or operator runs it, checking
 * stdout (data), stderr (diagnostics) and exit codes (0 ok, 1 tool error, 2 usage).
 * Needs `npm run build` (dist/main.js).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_TOOLS } from '../../../src/tools/index.js';
import { childEnv, MAIN_JS, makeWorkspace, type Workspace } from '../../helpers/workspace.js';

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/main.js <args>` to completion (stdin closed). */
function cli(args: string[], options: { env: Record<string, string>; cwd: string }): Promise<CliResult> {
  const child = spawn(process.execPath, [MAIN_JS, ...args], { cwd: options.cwd, env: childEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let ws: Workspace;
const run = (args: string[], extraEnv: Record<string, string> = {}) => cli(args, { env: { ...ws.env, ...extraEnv }, cwd: ws.dir });

beforeAll(() => {
  ws = makeWorkspace();
});

afterAll(() => ws?.cleanup());

describe('help and usage', () => {
  it('--help prints the usage of every command and exits 0', async () => {
    const { code, stdout, stderr } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage:');
    for (const command of ['serve', 'tools', 'call', 'demo']) expect(stdout).toContain(`migration-mcp ${command}`);
    expect(stderr).toBe('');
  });

  it('<command> --help prints that command’s usage and exits 0', async () => {
    const results = await Promise.all(['serve', 'tools', 'call', 'demo'].map(async (command) => ({ command, ...(await run([command, '--help'])) })));
    for (const { command, code, stdout } of results) {
      expect(code, command).toBe(0);
      expect(stdout, command).toMatch(new RegExp(`^migration-mcp ${command}( <tool>)? — `));
    }
    expect(results.find((r) => r.command === 'call')!.stdout).toMatch(/Exit status: 0 ok, 1 tool error .*, 2 usage error, 130 cancelled/);
    expect(results.find((r) => r.command === 'serve')!.stdout).toContain('--insecure-no-auth');
  });

  it('an unknown command exits 2 and points to --help', async () => {
    const { code, stdout, stderr } = await run(['frobnicate']);
    expect(code).toBe(2);
    expect(stderr).toContain('Unknown command "frobnicate"');
    expect(stderr).toContain('--help');
    expect(stdout).toBe('');
  });

  it('no command prints the usage and exits 2', async () => {
    const { code, stdout } = await run([]);
    expect(code).toBe(2);
    expect(stdout).toContain('Usage:');
  });

  it('an unknown option exits 2', async () => {
    const { code, stderr } = await run(['tools', '--bogus']);
    expect(code).toBe(2);
    expect(stderr).toContain('--bogus');
  });
});

describe('tools', () => {
  it('lists every tool name with a one-line description', async () => {
    const { code, stdout } = await run(['tools']);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines.map((line) => line.split(/\s+/)[0])).toEqual(ALL_TOOLS.map((t) => t.name));
    for (const line of lines) {
      const description = line.replace(/^\S+\s+/, '');
      expect(description, line).toMatch(/^[A-Z].*[.!?]$/);
      // A whole sentence, not cut at an abbreviation such as "e.g." inside parentheses.
      expect(description.split('(').length, line).toBe(description.split(')').length);
    }
  });

  it('--json prints the tool list as JSON', async () => {
    const { code, stdout } = await run(['tools', '--json']);
    expect(code).toBe(0);
    const tools = JSON.parse(stdout) as { name: string; inputSchema: unknown; outputSchema: unknown }[];
    expect(tools.map((t) => t.name)).toEqual(ALL_TOOLS.map((t) => t.name));
    expect(tools.every((t) => t.inputSchema && t.outputSchema)).toBe(true);
  });

  it('an unknown MIGRATION_TOOLSETS entry exits 1 and says which toolsets exist', async () => {
    const { code, stderr } = await run(['tools'], { MIGRATION_TOOLSETS: 'nope' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/MIGRATION_TOOLSETS names unknown toolset\(s\): nope\. What to do: .*ppak, innergy/);
  });
});

describe('call', () => {
  it('runs run_ppak_export_etl, prints its result as JSON on stdout and exits 0', async () => {
    const outputDir = path.join(ws.dir, 'data', 'cli_output');
    const { code, stdout, stderr } = await run(['call', 'run_ppak_export_etl', '--arg', `ppak_export_dir=${ws.exportDir}`, '--arg', `output_dir=${outputDir}`]);
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout) as Record<string, any>;
    expect(result).toMatchObject({ status: 'succeeded', dry_run: false, export_date: '2024-01-15', projects: { read: 20 } });
    expect(result.report_uri).toBe(`migration://runs/${String(result.run_id)}/report`);
    expect(fs.existsSync(result.outputs.canonical_projects)).toBe(true);
    expect(path.dirname(result.outputs.canonical_projects)).toBe(outputDir);
    // The human summary goes to stderr, not into the JSON.
    expect(stderr).toContain(`run_ppak_export_etl run ${String(result.run_id)} succeeded`);
  });

  it('accepts all arguments as one JSON object with --args', async () => {
    const outputDir = path.join(ws.dir, 'data', 'cli_output_args');
    const { code, stdout } = await run(['call', 'run_ppak_export_etl', '--args', JSON.stringify({ ppak_export_dir: ws.exportDir, output_dir: outputDir, export_date: '2024-01-08' })]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'succeeded', export_date: '2024-01-08' });
  });

  it('bad JSON in --args exits 2', async () => {
    const { code, stdout, stderr } = await run(['call', 'run_ppak_export_etl', '--args', '{ppak_export_dir: nope']);
    expect(code).toBe(2);
    expect(stderr).toContain('--args is not valid JSON');
    expect(stdout).toBe('');
  });

  it('an unknown tool exits 2', async () => {
    const { code, stdout, stderr } = await run(['call', 'no_such_tool']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/no_such_tool not found/);
    expect(stdout).toBe('');
  });

  it('an argument of the wrong type exits 2', async () => {
    const { code, stderr } = await run(['call', 'run_ppak_export_etl', '--arg', 'wait_seconds=soon']);
    expect(code).toBe(2);
    expect(stderr).toContain('wait_seconds');
  });

  it('a path outside the data roots exits 1 with a message on stderr that says what to do', async () => {
    const { code, stderr } = await run(['call', 'run_ppak_export_etl', '--arg', 'ppak_export_dir=/etc']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/The ppak_export_dir \/etc resolves to \/etc, which is outside the data roots/);
    expect(stderr).toMatch(/What to do: .*MIGRATION_DATA_ROOTS/);
  });

  it('prints the structured error of a refused call as JSON on stdout', async () => {
    const { code, stdout } = await run(['call', 'run_ppak_export_etl', '--arg', 'ppak_export_dir=/etc']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ error: { kind: 'outside_data_root' } });
  });

  it('keeps a numeric-looking value as text for a string argument (job numbers, SKUs)', async () => {
    const { code, stdout } = await run(['call', 'explain_record', '--arg', 'key=10045']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ key: '10045', found: false });
  });
});

describe('demo', () => {
  it('runs the ETL on the bundled examples, prints the summary report and exits 0', async () => {
    const stateDir = path.join(ws.dir, 'demo-state');
    const { code, stdout, stderr } = await run(['demo'], { MIGRATION_STATE_DIR: stateDir });
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('# PPak migration summary — export 2024-01-15');
    expect(stdout).toMatch(/\| projects \| 20 \| 18 \|/);
    expect(stdout).toMatch(/Run r-\S+ succeeded \(ledger: .*demo-state\/state\.db\)/);
    expect(stdout).toContain('Next: ');
    expect(fs.existsSync(path.join(stateDir, 'state.db'))).toBe(true);
    // Outputs land in ./data/demo_output of the working directory.
    const summary = path.join(ws.dir, 'data', 'demo_output', 'migration_summary_2024-01-15.md');
    expect(fs.readFileSync(summary, 'utf8')).toContain('# PPak migration summary');
  });
});
