/**
 * Provenance: every write records where the record came from (file, sheet, line) and what it
 * became on the target, so `explain_record` can answer "why does this exist, and who changed it".
 */
import type { Db } from './sqlite.js';
import { nowIso } from './sqlite.js';

export interface ProvenanceEvent {
  run_id: string;
  system: string;
  /** The target instance (origin or tenant), when the event is about a target record. */
  scope?: string | null;
  kind: string;
  item_key: string;
  action: string;
  target_id?: string | null;
  source_file?: string | null;
  source_sheet?: string | null;
  source_line?: number | null;
  content_hash?: string | null;
  detail?: string | null;
}

export interface StoredProvenanceEvent extends ProvenanceEvent {
  event_id: number;
  at: string;
}

export class ProvenanceStore {
  constructor(private readonly db: Db) {}

  record(event: ProvenanceEvent): void {
    this.db
      .prepare(
        `INSERT INTO provenance (run_id, system, scope, kind, item_key, action, target_id, source_file, source_sheet, source_line, content_hash, detail, at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        event.run_id,
        event.system,
        event.scope ?? null,
        event.kind,
        event.item_key,
        event.action,
        event.target_id ?? null,
        event.source_file ?? null,
        event.source_sheet ?? null,
        event.source_line ?? null,
        event.content_hash ?? null,
        event.detail ?? null,
        nowIso(),
      );
  }

  /** Events for a record key, oldest first; `system` narrows the search when given. */
  forKey(key: string, system?: string, limit = 50): StoredProvenanceEvent[] {
    const sql = system
      ? 'SELECT * FROM provenance WHERE item_key = ? AND system = ? ORDER BY event_id DESC LIMIT ?'
      : 'SELECT * FROM provenance WHERE item_key = ? ORDER BY event_id DESC LIMIT ?';
    const rows = (system ? this.db.prepare(sql).all(key, system, limit) : this.db.prepare(sql).all(key, limit)) as StoredProvenanceEvent[];
    return rows.reverse();
  }
}
