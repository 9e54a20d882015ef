/**
 * Ctrl-C in `migration-mcp call`, end to end: a real `node dist/main.js call` process importing
 * into a slow fake INNERGY gets SIGINT once the fake has its first projects. It must exit 130,
 * the ledger (read back by a second `call`) must show the run `cancelled` (resumable), and the
 * fake must get no write after that. Both moments are covered: while the first tool call is
 * still waiting (the request is aborted) and while the CLI follows the run with get_run (it
 * calls cancel_run). Needs `npm run build`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectNoFurtherWrites, startSlowImport, waitFor, type SlowImport } from '../cancellation/slow-import.js';
import { startCli } from './spawn-cli.js';

let slow: SlowImport;

beforeEach(async () => {
  slow = await startSlowImport();
});

afterEach(async () => {
  await slow.cleanup();
});

/**
 * Runs `call <tool> --args <json>` to completion and parses its stdout. `get_run` of a run that
 * did not succeed exits 1 (the CLI's exit status follows the run's status), hence `expectedCode`.
 */
async function callJson(tool: string, args: Record<string, unknown>, expectedCode = 0): Promise<Record<string, any>> {
  const cli = startCli(['call', tool, '--args', JSON.stringify(args)], slow.env, slow.ws.dir);
  const { code } = await cli.exited;
  expect(code, cli.stderr()).toBe(expectedCode);
  return JSON.parse(cli.stdout()) as Record<string, any>;
}

/** Starts the import through the CLI, presses Ctrl-C once the fake has its first projects, and returns the CLI's outcome. */
async function interruptImport(extraArgs: Record<string, unknown>) {
  const cli = startCli(['call', 'run_innergy_project_import', '--args', JSON.stringify({ canonical_file: slow.file, dry_run: false, ...extraArgs })], slow.env, slow.ws.dir);
  let gone = false;
  void cli.exited.then(() => (gone = true));
  await waitFor(() => slow.fake.state.projects.length >= 5 || gone, 'the first projects on the fake');
  expect(gone, `the CLI ended before Ctrl-C: ${cli.stderr()}`).toBe(false);
  cli.child.kill('SIGINT');
  const exit = await cli.exited;
  return { ...exit, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** The run of the import as the ledger holds it, read through a second CLI process. */
async function importRunInLedger(): Promise<Record<string, any>> {
  const listed = await callJson('list_runs', { tool: 'run_innergy_project_import' });
  expect(listed.runs).toHaveLength(1);
  return callJson('get_run', { run_id: listed.runs[0].run_id }, 1);
}

describe('Ctrl-C in migration-mcp call', () => {
  it('cancels the run while the tool call waits for it, exits 130 and the target gets no more writes', async () => {
    const result = await interruptImport({});
    expect(result.signal, result.stderr).toBeNull();
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain('Cancelling…');
    expect(result.stderr).toMatch(/resume/);

    const run = await importRunInLedger();
    expect(run).toMatchObject({ status: 'cancelled', error: { kind: 'cancelled' } });
    await expectNoFurtherWrites(slow.fake);
  }, 120_000);

  it('cancels the run while the CLI follows it with get_run, prints it cancelled and exits 130', async () => {
    const result = await interruptImport({ wait_seconds: 0 });
    expect(result.signal, result.stderr).toBeNull();
    expect(result.code, result.stderr).toBe(130);
    const printed = JSON.parse(result.stdout) as Record<string, any>;
    expect(printed).toMatchObject({ status: 'cancelled' });

    const run = await importRunInLedger();
    expect(run).toMatchObject({ run_id: printed.run_id, status: 'cancelled', error: { kind: 'cancelled' } });
    await expectNoFurtherWrites(slow.fake);
  }, 120_000);
});
