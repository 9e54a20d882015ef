/**
 * Provenance: every write records where the record came from (file, sheet, line) and what it
 * became on the target, so `explain_record` can answer "why does this exist, and who changed it".
 */
import type Database from 'better-sqlite3';
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
  /** The insert statement, prepared once (a bulk writer records 100,000 events in a run). */
  private insert: Database.Statement<unknown[]> | undefined;
  private insertMany: Database.Statement<unknown[]> | undefined;

  constructor(private readonly db: Db) {}

  record(event: ProvenanceEvent): void {
    this.insert ??= this.db.prepare(
      `INSERT INTO provenance (run_id, system, scope, kind, item_key, action, target_id, source_file, source_sheet, source_line, content_hash, detail, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insert.run(
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

  /**
   * Many events of one run, system, kind and source at once (a set-based writer's batch): one
   * statement over a JSON array, so 5,000 events cost one call instead of 5,000.
   */
  recordMany(common: Pick<ProvenanceEvent, 'run_id' | 'system' | 'scope' | 'kind' | 'source_file'>, events: readonly Pick<ProvenanceEvent, 'item_key' | 'action' | 'target_id' | 'detail'>[]): void {
    if (!events.length) return;
    this.insertMany ??= this.db.prepare(
      `INSERT INTO provenance (run_id, system, scope, kind, item_key, action, target_id, source_file, detail, at)
       SELECT ?, ?, ?, ?, value ->> '$[0]', value ->> '$[1]', value ->> '$[2]', ?, value ->> '$[3]', ? FROM json_each(?)`,
    );
    const rows = JSON.stringify(events.map((event) => [event.item_key, event.action, event.target_id ?? null, event.detail ?? null]));
    this.insertMany.run(common.run_id, common.system, common.scope ?? null, common.kind, common.source_file ?? null, nowIso(), rows);
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
