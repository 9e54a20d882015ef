import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteBatchStore } from '../../../src/stores/sqlite-batch-store.js';
import { makeTempDir } from '../../unit/engine/helpers/temp.js';
import { describeBatchStoreContract, makeLines } from './batch-store-contract.js';

const temps: Array<ReturnType<typeof makeTempDir>> = [];
afterEach(() => {
  for (const tmp of temps.splice(0)) tmp.cleanup();
});
function stateDir(): string {
  const tmp = makeTempDir('mmcp-batches-');
  temps.push(tmp);
  return tmp.dir;
}

describeBatchStoreContract('embedded SQLite', async () => SqliteBatchStore.open(stateDir()), 'sqlite');

describe('SqliteBatchStore', () => {
  it('keeps its batches in wpr_batches.db in the state dir, across reopening', async () => {
    const dir = stateDir();
    const store = SqliteBatchStore.open(dir);
    await store.writeBatch({ batch_id: '20240115120000', file: 'a.xlsx', sheet: 'S' }, makeLines(4));
    await store.close();
    expect(fs.existsSync(path.join(dir, 'wpr_batches.db'))).toBe(true);
    const reopened = SqliteBatchStore.open(dir);
    expect((await reopened.listBatches()).map((batch) => batch.batch_id)).toEqual(['20240115120000']);
    await reopened.close();
  });

  it('reads a batch as one snapshot even when it is replaced meanwhile', async () => {
    const store = SqliteBatchStore.open(stateDir());
    await store.writeBatch({ batch_id: 'b', file: null, sheet: null }, makeLines(5000, 4));
    const seen: string[] = [];
    for await (const line of store.readBatch('b')) {
      if (seen.length === 10) await store.writeBatch({ batch_id: 'b', file: null, sheet: null }, makeLines(7, 7, 'NEW'));
      seen.push(line.line_key);
    }
    expect(seen).toHaveLength(5000);
    expect((await store.getBatch('b'))?.lines).toBe(7);
    await store.close();
  });

  it('refuses a store written by a newer version', async () => {
    const dir = stateDir();
    (await SqliteBatchStore.open(dir)).close();
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(path.join(dir, 'wpr_batches.db'));
    db.pragma('user_version = 99');
    db.close();
    expect(() => SqliteBatchStore.open(dir)).toThrow(/schema version 99, newer than this build knows/);
  });
});
