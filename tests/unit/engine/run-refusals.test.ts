/**
 * What RunManager refuses, and the words it uses: each refusal names the run and tells the
 * operator what to do. Also: listeners hear every finished run, and factories are listed.
 */
import os from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/env.js';
import { NotFoundError, StalePlanError, ValidationError } from '../../../src/engine/errors.js';
import { Ledger } from '../../../src/engine/ledger/ledger.js';
import { RunManager, type FinishedRun } from '../../../src/engine/run-manager.js';
import { getLogger, setLogLevel } from '../../../src/logging/logger.js';
import { deferred, makeTempDir } from './helpers/temp.js';

let tmp: ReturnType<typeof makeTempDir>;
let ledger: Ledger;
let manager: RunManager;

beforeEach(() => {
  setLogLevel('error');
  tmp = makeTempDir();
  const config = loadConfig({ MIGRATION_STATE_DIR: tmp.dir, MIGRATION_OUTPUT_DIR: `${tmp.dir}/out`, MIGRATION_DATA_ROOTS: tmp.dir }, tmp.dir);
  ledger = Ledger.open(config.stateDir);
  manager = new RunManager({ ledger, config, logger: getLogger() });
});
afterEach(async () => {
  await manager.shutdown(1000);
  ledger.close();
  tmp.cleanup();
});

/** The error `call` throws, with its class, message and action. */
function refusal(call: () => unknown): { type: string; message: string; action: string } {
  try {
    call();
  } catch (error) {
    const e = error as ValidationError;
    return { type: e.constructor.name, message: e.message, action: e.action };
  }
  throw new Error('not refused');
}

async function ended(status: 'succeeded' | 'failed', tool = 'test_tool', error?: Error): Promise<string> {
  const run = manager.start({ tool, args: {}, dryRun: false, execute: async () => {
    if (error) throw error;
    return { result: { created: 1 }, nextAction: 'done' };
  } });
  await run.done;
  expect(manager.get(run.runId).status).toBe(status);
  return run.runId;
}

describe('RunManager refuses to resume', () => {
  it('an unknown run', () => {
    expect(refusal(() => manager.resume('run-20260101-000000-aaaaaa'))).toEqual({
      type: NotFoundError.name,
      message: 'There is no run run-20260101-000000-aaaaaa.',
      action: expect.stringContaining('Check the run_id'),
    });
  });

  it('a run that already succeeded', async () => {
    const runId = await ended('succeeded');
    expect(refusal(() => manager.resume(runId))).toEqual({
      type: ValidationError.name,
      message: `Run ${runId} already succeeded; there is nothing to resume.`,
      action: 'Call the tool again to start a new run (unchanged records cost no writes).',
    });
  });

  it('a run stopped by a stale plan, since that would apply a plan nobody reviewed', async () => {
    const runId = await ended('failed', 'test_tool', new StalePlanError('The plan is stale.'));
    expect(refusal(() => manager.resume(runId))).toEqual({
      type: ValidationError.name,
      message: `Run ${runId} stopped because its plan was stale; resuming it would apply a plan nobody reviewed.`,
      action: 'Run the dry run of test_tool again and apply the new plan_id.',
    });
  });

  it('a run of a tool this server cannot resume', async () => {
    const runId = await ended('failed', 'tool_without_factory', new ValidationError('A row was bad.', { action: 'Fix it.' }));
    expect(refusal(() => manager.resume(runId))).toEqual({
      type: ValidationError.name,
      message: 'Runs of tool_without_factory cannot be resumed by this server.',
      action: 'Enable the toolset that provides tool_without_factory.',
    });
  });

  it('a run still executing in this server, and one running in another live process', async () => {
    const gate = deferred();
    const active = manager.start({ tool: 'test_tool', args: {}, dryRun: false, execute: async () => {
      await gate.promise;
      return { result: {}, nextAction: 'done' };
    } });
    expect(refusal(() => manager.resume(active.runId))).toEqual({
      type: ValidationError.name,
      message: `Run ${active.runId} is still finishing in this server.`,
      action: 'Wait for it with get_run, then resume it if it did not succeed.',
    });
    gate.resolve();
    await active.done;

    ledger.runs.create({ run_id: 'run-20260101-000000-bbbbbb', tool: 'test_tool', dry_run: false, args: {}, owner_pid: process.ppid, owner_host: os.hostname() });
    expect(refusal(() => manager.resume('run-20260101-000000-bbbbbb'))).toEqual({
      type: ValidationError.name,
      message: 'Run run-20260101-000000-bbbbbb is still running.',
      action: 'Poll it with get_run, or cancel it with cancel_run first.',
    });
  });
});

describe('RunManager listeners and factories', () => {
  it('tells every finished-run listener the run and its duration until it unsubscribes', async () => {
    const heard: FinishedRun[] = [];
    const stop = manager.onFinished((event) => heard.push(event));
    manager.onFinished(() => {
      throw new Error('a broken listener does not stop the others');
    });
    const first = await ended('succeeded');
    stop();
    await ended('succeeded');
    expect(heard.map((event) => event.run.run_id)).toEqual([first]);
    expect(heard[0]!.run.status).toBe('succeeded');
    expect(heard[0]!.durationSeconds).toBeGreaterThanOrEqual(0);
    expect(heard[0]!.durationSeconds).toBeLessThan(3600);
  });

  it('lists the tools it can resume', () => {
    expect(manager.knownTools()).toEqual([]);
    manager.registerFactory('a_tool', () => ({ tool: 'a_tool', args: {}, dryRun: true, execute: async () => ({ result: {}, nextAction: '' }) }));
    expect(manager.knownTools()).toEqual(['a_tool']);
  });
});
