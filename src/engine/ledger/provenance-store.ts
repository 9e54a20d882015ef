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

type Statement = { run(...params: unknown[]): unknown };

const INSERT = `INSERT INTO provenance (run_id, system, scope, kind, item_key, action, target_id, source_file, source_sheet, source_line, content_hash, detail, at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

export class ProvenanceStore {
  constructor(private readonly db: Db) {}

  record(event: ProvenanceEvent): void {
    this.insert(this.db.prepare(INSERT), event, nowIso());
  }

  /** Records many events in one transaction (e.g. every line of an ingested batch). */
  recordMany(events: readonly ProvenanceEvent[]): void {
    const statement = this.db.prepare(INSERT);
    const at = nowIso();
    this.db.transaction(() => {
      for (const event of events) this.insert(statement, event, at);
    })();
  }

  /** Deletes the events a run recorded on one system (a resumed run records them again). */
  forgetRun(runId: string, system: string): number {
    return this.db.prepare('DELETE FROM provenance WHERE run_id = ? AND system = ?').run(runId, system).changes;
  }

  private insert(statement: Statement, event: ProvenanceEvent, at: string): void {
    statement.run(
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
      at,
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
