import { describe, expect, it } from 'vitest';
import { sleep, useTempLedger } from '../helpers/temp.js';

const useLedger = useTempLedger();

const create = (run_id: string, tool = 'tool_a', dry_run = true) =>
  useLedger().runs.create({ run_id, tool, dry_run, args: { file: 'x.csv', n: 2 }, owner_pid: 1234, owner_host: 'host-a' });

describe('RunStore', () => {
  it('records a new run as running with its arguments and owner', () => {
    create('r-1');
    expect(useLedger().runs.get('r-1')).toMatchObject({
      run_id: 'r-1',
      tool: 'tool_a',
      status: 'running',
      dry_run: true,
      args: { file: 'x.csv', n: 2 },
      plan_id: null,
      finished_at: null,
      progress: null,
      result: null,
      error: null,
      owner_pid: 1234,
      owner_host: 'host-a',
      attempts: 1,
    });
  });

  it('returns undefined for an unknown run', () => {
    expect(useLedger().runs.get('nope')).toBeUndefined();
  });

  it('finishes a run with its status, result, error and final progress', () => {
    create('r-1');
    useLedger().runs.setProgress('r-1', { phase: 'writing', done: 1 });
    useLedger().runs.finish('r-1', { status: 'failed', result: { created: 2 }, error: { kind: 'auth', message: '401', action: 'fix key' }, progress: { phase: 'writing', done: 5 } });
    const run = useLedger().runs.get('r-1')!;
    expect(run).toMatchObject({ status: 'failed', result: { created: 2 }, error: { kind: 'auth', message: '401', action: 'fix key' }, progress: { phase: 'writing', done: 5 } });
    expect(run.finished_at).not.toBeNull();
  });

  it('keeps the last saved progress when finishing without one', () => {
    create('r-1');
    useLedger().runs.setProgress('r-1', { phase: 'writing', done: 7 });
    useLedger().runs.finish('r-1', { status: 'succeeded', result: {}, error: null });
    expect(useLedger().runs.get('r-1')!.progress).toEqual({ phase: 'writing', done: 7 });
  });

  it('reopen makes a finished run running again under a new owner and counts the attempt', () => {
    create('r-1');
    useLedger().runs.finish('r-1', { status: 'interrupted', result: null, error: { kind: 'interrupted', message: 'x', action: 'y' } });
    useLedger().runs.reopen('r-1', { pid: 999, host: 'host-b' });
    expect(useLedger().runs.get('r-1')).toMatchObject({ status: 'running', finished_at: null, error: null, owner_pid: 999, owner_host: 'host-b', attempts: 2 });
  });

  it('markInterrupted only changes a running run', () => {
    create('r-1');
    create('r-2');
    useLedger().runs.finish('r-2', { status: 'succeeded', result: { ok: true }, error: null });
    const error = { kind: 'interrupted', message: 'gone', action: 'resume' };
    useLedger().runs.markInterrupted('r-1', error);
    useLedger().runs.markInterrupted('r-2', error);
    expect(useLedger().runs.get('r-1')).toMatchObject({ status: 'interrupted', error });
    expect(useLedger().runs.get('r-2')).toMatchObject({ status: 'succeeded', error: null });
  });

  it('lists runs newest first, filtered by tool and status, with a limit', async () => {
    create('r-1', 'tool_a');
    await sleep(5);
    create('r-2', 'tool_b');
    await sleep(5);
    create('r-3', 'tool_a');
    useLedger().runs.finish('r-3', { status: 'succeeded', result: {}, error: null });
    expect(useLedger().runs.list().map((r) => r.run_id)).toEqual(['r-3', 'r-2', 'r-1']);
    expect(useLedger().runs.list({ tool: 'tool_a' }).map((r) => r.run_id)).toEqual(['r-3', 'r-1']);
    expect(useLedger().runs.list({ status: 'running' }).map((r) => r.run_id)).toEqual(['r-2', 'r-1']);
    expect(useLedger().runs.list({ limit: 1 }).map((r) => r.run_id)).toEqual(['r-3']);
    expect(useLedger().runs.listRunning().map((r) => r.run_id).sort()).toEqual(['r-1', 'r-2']);
  });

  it('stores the plan id and the report paths of a run', () => {
    create('r-1');
    useLedger().runs.setPlan('r-1', 'p-abc');
    useLedger().runs.setReports('r-1', '/out/reports/r-1.json', '/out/reports/r-1.md');
    expect(useLedger().runs.get('r-1')).toMatchObject({ plan_id: 'p-abc', report_json: '/out/reports/r-1.json', report_md: '/out/reports/r-1.md' });
  });

  it('deletes a run that never started', () => {
    create('r-1');
    useLedger().runs.delete('r-1');
    expect(useLedger().runs.get('r-1')).toBeUndefined();
  });

  it('stores dry_run false as false', () => {
    create('r-1', 'tool_a', false);
    expect(useLedger().runs.get('r-1')!.dry_run).toBe(false);
  });
});
