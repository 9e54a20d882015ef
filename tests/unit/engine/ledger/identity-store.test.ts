import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../../../src/engine/ledger/ledger.js';
import { MIGRATIONS } from '../../../../src/engine/ledger/schema.js';
import { useTempLedger } from '../helpers/temp.js';

const useLedger = useTempLedger();
const A = { system: 'innergy', scope: 'https://a.innergy.com', kind: 'project' };
const B = { system: 'innergy', scope: 'https://b.innergy.com', kind: 'project' };

describe('IdentityStore', () => {
  it('maps (system, scope, kind, external key) to a target id with its hash and run', () => {
    useLedger().identities.upsert(A, 'J-1', 'P-1', 'h1', 'r-1');
    expect(useLedger().identities.get(A, 'J-1')).toMatchObject({ system: 'innergy', scope: A.scope, kind: 'project', ext_key: 'J-1', target_id: 'P-1', content_hash: 'h1', last_run_id: 'r-1' });
    expect(useLedger().identities.get({ ...A, kind: 'material' }, 'J-1')).toBeUndefined();
    expect(useLedger().identities.get({ ...A, system: 'openproject' }, 'J-1')).toBeUndefined();
  });

  it('keeps the ids of two instances of one system apart', () => {
    useLedger().identities.upsert(A, 'J-1', 'P-1', null, null);
    useLedger().identities.upsert(B, 'J-1', 'P-900', null, null);
    expect(useLedger().identities.get(A, 'J-1')?.target_id).toBe('P-1');
    expect(useLedger().identities.get(B, 'J-1')?.target_id).toBe('P-900');
    expect(useLedger().identities.all(A).size).toBe(1);
  });

  it('an upsert replaces the identity of the same key', () => {
    useLedger().identities.upsert(A, 'J-1', 'P-1', 'h1', 'r-1');
    useLedger().identities.upsert(A, 'J-1', 'P-2', 'h2', 'r-2');
    expect(useLedger().identities.get(A, 'J-1')).toMatchObject({ target_id: 'P-2', content_hash: 'h2', last_run_id: 'r-2' });
    expect(useLedger().identities.all(A).size).toBe(1);
  });

  it('all() returns one kind by external key; byKey() searches every system, scope and kind', () => {
    useLedger().identities.upsert(A, 'J-1', 'P-1', null, null);
    useLedger().identities.upsert(A, 'J-2', 'P-2', null, null);
    useLedger().identities.upsert({ system: 'openproject', scope: 'https://op', kind: 'epic' }, 'J-1', 'WP-9', null, null);
    expect([...useLedger().identities.all(A).keys()].sort()).toEqual(['J-1', 'J-2']);
    expect(useLedger().identities.byKey('J-1').map((identity) => `${identity.system}/${identity.kind}=${identity.target_id}`)).toEqual(['innergy/project=P-1', 'openproject/epic=WP-9']);
  });

  it('forget removes one identity', () => {
    useLedger().identities.upsert(A, 'J-1', 'P-1', null, null);
    useLedger().identities.forget(A, 'J-1');
    expect(useLedger().identities.get(A, 'J-1')).toBeUndefined();
  });

  it('claimUnscoped gives identities recorded before scopes to the configured instance, once', () => {
    const legacy = { ...A, scope: '' };
    useLedger().identities.upsert(legacy, 'J-1', 'P-1', null, null);
    useLedger().identities.upsert(legacy, 'J-2', 'P-2', null, null);
    useLedger().identities.upsert(A, 'J-2', 'P-22', null, null);
    expect(useLedger().identities.claimUnscoped('innergy', A.scope)).toBe(1);
    expect(useLedger().identities.get(A, 'J-1')?.target_id).toBe('P-1');
    expect(useLedger().identities.get(A, 'J-2')?.target_id).toBe('P-22');
    expect(useLedger().identities.claimUnscoped('innergy', B.scope)).toBe(0);
  });
});

describe('ledger migration 3 (identities per instance)', () => {
  it('keeps the identities of a ledger written by the previous version, unscoped until claimed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-v2-'));
    try {
      const db = new Database(path.join(dir, 'state.db'));
      db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)');
      for (const migration of MIGRATIONS.filter((m) => m.version <= 2)) {
        db.exec(migration.sql);
        db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(migration.version, migration.description, new Date().toISOString());
      }
      db.prepare(`INSERT INTO identities (system, kind, ext_key, target_id, content_hash, last_run_id, updated_at) VALUES ('innergy', 'project', 'J-1', 'P-1', 'h', 'r-0', '2024-01-01')`).run();
      db.close();
      const ledger = Ledger.open(dir);
      expect(ledger.schemaVersion()).toBeGreaterThanOrEqual(3);
      expect(ledger.identities.get({ ...A, scope: '' }, 'J-1')?.target_id).toBe('P-1');
      ledger.identities.claimUnscoped('innergy', A.scope);
      expect(ledger.identities.get(A, 'J-1')).toMatchObject({ target_id: 'P-1', content_hash: 'h', last_run_id: 'r-0' });
      ledger.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
