/**
 * Checkpoints: small named values a run commits as it goes (a finished step of a full cycle, a
 * cursor), so a resumed run skips what is done. `reset_checkpoints` clears them per tool.
 */
import type { Db } from './sqlite.js';
import { nowIso, parseJson } from './sqlite.js';

export interface Checkpoint {
  job: string;
  run_id: string;
  cp_key: string;
  value: unknown;
  updated_at: string;
}

export class CheckpointStore {
  constructor(private readonly db: Db) {}

  get<T>(runId: string, key: string): T | undefined {
    const row = this.db.prepare('SELECT value_json FROM checkpoints WHERE run_id = ? AND cp_key = ?').get(runId, key) as { value_json: string } | undefined;
    return parseJson<T>(row?.value_json);
  }

  set(job: string, runId: string, key: string, value: unknown): void {
    this.db
      .prepare(
        `INSERT INTO checkpoints (job, run_id, cp_key, value_json, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (run_id, cp_key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at`,
      )
      .run(job, runId, key, JSON.stringify(value), nowIso());
  }

  /** Every checkpoint of a run, by key. */
  forRun(runId: string): Record<string, unknown> {
    const rows = this.db.prepare('SELECT cp_key, value_json FROM checkpoints WHERE run_id = ? ORDER BY cp_key').all(runId) as { cp_key: string; value_json: string }[];
    return Object.fromEntries(rows.map((row) => [row.cp_key, JSON.parse(row.value_json) as unknown]));
  }

  /** Checkpoints of a job (tool), newest first. */
  listForJob(job: string): Checkpoint[] {
    const rows = this.db.prepare('SELECT * FROM checkpoints WHERE job = ? ORDER BY updated_at DESC').all(job) as (Omit<Checkpoint, 'value'> & { value_json: string })[];
    return rows.map(({ value_json, ...rest }) => ({ ...rest, value: JSON.parse(value_json) as unknown }));
  }

  /** Deletes every checkpoint of a job; returns how many were deleted. */
  clearJob(job: string): number {
    return this.db.prepare('DELETE FROM checkpoints WHERE job = ?').run(job).changes;
  }
}
