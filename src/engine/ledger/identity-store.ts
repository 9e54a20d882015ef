/**
 * Identities: (system, kind, external key) → target id, with the content hash last written and
 * the run that wrote it. A cache of the target's truth: when they disagree, the target wins.
 */
import type { Db } from './ledger.js';
import { nowIso } from './ledger.js';

export interface Identity {
  system: string;
  kind: string;
  ext_key: string;
  target_id: string;
  content_hash: string | null;
  last_run_id: string | null;
  updated_at: string;
}

export class IdentityStore {
  constructor(private readonly db: Db) {}

  get(system: string, kind: string, key: string): Identity | undefined {
    return this.db.prepare('SELECT * FROM identities WHERE system = ? AND kind = ? AND ext_key = ?').get(system, kind, key) as Identity | undefined;
  }

  /** Every identity of one kind, by external key (one query for a whole run). */
  all(system: string, kind: string): Map<string, Identity> {
    const rows = this.db.prepare('SELECT * FROM identities WHERE system = ? AND kind = ?').all(system, kind) as Identity[];
    return new Map(rows.map((row) => [row.ext_key, row]));
  }

  /** Every identity with this external key, whatever its system and kind (explain_record). */
  byKey(key: string): Identity[] {
    return this.db.prepare('SELECT * FROM identities WHERE ext_key = ? ORDER BY system, kind').all(key) as Identity[];
  }

  upsert(system: string, kind: string, key: string, targetId: string, contentHash: string | null, runId: string | null): void {
    this.db
      .prepare(
        `INSERT INTO identities (system, kind, ext_key, target_id, content_hash, last_run_id, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (system, kind, ext_key) DO UPDATE SET
           target_id = excluded.target_id, content_hash = excluded.content_hash,
           last_run_id = excluded.last_run_id, updated_at = excluded.updated_at`,
      )
      .run(system, kind, key, targetId, contentHash, runId, nowIso());
  }

  forget(system: string, kind: string, key: string): void {
    this.db.prepare('DELETE FROM identities WHERE system = ? AND kind = ? AND ext_key = ?').run(system, kind, key);
  }
}
