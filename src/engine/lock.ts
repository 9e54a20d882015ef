/**
 * One active run per job: a lease lock in the ledger with stale-holder detection, as the
 * migrator's singleton lock did — but a crashed holder never needs a manual `rm`.
 *
 * A holder is stale when its run is no longer `running`, when it is on this host and its
 * process is gone, or when its heartbeat is older than `staleAfterMs` (a crashed host, or a
 * reused pid).
 */
import os from 'node:os';
import { isProcessAlive } from '../outputs/temp-files.js';
import { BusyError } from './errors.js';

export { isProcessAlive } from '../outputs/temp-files.js';
import type { Ledger } from './ledger/ledger.js';
import type { LockRow } from './ledger/lock-store.js';

export interface Lease {
  release(): void;
}

export interface LockOptions {
  /** A holder on another host is stale after this long without a heartbeat. @default 120000 */
  staleAfterMs?: number;
  /** How often a held lease refreshes its heartbeat. @default 15000 */
  heartbeatMs?: number;
}

export class JobLocks {
  private readonly staleAfterMs: number;
  private readonly heartbeatMs: number;

  constructor(private readonly ledger: Ledger, options: LockOptions = {}) {
    this.staleAfterMs = options.staleAfterMs ?? 120_000;
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
  }

  /** Takes the locks of all `jobs` for `runId`, or throws BusyError naming the live holder. */
  acquire(jobs: readonly string[], runId: string): Lease {
    const owner = { run_id: runId, pid: process.pid, host: os.hostname() };
    const holder = this.ledger.locks.acquireAll(jobs, owner, (row) => this.isStale(row));
    if (holder) {
      throw new BusyError(`Job ${holder.job} is locked by run ${holder.run_id} (pid ${holder.owner_pid} on ${holder.owner_host}, since ${holder.acquired_at}).`, {
        action: `Wait for run ${holder.run_id} to finish (get_run), or stop it with cancel_run, then try again.`,
        details: { job: holder.job, run_id: holder.run_id },
      });
    }
    const timer = setInterval(() => {
      try {
        this.ledger.locks.heartbeat(runId);
      } catch {
        clearInterval(timer); // the ledger was closed under a run that outlived shutdown
      }
    }, this.heartbeatMs);
    timer.unref();
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        clearInterval(timer);
        this.ledger.locks.releaseRun(runId);
      },
    };
  }

  /**
   * Whether a run has lost its holder: its lock heartbeat is older than `staleAfterMs` (the
   * holder crashed, its host was replaced, or its pid was reused). A run holding no lock counts
   * as abandoned only when `missingLock` says so (another host's run; on this host a run takes
   * its lock right after it is created).
   */
  isAbandoned(runId: string, options: { missingLock: boolean }): boolean {
    const rows = this.ledger.locks.forRun(runId);
    if (rows.length === 0) return options.missingLock;
    return rows.every((row) => Date.now() - Date.parse(row.heartbeat_at) > this.staleAfterMs);
  }

  private isStale(row: LockRow): boolean {
    const run = this.ledger.runs.get(row.run_id);
    if (!run || run.status !== 'running') return true;
    const heartbeatStale = Date.now() - Date.parse(row.heartbeat_at) > this.staleAfterMs;
    return heartbeatStale || (row.owner_host === os.hostname() && !isProcessAlive(row.owner_pid));
  }
}
