/**
 * The terminal progress bar of `migration-mcp call` (DESIGN §7.8), end to end: an INNERGY
 * project import run by `node dist/main.js call` draws a cli-progress bar on stderr when stderr
 * is a terminal (a pseudo-terminal from util-linux `script`), and writes no bar and no escape
 * codes when stderr is a pipe. The JSON result on stdout is the same either way.
 * Needs `npm run build` and `script` (util-linux).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROJECTS, startSlowImport, type SlowImport } from '../cancellation/slow-import.js';
import { startCli, startCliInPty } from './spawn-cli.js';

let slow: SlowImport;
/** The import at a faster client rate: only the drawing matters here. */
let env: Record<string, string>;
let args: string[];

beforeEach(async () => {
  slow = await startSlowImport();
  env = { ...slow.env, INNERGY_RATE_LIMIT: '200/s' };
  args = ['call', 'run_innergy_project_import', '--args', JSON.stringify({ canonical_file: slow.file, dry_run: false })];
});

afterEach(async () => {
  await slow.cleanup();
});

/** One drawn bar: 40 cells, percentage, value/total, the run's phase message. */
const BAR = / [█░]{40} (\d+)% \| (\d+)\/(\d+) \| writing INNERGY projects: /g;

describe('the progress bar of migration-mcp call', () => {
  it('draws a progress bar on stderr when stderr is a terminal', async () => {
    const stdoutFile = path.join(slow.ws.dir, 'result.json');
    const cli = startCliInPty(args, env, slow.ws.dir, stdoutFile);
    const { code } = await cli.exited;
    const terminal = cli.stdout();
    expect(code, terminal).toBe(0);

    const drawn = [...terminal.matchAll(BAR)].map((m) => ({ value: Number(m[2]), total: Number(m[3]) }));
    expect(drawn.length, terminal).toBeGreaterThanOrEqual(2);
    expect(drawn.every((d) => d.total === PROJECTS)).toBe(true);
    const values = drawn.map((d) => d.value);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(new Set(values).size).toBeGreaterThanOrEqual(2);
    expect(terminal).toContain('\u001b[?25l'); // cursor hidden while drawing …
    expect(terminal).toContain('\u001b[?25h'); // … and shown again at the end

    expect(JSON.parse(fs.readFileSync(stdoutFile, 'utf8'))).toMatchObject({ status: 'succeeded', created: PROJECTS });
    expect(fs.readFileSync(stdoutFile, 'utf8')).not.toMatch(/[█░\u001b]/);
    expect(slow.fake.state.projects).toHaveLength(PROJECTS);
  }, 120_000);

  it('writes no bar and no escape codes when stderr is not a terminal', async () => {
    const cli = startCli(args, env, slow.ws.dir);
    const { code } = await cli.exited;
    expect(code, cli.stderr()).toBe(0);
    expect(cli.stderr()).not.toMatch(/[█░\u001b]/);
    expect(cli.stderr()).not.toMatch(/\d+\/\d+ \|/);
    expect(cli.stderr()).toContain('succeeded');
    expect(JSON.parse(cli.stdout())).toMatchObject({ status: 'succeeded', created: PROJECTS });
    expect(slow.fake.state.projects).toHaveLength(PROJECTS);
  }, 120_000);
});
