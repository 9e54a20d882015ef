/** What every ledger store shares: the database handle type and small column helpers. */
import type Database from 'better-sqlite3';

export type Db = Database.Database;

/** ISO timestamp used by every store. */
export function nowIso(): string {
  return new Date().toISOString();
}

/** Parses a JSON column (null stays undefined). */
export function parseJson<T>(text: string | null | undefined): T | undefined {
  return text == null ? undefined : (JSON.parse(text) as T);
}
