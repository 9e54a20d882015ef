/** Rows of the lock table; the lease logic (liveness, stale holders) is in engine/lock.ts. */
import type { Db } from './sqlite.js';
import { nowIso } from './sqlite.js';

export interface LockRow {
  job: string;
  run_id: string;
  owner_pid: number;
  owner_host: string;
  acquired_at: string;
  heartbeat_at: string;
}

export class LockStore {
  constructor(private readonly db: Db) {}

  get(job: string): LockRow | undefined {
    return this.db.prepare('SELECT * FROM locks WHERE job = ?').get(job) as LockRow | undefined;
  }

  /**
   * Takes the locks of every job in one transaction, replacing holders that `isStale` says are
   * dead. Returns the first live holder found (and takes nothing), or undefined on success.
   */
  acquireAll(jobs: readonly string[], owner: { run_id: string; pid: number; host: string }, isStale: (row: LockRow) => boolean): LockRow | undefined {
    return this.db.transaction(() => {
      for (const job of jobs) {
        const held = this.get(job);
        if (held && held.run_id !== owner.run_id && !isStale(held)) return held;
      }
      const now = nowIso();
      const put = this.db.prepare(
        `INSERT OR REPLACE INTO locks (job, run_id, owner_pid, owner_host, acquired_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)`,
      );
      for (const job of jobs) put.run(job, owner.run_id, owner.pid, owner.host, now, now);
      return undefined;
    }).immediate();
  }

  /** The lock rows a run holds. */
  forRun(runId: string): LockRow[] {
    return this.db.prepare('SELECT * FROM locks WHERE run_id = ?').all(runId) as LockRow[];
  }

  heartbeat(runId: string): void {
    this.db.prepare('UPDATE locks SET heartbeat_at = ? WHERE run_id = ?').run(nowIso(), runId);
  }

  releaseRun(runId: string): void {
    this.db.prepare('DELETE FROM locks WHERE run_id = ?').run(runId);
  }
}
