import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type AppConfig } from '../../../src/config/env.js';
import { BusyError, CancelledError, NotFoundError, StalePlanError, TransientError, ValidationError, throwIfCancelled } from '../../../src/engine/errors.js';
import { Ledger } from '../../../src/engine/ledger/ledger.js';
import type { RunContext } from '../../../src/engine/run-context.js';
import { RunManager, type RunDefinition, type RunOutcome } from '../../../src/engine/run-manager.js';
import { newRunId } from '../../../src/engine/run-id.js';
import { composeResult } from '../../../src/tools/run-result.js';
import { getLogger, setLogLevel } from '../../../src/logging/logger.js';
import { clearSecrets, registerSecret } from '../../../src/logging/redact.js';
import { deadPid, deferred, makeTempDir, sleep } from './helpers/temp.js';

let tmp: ReturnType<typeof makeTempDir>;
let config: AppConfig;
let ledger: Ledger;
let manager: RunManager;

beforeEach(() => {
  setLogLevel('error');
  tmp = makeTempDir();
  config = loadConfig({ MIGRATION_STATE_DIR: tmp.dir, MIGRATION_OUTPUT_DIR: `${tmp.dir}/out`, MIGRATION_DATA_ROOTS: tmp.dir }, tmp.dir);
  ledger = Ledger.open(config.stateDir);
  manager = new RunManager({ ledger, config, logger: getLogger(), resultView: (run) => composeResult(manager, run) });
});
afterEach(async () => {
  await manager.shutdown(1000);
  ledger.close();
  clearSecrets();
  tmp.cleanup();
});

type Execute = (ctx: RunContext) => Promise<RunOutcome>;

function definition(execute: Execute, overrides: Partial<RunDefinition> = {}): RunDefinition {
  return { tool: 'test_tool', args: { file: 'input.csv' }, dryRun: false, execute, ...overrides };
}

const succeed = (result: Record<string, unknown> = { created: 1 }): Execute => async () => ({ result, nextAction: 'Nothing more to do.' });

/** Works record by record until cancelled (checks the signal between records, as pipelines do). */
const untilCancelled: Execute = async (ctx) => {
  ctx.progress.start('writing', 1000);
  for (;;) {
    throwIfCancelled(ctx.signal);
    ctx.progress.advance();
    await sleep(2);
  }
};

/** Runs until `gate` resolves. */
const untilReleased = (gate: Promise<void>): Execute => async () => {
  await gate;
  return { result: { created: 1 }, nextAction: 'done' };
};

async function finished(execute: Execute, overrides: Partial<RunDefinition> = {}) {
  const run = manager.start(definition(execute, overrides));
  return manager.wait(run.runId, 5000);
}

/** A run recorded as running by `pid` on `host`, not active in this manager. */
function orphan(runId: string, pid: number, host = os.hostname()) {
  ledger.runs.create({ run_id: runId, tool: 'test_tool', dry_run: false, args: {}, owner_pid: pid, owner_host: host });
}

describe('RunManager: running', () => {
  it('runs a definition to completion and records its result, plan id and final progress', async () => {
    const record = await finished(async (ctx) => {
      ctx.progress.start('writing', 2);
      ctx.progress.advance(2);
      return { result: { created: 2, failed: 0 }, planId: 'p-123', nextAction: 'Check the target.' };
    });
    expect(record).toMatchObject({
      status: 'succeeded',
      tool: 'test_tool',
      dry_run: false,
      args: { file: 'input.csv' },
      plan_id: 'p-123',
      result: { created: 2, failed: 0, next_action: 'Check the target.' },
      error: null,
      progress: { phase: 'writing', done: 2, total: 2 },
      owner_pid: process.pid,
      attempts: 1,
    });
    expect(record.finished_at).not.toBeNull();
    expect(manager.isActive(record.run_id)).toBe(false);
  });

  it('writes reports/<run_id>.json and .md under the output dir and records their paths', async () => {
    const record = await finished(succeed({ created: 3 }));
    const json = path.join(config.outputDir, 'reports', `${record.run_id}.json`);
    const md = path.join(config.outputDir, 'reports', `${record.run_id}.md`);
    expect(record.report_json).toBe(json);
    expect(record.report_md).toBe(md);
    expect(JSON.parse(fs.readFileSync(json, 'utf8'))).toMatchObject({ run: { run_id: record.run_id, status: 'succeeded' }, result: { run_id: record.run_id, created: 3 } });
    expect(fs.readFileSync(md, 'utf8')).toContain(`# test_tool — ${record.run_id}`);
  });

  it('the run context carries the run id, config, ledger and resume=false', async () => {
    let seen: RunContext | undefined;
    const record = await finished(async (ctx) => {
      seen = ctx;
      return { result: {}, nextAction: 'x' };
    });
    expect(seen).toMatchObject({ runId: record.run_id, config, ledger, resume: false });
    expect(seen!.signal.aborted).toBe(false);
  });

  it('wait returns the running record when its timeout passes first, and the final one after', async () => {
    const gate = deferred();
    const run = manager.start(definition(untilReleased(gate.promise)));
    const early = await manager.wait(run.runId, 30);
    expect(early.status).toBe('running');
    expect(manager.isActive(run.runId)).toBe(true);
    gate.resolve();
    expect((await manager.wait(run.runId, 5000)).status).toBe('succeeded');
  });

  it('an aborted wait signal stops waiting but not the run', async () => {
    const gate = deferred();
    const run = manager.start(definition(untilReleased(gate.promise)));
    const controller = new AbortController();
    const waiting = manager.wait(run.runId, 5000, controller.signal);
    controller.abort();
    expect((await waiting).status).toBe('running');
    expect(manager.isActive(run.runId)).toBe(true);
    gate.resolve();
    expect((await manager.wait(run.runId, 5000)).status).toBe('succeeded');
  });

  it('wait returns a run of another process as recorded once its timeout passes', async () => {
    orphan('r-elsewhere', process.ppid);
    const started = Date.now();
    expect((await manager.wait('r-elsewhere', 50)).status).toBe('running');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('live progress of an active run is visible while it runs', async () => {
    const run = manager.start(definition(untilCancelled));
    await sleep(30);
    expect(manager.progressOf(run.runId)).toMatchObject({ phase: 'writing', total: 1000 });
    expect((manager.progressOf(run.runId) as { done: number }).done).toBeGreaterThan(0);
    expect(manager.tracker(run.runId)).toBeDefined();
    const running = composeResult(manager, manager.get(run.runId));
    expect(running).toMatchObject({ run_id: run.runId, status: 'running', progress: { phase: 'writing' } });
    expect(running.next_action).toMatch(/get_run/);
  });

  it('get of an unknown run is a NotFoundError', () => {
    expect(() => manager.get('r-nope')).toThrow(NotFoundError);
  });
});

describe('RunManager: one run per job', () => {
  it('refuses a second run of the same job with BusyError and keeps no record of it', async () => {
    const gate = deferred();
    const first = manager.start(definition(untilReleased(gate.promise)));
    expect(() => manager.start(definition(succeed()))).toThrow(BusyError);
    expect(ledger.runs.list().map((run) => run.run_id)).toEqual([first.runId]);
    gate.resolve();
    await manager.wait(first.runId, 5000);
  });

  it('releases the job when a run ends, so the next run can start', async () => {
    await finished(async () => {
      throw new ValidationError('bad input');
    });
    expect((await finished(succeed())).status).toBe('succeeded');
  });

  it('runs of different jobs run side by side', async () => {
    const gate = deferred();
    const first = manager.start(definition(untilReleased(gate.promise), { jobs: ['job_a'] }));
    const second = await finished(succeed(), { tool: 'other_tool', jobs: ['job_b'] });
    expect(second.status).toBe('succeeded');
    gate.resolve();
    expect((await manager.wait(first.runId, 5000)).status).toBe('succeeded');
  });

  it('a run holding several jobs blocks any run needing one of them', async () => {
    const gate = deferred();
    const first = manager.start(definition(untilReleased(gate.promise), { jobs: ['job_a', 'job_b'] }));
    expect(() => manager.start(definition(succeed(), { tool: 'other_tool', jobs: ['job_b'] }))).toThrow(BusyError);
    gate.resolve();
    await manager.wait(first.runId, 5000);
  });
});

describe('RunManager: how runs end', () => {
  it('a thrown TransientError interrupts the run (resumable)', async () => {
    const record = await finished(async () => {
      throw new TransientError('INNERGY kept answering 503.');
    });
    expect(record).toMatchObject({ status: 'interrupted', result: null, error: { kind: 'transient', message: 'INNERGY kept answering 503.' } });
  });

  it('a thrown operator error fails the run with its kind, message and action', async () => {
    const record = await finished(async () => {
      throw new ValidationError('The file has no header row.', { action: 'Fix the file.' });
    });
    expect(record).toMatchObject({ status: 'failed', error: { kind: 'validation', message: 'The file has no header row.', action: 'Fix the file.' } });
  });

  it('an error that is not a MigrationError fails the run with kind internal', async () => {
    const record = await finished(async () => {
      throw new TypeError('x is not a function');
    });
    expect(record.status).toBe('failed');
    expect(record.error).toMatchObject({ kind: 'internal', message: 'Internal error: x is not a function' });
    expect(record.error!.action).toMatch(/bug/);
  });

  it('a CancelledError thrown by the run ends it cancelled', async () => {
    const record = await finished(async () => {
      throw new CancelledError();
    });
    expect(record).toMatchObject({ status: 'cancelled', error: { kind: 'cancelled' } });
  });

  it('a RunOutcome.failure keeps the result and fails the run', async () => {
    const record = await finished(async () => ({
      result: { steps: { etl: 'succeeded', import: 'failed' } },
      nextAction: 'Fix the import step and resume.',
      failure: new ValidationError('Step import failed.'),
    }));
    expect(record).toMatchObject({
      status: 'failed',
      result: { steps: { etl: 'succeeded', import: 'failed' }, next_action: 'Fix the import step and resume.' },
      error: { kind: 'validation', message: 'Step import failed.' },
    });
    expect(composeResult(manager, record)).toMatchObject({ status: 'failed', steps: { import: 'failed' }, error: { kind: 'validation' } });
  });

  it('a transient RunOutcome.failure interrupts the run and keeps the result', async () => {
    const record = await finished(async () => ({ result: { created: 4 }, nextAction: 'Resume later.', failure: new TransientError('Circuit open.') }));
    expect(record).toMatchObject({ status: 'interrupted', result: { created: 4 }, error: { kind: 'transient' } });
  });

  it('redacts secrets from the recorded error and the reports', async () => {
    registerSecret('sk-live-abcdef123456');
    const record = await finished(async () => {
      throw new Error('request with key sk-live-abcdef123456 failed');
    });
    expect(record.error!.message).not.toContain('sk-live-abcdef123456');
    expect(record.error!.message).toContain('***');
    expect(fs.readFileSync(record.report_json!, 'utf8')).not.toContain('sk-live-abcdef123456');
    expect(fs.readFileSync(record.report_md!, 'utf8')).not.toContain('sk-live-abcdef123456');
  });

  it('composeResult puts the common keys with the tool result', async () => {
    const record = await finished(succeed({ created: 5 }), { dryRun: true });
    expect(composeResult(manager, record)).toEqual({
      run_id: record.run_id,
      status: 'succeeded',
      dry_run: true,
      plan_id: null,
      report_uri: `migration://runs/${record.run_id}/report`,
      created: 5,
      next_action: 'Nothing more to do.',
    });
  });

  it('composeResult of a run without a result shows its error and its action as next action', async () => {
    const record = await finished(async () => {
      throw new ValidationError('bad', { action: 'Fix it.' });
    });
    expect(composeResult(manager, record)).toMatchObject({ status: 'failed', error: { kind: 'validation', message: 'bad' }, next_action: 'Fix it.' });
  });
});

describe('RunManager: cancel, shutdown and resume', () => {
  it('cancel stops the run; it ends cancelled and stays resumable', async () => {
    const run = manager.start(definition(untilCancelled));
    await sleep(20);
    manager.cancel(run.runId);
    const record = await manager.wait(run.runId, 5000);
    expect(record).toMatchObject({ status: 'cancelled', error: { kind: 'cancelled' } });
    expect(record.progress).toMatchObject({ phase: 'writing' });
    expect(ledger.locks.get('test_tool')).toBeUndefined();
  });

  it('cancel of a finished run changes nothing', async () => {
    const record = await finished(succeed());
    expect(manager.cancel(record.run_id).status).toBe('succeeded');
  });

  it('cancel of a run active in another process is refused', () => {
    orphan('r-elsewhere', process.ppid);
    expect(() => manager.cancel('r-elsewhere')).toThrow(ValidationError);
  });

  it('shutdown interrupts every active run', async () => {
    const one = manager.start(definition(untilCancelled, { jobs: ['a'] }));
    const two = manager.start(definition(untilCancelled, { jobs: ['b'] }));
    await sleep(10);
    await manager.shutdown();
    for (const id of [one.runId, two.runId]) {
      expect(manager.get(id)).toMatchObject({ status: 'interrupted', error: { kind: 'interrupted' } });
      expect(manager.isActive(id)).toBe(false);
    }
  });

  it('resume continues a cancelled run under the same id through its registered factory', async () => {
    const factoryArgs: Record<string, unknown>[] = [];
    let resumedWith: boolean | undefined;
    manager.registerFactory('test_tool', (args) => {
      factoryArgs.push(args);
      return definition(async (ctx) => {
        resumedWith = ctx.resume;
        return { result: { created: 7 }, nextAction: 'done' };
      });
    });
    const run = manager.start(definition(untilCancelled, { args: { file: 'input.csv', workers: 2 } }));
    await sleep(10);
    manager.cancel(run.runId);
    await manager.wait(run.runId, 5000);

    const resumed = manager.resume(run.runId);
    expect(resumed.runId).toBe(run.runId);
    const record = await manager.wait(run.runId, 5000);
    expect(factoryArgs).toEqual([{ file: 'input.csv', workers: 2 }]);
    expect(resumedWith).toBe(true);
    expect(record).toMatchObject({ status: 'succeeded', attempts: 2, error: null, result: { created: 7 } });
  });

  it('resume continues an interrupted run of a dead process', async () => {
    manager.registerFactory('test_tool', () => definition(succeed({ created: 1 })));
    orphan('r-orphan', deadPid());
    manager.recoverOrphans();
    manager.resume('r-orphan');
    expect(await manager.wait('r-orphan', 5000)).toMatchObject({ status: 'succeeded', owner_pid: process.pid, attempts: 2 });
  });

  it('refuses to resume a running run, a succeeded run, an unknown run, or a tool without a factory', async () => {
    const gate = deferred();
    const running = manager.start(definition(untilReleased(gate.promise)));
    expect(() => manager.resume(running.runId)).toThrow(ValidationError);
    gate.resolve();
    await manager.wait(running.runId, 5000);
    expect(() => manager.resume(running.runId)).toThrow(/already succeeded/);
    expect(() => manager.resume('r-unknown')).toThrow(NotFoundError);
    const failed = await finished(async () => {
      throw new ValidationError('bad');
    });
    expect(() => manager.resume(failed.run_id)).toThrow(/cannot be resumed/);
    expect(manager.get(failed.run_id).status).toBe('failed');
  });

  it('a resume that finds the job busy leaves the run as it was', async () => {
    manager.registerFactory('test_tool', () => definition(succeed()));
    const failed = await finished(async () => {
      throw new TransientError('503');
    });
    const gate = deferred();
    const other = manager.start(definition(untilReleased(gate.promise)));
    expect(() => manager.resume(failed.run_id)).toThrow(BusyError);
    expect(manager.get(failed.run_id)).toMatchObject({ status: 'interrupted', error: { kind: 'transient' } });
    gate.resolve();
    await manager.wait(other.runId, 5000);
  });
});

describe('RunManager.recoverOrphans', () => {
  it('marks running runs of dead processes interrupted and releases their locks', () => {
    const pid = deadPid();
    orphan('r-dead', pid);
    ledger.locks.acquireAll(['test_tool'], { run_id: 'r-dead', pid, host: os.hostname() }, () => true);
    expect(manager.recoverOrphans()).toBe(1);
    const run = manager.get('r-dead');
    expect(run.status).toBe('interrupted');
    expect(run.error).toMatchObject({ kind: 'interrupted' });
    expect(run.error!.action).toContain('resume_run');
    expect(ledger.locks.get('test_tool')).toBeUndefined();
  });

  it('marks a run recorded by this process but not active in it interrupted', () => {
    orphan('r-mine', process.pid);
    expect(manager.recoverOrphans()).toBe(1);
    expect(manager.get('r-mine').status).toBe('interrupted');
  });

  it('leaves alone runs of live processes, of other hosts with a live lock, and runs active here', async () => {
    orphan('r-live', process.ppid);
    orphan('r-remote', deadPid(), 'another-host.example');
    ledger.db
      .prepare('INSERT INTO locks (job, run_id, owner_pid, owner_host, acquired_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run('remote_job', 'r-remote', 1, 'another-host.example', new Date().toISOString(), new Date().toISOString());
    const gate = deferred();
    const active = manager.start(definition(untilReleased(gate.promise)));
    expect(manager.recoverOrphans()).toBe(0);
    expect(manager.get('r-live').status).toBe('running');
    expect(manager.get('r-remote').status).toBe('running');
    expect(manager.get(active.runId).status).toBe('running');
    gate.resolve();
    await manager.wait(active.runId, 5000);
  });

  it('marks interrupted a run of another host whose lock is gone or whose heartbeat is stale', () => {
    orphan('r-remote-nolock', 1, 'another-host.example');
    orphan('r-remote-stale', 1, 'another-host.example');
    ledger.db
      .prepare('INSERT INTO locks (job, run_id, owner_pid, owner_host, acquired_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run('remote_job', 'r-remote-stale', 1, 'another-host.example', '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z');
    expect(manager.recoverOrphans()).toBe(2);
    expect(manager.get('r-remote-nolock').status).toBe('interrupted');
    expect(manager.get('r-remote-stale').status).toBe('interrupted');
  });

  it('marks a run interrupted when it is looked at after its process died, without a restart', () => {
    orphan('r-died', deadPid());
    expect(manager.get('r-died').status).toBe('interrupted');
    expect(manager.get('r-died').error?.action).toMatch(/resume_run/);
  });

  it('treats a stale heartbeat on this host as a dead holder (its pid may have been reused)', () => {
    orphan('r-reused', process.ppid);
    ledger.db
      .prepare('INSERT INTO locks (job, run_id, owner_pid, owner_host, acquired_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run('some_job', 'r-reused', process.ppid, os.hostname(), '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z');
    expect(manager.recoverOrphans()).toBe(1);
    expect(manager.get('r-reused').status).toBe('interrupted');
    expect(ledger.locks.forRun('r-reused')).toEqual([]);
  });

  it('does not touch finished runs', async () => {
    const record = await finished(succeed());
    expect(manager.recoverOrphans()).toBe(0);
    expect(manager.get(record.run_id).status).toBe('succeeded');
  });
});

describe('newRunId', () => {
  it('is r-<date>-<time>-<6 hex> and sorts by start time', () => {
    const early = newRunId(new Date('2026-11-23T10:11:12Z'));
    expect(early).toMatch(/^r-20261123-101112-[0-9a-f]{6}$/);
    expect(newRunId(new Date('2026-11-23T10:11:13Z')) > early).toBe(true);
    expect(newRunId(new Date('2026-11-23T10:11:12Z'))).not.toBe(early);
  });
});

describe('RunManager.resume guards', () => {
  it('refuses to resume a run that is still active in this process', async () => {
    const gate = deferred();
    const active = manager.start(definition(untilReleased(gate.promise)));
    expect(() => manager.resume(active.runId)).toThrow(/still finishing in this server/);
    gate.resolve();
    await manager.wait(active.runId, 5000);
  });

  it('refuses to resume a run that stopped on a stale plan', async () => {
    const record = await finished(async () => {
      throw new StalePlanError('Plan p-1 is stale.');
    });
    expect(record.status).toBe('failed');
    manager.registerFactory('test_tool', () => definition(succeed()));
    expect(() => manager.resume(record.run_id)).toThrow(/plan was stale/);
  });

  it('lets only one of two resumes of the same run through, when two processes race past the status check', async () => {
    const record = await finished(async () => {
      throw new TransientError('target down');
    });
    // A second process on the same state dir: its own ledger connection and run manager.
    const otherLedger = Ledger.open(config.stateDir);
    const other = new RunManager({ ledger: otherLedger, config, logger: getLogger() });
    try {
      let executions = 0;
      const counted = () => definition(async () => {
        executions += 1;
        return { result: { created: 1 }, nextAction: 'done' };
      });
      other.registerFactory('test_tool', counted);
      // This manager's resume checks the run (interrupted), then builds its definition; the other
      // process's resume runs right then, before this one claims the run.
      let raced: ReturnType<RunManager['resume']> | undefined;
      manager.registerFactory('test_tool', () => {
        raced ??= other.resume(record.run_id);
        return counted();
      });

      expect(() => manager.resume(record.run_id)).toThrow(/resumed by another process/);
      expect(raced?.runId).toBe(record.run_id);
      const final = await other.wait(record.run_id, 5000);
      expect(final).toMatchObject({ status: 'succeeded', attempts: 2, result: { created: 1 } });
      expect(executions).toBe(1);
      expect(manager.isActive(record.run_id)).toBe(false);
    } finally {
      await other.shutdown(1000);
      otherLedger.close();
    }
  });
});
