import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../src/engine/errors.js';
import { Ledger } from '../../../../src/engine/ledger/ledger.js';
import { MIGRATIONS } from '../../../../src/engine/ledger/schema.js';
import { makeTempDir } from '../helpers/temp.js';

let tmp: ReturnType<typeof makeTempDir>;
const opened: Ledger[] = [];
const open = (dir: string) => {
  const ledger = Ledger.open(dir);
  opened.push(ledger);
  return ledger;
};
beforeEach(() => {
  tmp = makeTempDir();
});
afterEach(() => {
  for (const ledger of opened.splice(0)) ledger.close();
  tmp.cleanup();
});

const newestSchema = Math.max(...MIGRATIONS.map((m) => m.version));

const REF = { system: 'innergy', scope: 'https://app.innergy.com', kind: 'project' };

describe('Ledger.open', () => {
  it('creates the state directory and state.db, in WAL mode, at the newest schema version', () => {
    const stateDir = path.join(tmp.dir, 'nested', 'var');
    const ledger = open(stateDir);
    expect(ledger.file).toBe(path.join(stateDir, 'state.db'));
    expect(fs.existsSync(ledger.file)).toBe(true);
    expect(ledger.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(ledger.schemaVersion()).toBe(newestSchema);
  });

  it('applies each schema migration once, however often the ledger is opened', () => {
    open(tmp.dir).close();
    const again = open(tmp.dir);
    const rows = again.db.prepare('SELECT version FROM schema_migrations').all();
    expect(rows).toHaveLength(MIGRATIONS.length);
    expect(again.schemaVersion()).toBe(newestSchema);
  });

  it('refuses a ledger written by a newer build', () => {
    const ledger = open(tmp.dir);
    ledger.db.prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)').run(newestSchema + 1, 'from the future', new Date().toISOString());
    ledger.close();
    expect(() => open(tmp.dir)).toThrow(ConfigError);
    expect(() => open(tmp.dir)).toThrow(/newer than this build knows/);
  });

  it('an unusable state directory is a ConfigError telling to set MIGRATION_STATE_DIR', () => {
    const file = path.join(tmp.dir, 'a-file');
    fs.writeFileSync(file, '');
    let caught: unknown;
    try {
      open(path.join(file, 'var'));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).action).toMatch(/MIGRATION_STATE_DIR/);
  });

  it('keeps what was written across close and reopen', () => {
    const ledger = open(tmp.dir);
    ledger.identities.upsert(REF, 'J-1', 'P-1', 'h1', 'r-1');
    ledger.close();
    expect(open(tmp.dir).identities.get(REF, 'J-1')?.target_id).toBe('P-1');
  });

  it('a transaction that throws leaves nothing behind', () => {
    const ledger = open(tmp.dir);
    expect(() =>
      ledger.transaction(() => {
        ledger.identities.upsert(REF, 'J-1', 'P-1', null, null);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(ledger.identities.get(REF, 'J-1')).toBeUndefined();
  });

  it('a transaction returns the value of its function', () => {
    const ledger = open(tmp.dir);
    expect(ledger.transaction(() => 42)).toBe(42);
  });

  it('close can be called twice', () => {
    const ledger = open(tmp.dir);
    ledger.close();
    expect(() => ledger.close()).not.toThrow();
  });

  it('two connections to the same ledger see each other\'s commits', () => {
    const first = open(tmp.dir);
    const second = open(tmp.dir);
    first.checkpoints.set('job', 'r-1', 'cursor', { page: 3 });
    expect(second.checkpoints.get('r-1', 'cursor')).toEqual({ page: 3 });
  });
});
