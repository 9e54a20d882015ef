/**
 * Write intents: before every write to a target an intent is recorded, and after it the outcome.
 * planned → sent → acked | failed | ambiguous. A `sent` or `ambiguous` intent after a crash or a
 * lost response means "the target may have done it": it is resolved by looking the record up.
 */
import type { Db } from './sqlite.js';
import { nowIso } from './sqlite.js';

export type IntentState = 'planned' | 'sent' | 'acked' | 'failed' | 'ambiguous';

export interface Intent {
  intent_id: number;
  run_id: string;
  system: string;
  kind: string;
  item_key: string;
  op: string;
  state: IntentState;
  target_id: string | null;
  content_hash: string | null;
  error: string | null;
}

export class IntentStore {
  constructor(private readonly db: Db) {}

  /** Records `planned` intents for many records in one transaction; returns their ids by key. */
  planMany(runId: string, system: string, kind: string, items: readonly { key: string; op: string; content_hash?: string | undefined }[]): Map<string, number> {
    const insert = this.db.prepare(
      `INSERT INTO intents (run_id, system, kind, item_key, op, state, content_hash, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'planned', ?, ?, ?)`,
    );
    const ids = new Map<string, number>();
    const now = nowIso();
    this.db.transaction(() => {
      for (const item of items) {
        const info = insert.run(runId, system, kind, item.key, item.op, item.content_hash ?? null, now, now);
        ids.set(item.key, Number(info.lastInsertRowid));
      }
    })();
    return ids;
  }

  /** Moves an intent to a new state (sent, acked, failed, ambiguous). */
  transition(intentId: number, state: IntentState, fields: { target_id?: string | null; error?: string | null } = {}): void {
    this.db
      .prepare(
        `UPDATE intents SET state = ?, target_id = COALESCE(?, target_id), error = ?, updated_at = ? WHERE intent_id = ?`,
      )
      .run(state, fields.target_id ?? null, fields.error ?? null, nowIso(), intentId);
  }

  /** The latest intent per record key of a run. */
  latestForRun(runId: string, system: string, kind: string): Map<string, Intent> {
    const rows = this.db
      .prepare(
        `SELECT * FROM intents WHERE run_id = ? AND system = ? AND kind = ? ORDER BY intent_id`,
      )
      .all(runId, system, kind) as Intent[];
    const latest = new Map<string, Intent>();
    for (const row of rows) latest.set(row.item_key, row);
    return latest;
  }

  /** Counts intents of a run by state. */
  countsForRun(runId: string): Record<IntentState, number> {
    const counts: Record<IntentState, number> = { planned: 0, sent: 0, acked: 0, failed: 0, ambiguous: 0 };
    const rows = this.db.prepare('SELECT state, COUNT(*) AS n FROM intents WHERE run_id = ? GROUP BY state').all(runId) as { state: IntentState; n: number }[];
    for (const row of rows) counts[row.state] = row.n;
    return counts;
  }
}
