/**
 * Versioned schema migrations of the ledger (`state.db`). Append a migration to change the
 * schema; never edit one that has shipped. Each runs once, in a transaction, in order.
 */

export interface LedgerMigration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly LedgerMigration[] = [
  {
    version: 1,
    description: 'runs, plans, intents, identities, checkpoints, provenance, locks',
    sql: `
      CREATE TABLE runs (
        run_id        TEXT PRIMARY KEY,
        tool          TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('running','succeeded','failed','cancelled','interrupted')),
        dry_run       INTEGER NOT NULL,
        args_json     TEXT NOT NULL,
        plan_id       TEXT,
        started_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL,
        finished_at   TEXT,
        progress_json TEXT,
        result_json   TEXT,
        error_json    TEXT,
        report_json   TEXT,
        report_md     TEXT,
        owner_pid     INTEGER,
        owner_host    TEXT,
        attempts      INTEGER NOT NULL DEFAULT 1
      );
      CREATE INDEX runs_by_tool ON runs (tool, started_at);
      CREATE INDEX runs_by_status ON runs (status);

      CREATE TABLE plans (
        plan_id      TEXT PRIMARY KEY,
        tool         TEXT NOT NULL,
        run_id       TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        fingerprint  TEXT NOT NULL,
        summary_json TEXT NOT NULL,
        item_count   INTEGER NOT NULL
      );

      CREATE TABLE plan_items (
        plan_id      TEXT NOT NULL,
        seq          INTEGER NOT NULL,
        item_key     TEXT NOT NULL,
        action       TEXT NOT NULL,
        reason       TEXT,
        target_id    TEXT,
        content_hash TEXT,
        data_json    TEXT NOT NULL,
        PRIMARY KEY (plan_id, seq)
      );

      CREATE TABLE intents (
        intent_id    INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id       TEXT NOT NULL,
        system       TEXT NOT NULL,
        kind         TEXT NOT NULL,
        item_key     TEXT NOT NULL,
        op           TEXT NOT NULL,
        state        TEXT NOT NULL CHECK (state IN ('planned','sent','acked','failed','ambiguous')),
        target_id    TEXT,
        content_hash TEXT,
        error        TEXT,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL
      );
      CREATE INDEX intents_by_run ON intents (run_id, state);
      CREATE INDEX intents_by_key ON intents (system, kind, item_key);

      CREATE TABLE identities (
        system       TEXT NOT NULL,
        kind         TEXT NOT NULL,
        ext_key      TEXT NOT NULL,
        target_id    TEXT NOT NULL,
        content_hash TEXT,
        last_run_id  TEXT,
        updated_at   TEXT NOT NULL,
        PRIMARY KEY (system, kind, ext_key)
      );

      CREATE TABLE checkpoints (
        job        TEXT NOT NULL,
        run_id     TEXT NOT NULL,
        cp_key     TEXT NOT NULL,
        value_json TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (run_id, cp_key)
      );
      CREATE INDEX checkpoints_by_job ON checkpoints (job);

      CREATE TABLE provenance (
        event_id     INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id       TEXT NOT NULL,
        system       TEXT NOT NULL,
        kind         TEXT NOT NULL,
        item_key     TEXT NOT NULL,
        action       TEXT NOT NULL,
        target_id    TEXT,
        source_file  TEXT,
        source_sheet TEXT,
        source_line  INTEGER,
        content_hash TEXT,
        detail       TEXT,
        at           TEXT NOT NULL
      );
      CREATE INDEX provenance_by_key ON provenance (system, item_key);

      CREATE TABLE locks (
        job          TEXT PRIMARY KEY,
        run_id       TEXT NOT NULL,
        owner_pid    INTEGER NOT NULL,
        owner_host   TEXT NOT NULL,
        acquired_at  TEXT NOT NULL,
        heartbeat_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: 'plans remember the hash of the inputs they were computed from (resume checks it)',
    sql: `ALTER TABLE plans ADD COLUMN inputs_hash TEXT;`,
  },
  {
    version: 3,
    description: 'identities per target instance (scope); provenance remembers the scope; indexes for retention',
    sql: `
      CREATE TABLE identities_v3 (
        system       TEXT NOT NULL,
        scope        TEXT NOT NULL DEFAULT '',
        kind         TEXT NOT NULL,
        ext_key      TEXT NOT NULL,
        target_id    TEXT NOT NULL,
        content_hash TEXT,
        last_run_id  TEXT,
        updated_at   TEXT NOT NULL,
        PRIMARY KEY (system, scope, kind, ext_key)
      );
      INSERT INTO identities_v3 (system, scope, kind, ext_key, target_id, content_hash, last_run_id, updated_at)
        SELECT system, '', kind, ext_key, target_id, content_hash, last_run_id, updated_at FROM identities;
      DROP TABLE identities;
      ALTER TABLE identities_v3 RENAME TO identities;
      CREATE INDEX identities_by_key ON identities (ext_key);
      ALTER TABLE provenance ADD COLUMN scope TEXT;
      CREATE INDEX plans_by_run ON plans (run_id);
      CREATE INDEX runs_by_finished ON runs (finished_at);
    `,
  },
];
