/**
 * The embedded WPR batch store (the default): a SQLite database of its own,
 * `<MIGRATION_STATE_DIR>/wpr_batches.db` (WAL), beside the ledger rather than in it, because a
 * batch is written in one long transaction that must not hold the ledger's write lock.
 *
 * - `writeBatch` opens its own connection and writes the whole batch in one `BEGIN IMMEDIATE`
 *   transaction (old lines of the same batch id deleted first): readers see the previous batch or
 *   the new one, never half of it, and a killed process (even `kill -9`) leaves the previous state,
 *   since SQLite discards an uncommitted transaction on the next open.
 * - A line's fields are stored as canonical JSON, so its content hash (provenance) needs no parse;
 *   its file and sheet only when they differ from the batch's (they seldom do: less to write).
 * - Lines live in one B-tree keyed (batch, order id, line sort key, line key): read order is key
 *   order, and one index to maintain keeps 100k-line ingests close to the speed of reading the
 *   workbook. Line keys are unique within a batch by construction (the ingest rejects duplicates).
 * - `readBatch` reads on its own connection inside a read transaction (one snapshot even when a
 *   re-ingest commits meanwhile), in pages by keyset (order id, line sort key, line key), so the
 *   store's connection stays free for other calls while a consumer works through the lines.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError, throwIfCancelled } from '../engine/errors.js';
import { canonicalFieldsJson, hashOrders, lineContentHash, lineSortKey, type BatchStore, type BatchSummary, type LineSource, type WprLine, type WprValue } from './batch-store.js';

/** The store's file name in the state dir. */
export const SQLITE_BATCH_FILE = 'wpr_batches.db';

const SCHEMA_VERSION = 1;
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS wpr_batches (
    batch_id   TEXT PRIMARY KEY,
    file       TEXT,
    sheet      TEXT,
    lines      INTEGER NOT NULL,
    orders     INTEGER NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS wpr_lines (
    batch_id     TEXT NOT NULL,
    line_key     TEXT NOT NULL,
    order_id     TEXT NOT NULL,
    line_sort    TEXT NOT NULL,
    line_item    TEXT NOT NULL,
    product      TEXT NOT NULL,
    fields_json  TEXT NOT NULL,
    source_file  TEXT,
    source_sheet TEXT,
    source_row   INTEGER NOT NULL,
    PRIMARY KEY (batch_id, order_id, line_sort, line_key)
  ) WITHOUT ROWID;
`;

const PAGE = 2000;
const CANCEL_EVERY = 4096;

interface LineRow {
  line_key: string;
  order_id: string;
  line_sort: string;
  line_item: string;
  product: string;
  fields_json: string;
  source_file: string | null;
  source_sheet: string | null;
  batch_file: string | null;
  batch_sheet: string | null;
  source_row: number;
}

type Db = Database.Database;

function openDb(file: string, readonly = false): Db {
  const db = new Database(file, { readonly });
  if (!readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('busy_timeout = 5000');
  return db;
}

/** WPR batches in an embedded SQLite database. */
export class SqliteBatchStore implements BatchStore {
  readonly kind = 'sqlite' as const;

  private constructor(private readonly db: Db, readonly file: string) {}

  /** Opens (creating if needed) the store in `stateDir`. */
  static open(stateDir: string): SqliteBatchStore {
    const file = path.join(stateDir, SQLITE_BATCH_FILE);
    let db: Db;
    try {
      fs.mkdirSync(stateDir, { recursive: true });
      db = openDb(file);
    } catch (error) {
      throw new ConfigError(`Cannot open the WPR batch store at ${file}: ${(error as Error).message}.`, {
        action: 'Set MIGRATION_STATE_DIR to a writable directory.',
        cause: error,
      });
    }
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      db.close();
      throw new ConfigError(`The WPR batch store ${file} has schema version ${version}, newer than this build knows (${SCHEMA_VERSION}).`, {
        action: 'Upgrade migration-mcp, or point MIGRATION_STATE_DIR at another directory.',
      });
    }
    db.exec(SCHEMA);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    return new SqliteBatchStore(db, file);
  }

  async writeBatch(
    batch: { batch_id: string; file: string | null; sheet: string | null },
    lines: AsyncIterable<WprLine> | Iterable<WprLine>,
    signal?: AbortSignal,
  ): Promise<BatchSummary> {
    const db = openDb(this.file);
    db.pragma('cache_size = -65536'); // 64 MiB: a 100k-line batch stays in cache until commit
    try {
      db.exec('BEGIN IMMEDIATE');
      db.prepare('DELETE FROM wpr_lines WHERE batch_id = ?').run(batch.batch_id);
      const insert = db.prepare(
        `INSERT INTO wpr_lines (batch_id, line_key, order_id, line_sort, line_item, product, fields_json, source_file, source_sheet, source_row)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      let count = 0;
      for await (const line of lines) {
        insert.run(
          batch.batch_id,
          line.line_key,
          line.order_id,
          lineSortKey(line.line_item),
          line.line_item,
          line.product,
          canonicalFieldsJson(line.fields),
          line.source.file === batch.file ? null : line.source.file,
          line.source.sheet === batch.sheet ? null : line.source.sheet,
          line.source.row,
        );
        if (++count % CANCEL_EVERY === 0) throwIfCancelled(signal);
      }
      throwIfCancelled(signal);
      const orders = (db.prepare('SELECT COUNT(DISTINCT order_id) AS n FROM wpr_lines WHERE batch_id = ?').get(batch.batch_id) as { n: number }).n;
      const summary: BatchSummary = { batch_id: batch.batch_id, store: 'sqlite', file: batch.file, sheet: batch.sheet, lines: count, orders, created_at: new Date().toISOString() };
      db.prepare(
        `INSERT INTO wpr_batches (batch_id, file, sheet, lines, orders, created_at) VALUES (@batch_id, @file, @sheet, @lines, @orders, @created_at)
         ON CONFLICT (batch_id) DO UPDATE SET file = excluded.file, sheet = excluded.sheet, lines = excluded.lines, orders = excluded.orders, created_at = excluded.created_at`,
      ).run(summary);
      db.exec('COMMIT');
      return summary;
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    } finally {
      db.close();
    }
  }

  async listBatches(): Promise<BatchSummary[]> {
    const rows = this.db.prepare('SELECT * FROM wpr_batches ORDER BY created_at DESC, batch_id DESC').all() as Omit<BatchSummary, 'store'>[];
    return rows.map((row) => ({ ...row, store: 'sqlite' }));
  }

  async getBatch(batchId: string): Promise<BatchSummary | undefined> {
    const row = this.db.prepare('SELECT * FROM wpr_batches WHERE batch_id = ?').get(batchId) as Omit<BatchSummary, 'store'> | undefined;
    return row === undefined ? undefined : { ...row, store: 'sqlite' };
  }

  async *readBatch(batchId: string, signal?: AbortSignal): AsyncIterable<WprLine> {
    for await (const row of this.pages(batchId, signal)) yield toLine(row);
  }

  async *lineSources(batchId: string, signal?: AbortSignal): AsyncIterable<LineSource> {
    // fields_json is stored canonical, so the hash needs no parse (see lineContentHash).
    for await (const row of this.pages(batchId, signal)) {
      yield { line_key: row.line_key, source: sourceOf(row), content_hash: lineContentHash(row, row.fields_json) };
    }
  }

  /**
   * The rows of a batch in key order, read in pages on a connection of their own (one snapshot),
   * with the batch's file and sheet (a line's own are stored only when they differ).
   */
  private async *pages(batchId: string, signal?: AbortSignal): AsyncGenerator<LineRow> {
    const db = openDb(this.file, true);
    try {
      db.exec('BEGIN');
      const select = 'SELECT l.*, b.file AS batch_file, b.sheet AS batch_sheet FROM wpr_lines l JOIN wpr_batches b ON b.batch_id = l.batch_id WHERE l.batch_id = ?';
      const order = `ORDER BY l.order_id, l.line_sort, l.line_key LIMIT ${PAGE}`;
      const first = db.prepare(`${select} ${order}`);
      const next = db.prepare(`${select} AND (l.order_id, l.line_sort, l.line_key) > (?, ?, ?) ${order}`);
      let page = first.all(batchId) as LineRow[];
      while (page.length > 0) {
        yield* page;
        throwIfCancelled(signal);
        if (page.length < PAGE) break;
        const last = page[page.length - 1]!;
        page = next.all(batchId, last.order_id, last.line_sort, last.line_key) as LineRow[];
      }
    } finally {
      if (db.inTransaction) db.exec('COMMIT');
      db.close();
    }
  }

  async orderHashes(batchId: string, signal?: AbortSignal): Promise<Map<string, string>> {
    return hashOrders(this.readBatch(batchId, signal));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function toLine(row: LineRow): WprLine {
  return {
    line_key: row.line_key,
    order_id: row.order_id,
    line_item: row.line_item,
    product: row.product,
    fields: JSON.parse(row.fields_json) as Record<string, WprValue>,
    source: sourceOf(row),
  };
}

function sourceOf(row: LineRow): WprLine['source'] {
  return { file: row.source_file ?? row.batch_file ?? '', sheet: row.source_sheet ?? row.batch_sheet ?? '', row: row.source_row };
}
