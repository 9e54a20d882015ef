/**
 * Identities: (system, scope, kind, external key) → target id, with the content hash last written
 * and the run that wrote it. A cache of the target's truth: when they disagree, the target wins.
 * The scope is the target instance (its origin or tenant), so two INNERGY tenants sharing one state
 * dir never share ids. Rows written before scopes existed carry the empty scope until the target
 * configured for their system claims them (`claimUnscoped`).
 */
import type { Db } from './sqlite.js';
import { nowIso } from './sqlite.js';

export interface Identity {
  system: string;
  scope: string;
  kind: string;
  ext_key: string;
  target_id: string;
  content_hash: string | null;
  last_run_id: string | null;
  updated_at: string;
}

/** Which target instance and record kind an identity belongs to. */
export interface IdentityRef {
  system: string;
  scope: string;
  kind: string;
}

export class IdentityStore {
  constructor(private readonly db: Db) {}

  get(ref: IdentityRef, key: string): Identity | undefined {
    return this.db
      .prepare('SELECT * FROM identities WHERE system = ? AND scope = ? AND kind = ? AND ext_key = ?')
      .get(ref.system, ref.scope, ref.kind, key) as Identity | undefined;
  }

  /** Every identity of one kind on one target instance, by external key (one query for a whole run). */
  all(ref: IdentityRef): Map<string, Identity> {
    const rows = this.db.prepare('SELECT * FROM identities WHERE system = ? AND scope = ? AND kind = ?').all(ref.system, ref.scope, ref.kind) as Identity[];
    return new Map(rows.map((row) => [row.ext_key, row]));
  }

  /** Every identity with this external key, whatever its system, scope and kind (explain_record). */
  byKey(key: string): Identity[] {
    return this.db.prepare('SELECT * FROM identities WHERE ext_key = ? ORDER BY system, scope, kind').all(key) as Identity[];
  }

  upsert(ref: IdentityRef, key: string, targetId: string, contentHash: string | null, runId: string | null): void {
    this.db
      .prepare(
        `INSERT INTO identities (system, scope, kind, ext_key, target_id, content_hash, last_run_id, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (system, scope, kind, ext_key) DO UPDATE SET
           target_id = excluded.target_id, content_hash = excluded.content_hash,
           last_run_id = excluded.last_run_id, updated_at = excluded.updated_at`,
      )
      .run(ref.system, ref.scope, ref.kind, key, targetId, contentHash, runId, nowIso());
  }

  forget(ref: IdentityRef, key: string): void {
    this.db.prepare('DELETE FROM identities WHERE system = ? AND scope = ? AND kind = ? AND ext_key = ?').run(ref.system, ref.scope, ref.kind, key);
  }

  /**
   * Gives the identities of `system` written before scopes existed to the configured instance
   * (`scope`); where that instance already has an identity for the key, its own wins and the old
   * row is dropped. Returns how many moved.
   */
  claimUnscoped(system: string, scope: string): number {
    return this.db.transaction(() => {
      const moved = this.db.prepare(`UPDATE OR IGNORE identities SET scope = ? WHERE system = ? AND scope = ''`).run(scope, system).changes;
      this.db.prepare(`DELETE FROM identities WHERE system = ? AND scope = ''`).run(system);
      return moved;
    })();
  }
}
