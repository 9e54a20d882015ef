/**
 * The ledger: one SQLite database (`<MIGRATION_STATE_DIR>/state.db`, WAL) holding everything a
 * run must remember across crashes — runs, plans, write intents, identities, checkpoints,
 * provenance, locks — and its housekeeping (retention). Each table has a small store class; this module opens the database,
 * applies the schema migrations and hands out the stores.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError } from '../errors.js';
import { MIGRATIONS } from './schema.js';
import { RunStore } from './run-store.js';
import { PlanStore } from './plan-store.js';
import { IntentStore } from './intent-store.js';
import { IdentityStore } from './identity-store.js';
import { CheckpointStore } from './checkpoint-store.js';
import { ProvenanceStore } from './provenance-store.js';
import { LockStore } from './lock-store.js';
import { RetentionStore } from './retention-store.js';
import type { Db } from './sqlite.js';

export type { Db } from './sqlite.js';

export class Ledger {
  readonly runs: RunStore;
  readonly plans: PlanStore;
  readonly intents: IntentStore;
  readonly identities: IdentityStore;
  readonly checkpoints: CheckpointStore;
  readonly provenance: ProvenanceStore;
  readonly locks: LockStore;
  readonly retention: RetentionStore;

  private constructor(readonly db: Db, readonly file: string) {
    this.runs = new RunStore(db);
    this.plans = new PlanStore(db);
    this.intents = new IntentStore(db);
    this.identities = new IdentityStore(db);
    this.checkpoints = new CheckpointStore(db);
    this.provenance = new ProvenanceStore(db);
    this.locks = new LockStore(db);
    this.retention = new RetentionStore(db);
  }

  /** Opens (creating if needed) the ledger in `stateDir` and brings its schema up to date. */
  static open(stateDir: string): Ledger {
    const file = path.join(stateDir, 'state.db');
    let db: Db;
    try {
      fs.mkdirSync(stateDir, { recursive: true });
      db = new Database(file);
    } catch (error) {
      throw new ConfigError(`Cannot open the ledger at ${file}: ${(error as Error).message}.`, {
        action: 'Set MIGRATION_STATE_DIR to a writable directory.',
        cause: error,
      });
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return new Ledger(db, file);
  }

  /** Runs `fn` in one SQLite transaction. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** The schema version now in the database. */
  schemaVersion(): number {
    return (this.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function migrate(db: Db): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((row) => row.version),
  );
  const newest = Math.max(0, ...applied);
  const known = Math.max(...MIGRATIONS.map((m) => m.version));
  if (newest > known) {
    throw new ConfigError(`The ledger ${db.name} has schema version ${newest}, newer than this build knows (${known}).`, {
      action: 'Upgrade migration-mcp, or point MIGRATION_STATE_DIR at another directory.',
    });
  }
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.description,
        new Date().toISOString(),
      );
    })();
  }
}
