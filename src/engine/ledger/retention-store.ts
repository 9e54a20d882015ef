/**
 * Ledger housekeeping: plan items and write intents of finished runs are needed to apply a plan and
 * to resume a run; once a run finished more than the retention period ago (MIGRATION_RETENTION_DAYS,
 * default 30) they are only history, and a ledger that keeps every plan item of every dry run grows
 * without bound. Runs, plan headers, identities, checkpoints and provenance are kept, so
 * `explain_record`, `list_runs` and stale-plan refusal keep working.
 */
import type { Db } from './sqlite.js';

/** What a prune removed (or would remove). */
export interface PruneCounts {
  /** Finished runs older than the cutoff whose plan items or intents are concerned. */
  runs: number;
  /** Plans whose items are removed (their headers stay). */
  plans: number;
  plan_items: number;
  intents: number;
}

const OLD_RUNS = `SELECT run_id FROM runs WHERE status <> 'running' AND finished_at IS NOT NULL AND finished_at < ?`;

export class RetentionStore {
  constructor(private readonly db: Db) {}

  /** Counts what {@link prune} would remove for runs finished before `cutoff` (ISO time). */
  count(cutoff: string): PruneCounts {
    const one = (sql: string) => (this.db.prepare(sql).get(cutoff) as { n: number }).n;
    return {
      runs: one(`SELECT COUNT(*) AS n FROM (${OLD_RUNS}) AS old
                 WHERE EXISTS (SELECT 1 FROM intents i WHERE i.run_id = old.run_id)
                    OR EXISTS (SELECT 1 FROM plans p JOIN plan_items pi ON pi.plan_id = p.plan_id WHERE p.run_id = old.run_id)`),
      plans: one(`SELECT COUNT(DISTINCT p.plan_id) AS n FROM plans p JOIN plan_items pi ON pi.plan_id = p.plan_id WHERE p.run_id IN (${OLD_RUNS})`),
      plan_items: one(`SELECT COUNT(*) AS n FROM plan_items WHERE plan_id IN (SELECT plan_id FROM plans WHERE run_id IN (${OLD_RUNS}))`),
      intents: one(`SELECT COUNT(*) AS n FROM intents WHERE run_id IN (${OLD_RUNS})`),
    };
  }

  /** Removes the plan items and intents of runs finished before `cutoff`; returns what it removed. */
  prune(cutoff: string): PruneCounts {
    return this.db.transaction(() => {
      const counts = this.count(cutoff);
      this.db.prepare(`DELETE FROM plan_items WHERE plan_id IN (SELECT plan_id FROM plans WHERE run_id IN (${OLD_RUNS}))`).run(cutoff);
      this.db.prepare(`DELETE FROM intents WHERE run_id IN (${OLD_RUNS})`).run(cutoff);
      return counts;
    }).immediate();
  }
}
