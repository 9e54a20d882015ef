/** Durable run records: what ran, with which arguments, how far it got and how it ended. */
import type { Db } from './sqlite.js';
import { nowIso, parseJson } from './sqlite.js';

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

export interface RunError {
  kind: string;
  message: string;
  action: string;
}

export interface RunRecord {
  run_id: string;
  tool: string;
  status: RunStatus;
  dry_run: boolean;
  args: Record<string, unknown>;
  plan_id: string | null;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
  progress: Record<string, unknown> | null;
  result: Record<string, unknown> | null;
  error: RunError | null;
  report_json: string | null;
  report_md: string | null;
  owner_pid: number | null;
  owner_host: string | null;
  attempts: number;
}

interface RunRow {
  run_id: string;
  tool: string;
  status: RunStatus;
  dry_run: number;
  args_json: string;
  plan_id: string | null;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
  progress_json: string | null;
  result_json: string | null;
  error_json: string | null;
  report_json: string | null;
  report_md: string | null;
  owner_pid: number | null;
  owner_host: string | null;
  attempts: number;
}

export interface RunFilter {
  tool?: string;
  status?: RunStatus;
  limit?: number;
}

export class RunStore {
  constructor(private readonly db: Db) {}

  create(run: { run_id: string; tool: string; dry_run: boolean; args: Record<string, unknown>; owner_pid: number; owner_host: string }): void {
    const now = nowIso();
    this.db
      .prepare(
        `INSERT INTO runs (run_id, tool, status, dry_run, args_json, started_at, updated_at, owner_pid, owner_host)
         VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
      )
      .run(run.run_id, run.tool, run.dry_run ? 1 : 0, JSON.stringify(run.args), now, now, run.owner_pid, run.owner_host);
  }

  get(runId: string): RunRecord | undefined {
    const row = this.db.prepare('SELECT * FROM runs WHERE run_id = ?').get(runId) as RunRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  list(filter: RunFilter = {}): RunRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.tool) {
      where.push('tool = ?');
      params.push(filter.tool);
    }
    if (filter.status) {
      where.push('status = ?');
      params.push(filter.status);
    }
    params.push(filter.limit ?? 20);
    const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, run_id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params) as RunRow[]).map(toRecord);
  }

  /** Runs recorded as running (by any process). */
  listRunning(): RunRecord[] {
    return (this.db.prepare(`SELECT * FROM runs WHERE status = 'running'`).all() as RunRow[]).map(toRecord);
  }

  /** Marks a finished run running again for a resume by this process; false if another process did first. */
  reopen(runId: string, owner: { pid: number; host: string }): boolean {
    const info = this.db
      .prepare(
        `UPDATE runs SET status = 'running', finished_at = NULL, error_json = NULL, updated_at = ?,
         owner_pid = ?, owner_host = ?, attempts = attempts + 1 WHERE run_id = ? AND status <> 'running'`,
      )
      .run(nowIso(), owner.pid, owner.host, runId);
    return info.changes === 1;
  }

  setPlan(runId: string, planId: string | null): void {
    this.db.prepare('UPDATE runs SET plan_id = ?, updated_at = ? WHERE run_id = ?').run(planId, nowIso(), runId);
  }

  setProgress(runId: string, progress: Record<string, unknown>): void {
    this.db.prepare('UPDATE runs SET progress_json = ?, updated_at = ? WHERE run_id = ?').run(JSON.stringify(progress), nowIso(), runId);
  }

  finish(
    runId: string,
    outcome: { status: Exclude<RunStatus, 'running'>; result: Record<string, unknown> | null; error: RunError | null; progress?: Record<string, unknown> },
  ): void {
    const now = nowIso();
    this.db
      .prepare(
        `UPDATE runs SET status = ?, result_json = ?, error_json = ?, progress_json = COALESCE(?, progress_json),
         finished_at = ?, updated_at = ? WHERE run_id = ?`,
      )
      .run(
        outcome.status,
        outcome.result ? JSON.stringify(outcome.result) : null,
        outcome.error ? JSON.stringify(outcome.error) : null,
        outcome.progress ? JSON.stringify(outcome.progress) : null,
        now,
        now,
        runId,
      );
  }

  setReports(runId: string, reportJson: string, reportMd: string): void {
    this.db.prepare('UPDATE runs SET report_json = ?, report_md = ? WHERE run_id = ?').run(reportJson, reportMd, runId);
  }

  /** Removes a run record that never started (its job was busy). */
  delete(runId: string): void {
    this.db.prepare('DELETE FROM runs WHERE run_id = ?').run(runId);
  }

  /** Marks a run interrupted (its process died or the server is shutting down). */
  markInterrupted(runId: string, error: RunError): void {
    const now = nowIso();
    this.db
      .prepare(`UPDATE runs SET status = 'interrupted', error_json = ?, finished_at = ?, updated_at = ? WHERE run_id = ? AND status = 'running'`)
      .run(JSON.stringify(error), now, now, runId);
  }
}

function toRecord(row: RunRow): RunRecord {
  return {
    run_id: row.run_id,
    tool: row.tool,
    status: row.status,
    dry_run: row.dry_run === 1,
    args: parseJson<Record<string, unknown>>(row.args_json) ?? {},
    plan_id: row.plan_id,
    started_at: row.started_at,
    updated_at: row.updated_at,
    finished_at: row.finished_at,
    progress: parseJson(row.progress_json) ?? null,
    result: parseJson(row.result_json) ?? null,
    error: parseJson<RunError>(row.error_json) ?? null,
    report_json: row.report_json,
    report_md: row.report_md,
    owner_pid: row.owner_pid,
    owner_host: row.owner_host,
    attempts: row.attempts,
  };
}
