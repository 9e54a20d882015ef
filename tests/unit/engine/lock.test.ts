import os from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BusyError } from '../../../src/engine/errors.js';
import { Ledger } from '../../../src/engine/ledger/ledger.js';
import { isProcessAlive, JobLocks, type Lease } from '../../../src/engine/lock.js';
import { deadPid, makeTempDir, sleep } from './helpers/temp.js';

let tmp: ReturnType<typeof makeTempDir>;
let ledger: Ledger;
let locks: JobLocks;
const leases: Lease[] = [];
beforeEach(() => {
  tmp = makeTempDir();
  ledger = Ledger.open(tmp.dir);
  locks = new JobLocks(ledger);
});
afterEach(() => {
  for (const lease of leases.splice(0)) lease.release();
  ledger.close();
  tmp.cleanup();
});

const acquire = (jobs: string[], runId: string, using = locks) => {
  const lease = using.acquire(jobs, runId);
  leases.push(lease);
  return lease;
};

/** A running run recorded in the ledger, as if started by `pid` on `host`. */
function runningRun(runId: string, pid = process.pid, host = os.hostname()) {
  ledger.runs.create({ run_id: runId, tool: 'job', dry_run: false, args: {}, owner_pid: pid, owner_host: host });
}

/** A lock row held by `runId` for `pid` on `host` (written directly, as another process would). */
function heldBy(job: string, runId: string, pid: number, host = os.hostname()) {
  ledger.locks.acquireAll([job], { run_id: runId, pid, host }, () => true);
}

describe('isProcessAlive', () => {
  it('is true for this process and false for one that has exited', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(deadPid())).toBe(false);
  });
});

describe('JobLocks', () => {
  it('gives one run the lock of a job and refuses a second run with BusyError naming the holder', () => {
    runningRun('r-1');
    acquire(['job'], 'r-1');
    let caught: unknown;
    try {
      acquire(['job'], 'r-2');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BusyError);
    expect((caught as BusyError).message).toContain('r-1');
    expect((caught as BusyError).details).toEqual({ job: 'job', run_id: 'r-1' });
    expect((caught as BusyError).action).toContain('r-1');
  });

  it('a released lock can be taken by another run', () => {
    runningRun('r-1');
    const lease = acquire(['job'], 'r-1');
    lease.release();
    expect(ledger.locks.get('job')).toBeUndefined();
    runningRun('r-2');
    acquire(['job'], 'r-2');
    expect(ledger.locks.get('job')?.run_id).toBe('r-2');
  });

  it('releasing twice is harmless and does not drop a lock taken since by another run', () => {
    runningRun('r-1');
    const lease = acquire(['job'], 'r-1');
    lease.release();
    runningRun('r-2');
    acquire(['job'], 'r-2');
    lease.release();
    expect(ledger.locks.get('job')?.run_id).toBe('r-2');
  });

  it('the same run may take its lock again (resume)', () => {
    runningRun('r-1');
    acquire(['job'], 'r-1');
    expect(() => acquire(['job'], 'r-1')).not.toThrow();
  });

  it('different jobs do not block each other', () => {
    runningRun('r-1');
    runningRun('r-2');
    acquire(['job_a'], 'r-1');
    expect(() => acquire(['job_b'], 'r-2')).not.toThrow();
  });

  it('takes several jobs all or nothing', () => {
    runningRun('r-1');
    runningRun('r-2');
    acquire(['job_b'], 'r-1');
    expect(() => acquire(['job_a', 'job_b'], 'r-2')).toThrow(BusyError);
    expect(ledger.locks.get('job_a')).toBeUndefined();
    expect(ledger.locks.get('job_b')?.run_id).toBe('r-1');
  });

  it('takes over a lock whose holder process on this host is dead', () => {
    const pid = deadPid();
    runningRun('r-old', pid);
    heldBy('job', 'r-old', pid);
    runningRun('r-new');
    acquire(['job'], 'r-new');
    expect(ledger.locks.get('job')).toMatchObject({ run_id: 'r-new', owner_pid: process.pid });
  });

  it('takes over a lock whose run is no longer running, even if its process lives', () => {
    runningRun('r-old', process.ppid);
    heldBy('job', 'r-old', process.ppid);
    ledger.runs.finish('r-old', { status: 'failed', result: null, error: null });
    runningRun('r-new');
    acquire(['job'], 'r-new');
    expect(ledger.locks.get('job')?.run_id).toBe('r-new');
  });

  it('takes over a lock whose run is unknown to the ledger', () => {
    heldBy('job', 'r-ghost', process.ppid);
    runningRun('r-new');
    acquire(['job'], 'r-new');
    expect(ledger.locks.get('job')?.run_id).toBe('r-new');
  });

  it('respects a live holder process on this host', () => {
    runningRun('r-old', process.ppid);
    heldBy('job', 'r-old', process.ppid);
    runningRun('r-new');
    expect(() => acquire(['job'], 'r-new')).toThrow(BusyError);
  });

  it('a holder on another host is live while its heartbeat is fresh and stale after staleAfterMs', () => {
    const shortLease = new JobLocks(ledger, { staleAfterMs: 60_000 });
    runningRun('r-remote', 1, 'another-host.example');
    heldBy('job', 'r-remote', 1, 'another-host.example');
    runningRun('r-new');
    expect(() => acquire(['job'], 'r-new', shortLease)).toThrow(BusyError);
    ledger.db.prepare('UPDATE locks SET heartbeat_at = ? WHERE job = ?').run(new Date(Date.now() - 61_000).toISOString(), 'job');
    acquire(['job'], 'r-new', shortLease);
    expect(ledger.locks.get('job')?.run_id).toBe('r-new');
  });

  it('a held lease refreshes its heartbeat', async () => {
    const fast = new JobLocks(ledger, { heartbeatMs: 20 });
    runningRun('r-1');
    acquire(['job'], 'r-1', fast);
    const first = ledger.locks.get('job')!.heartbeat_at;
    await sleep(80);
    expect(Date.parse(ledger.locks.get('job')!.heartbeat_at)).toBeGreaterThan(Date.parse(first));
  });
});
