/** Stored plans: what a dry run decided for every record, so an apply can execute exactly that. */
import type { Db } from './sqlite.js';
import { nowIso, parseJson } from './sqlite.js';

export interface PlanItem<D = unknown> {
  key: string;
  action: string;
  reason?: string | undefined;
  target_id?: string | null | undefined;
  content_hash?: string | undefined;
  /** Everything the apply needs for this record (payload, source, changed fields…). */
  data: D;
}

export interface PlanHeader {
  plan_id: string;
  tool: string;
  run_id: string;
  created_at: string;
  /** Hash of the target state the plan was computed against. */
  fingerprint: string;
  /** Hash of the inputs (files, mappings) the plan was computed from. */
  inputs_hash: string | null;
  summary: Record<string, unknown>;
  item_count: number;
}

export class PlanStore {
  constructor(private readonly db: Db) {}

  /** Saves a plan and its items, replacing an earlier save of the same plan id. */
  save(plan: { plan_id: string; tool: string; run_id: string; fingerprint: string; inputs_hash: string; summary: Record<string, unknown>; items: readonly PlanItem[] }): void {
    const insertItem = this.db.prepare(
      `INSERT INTO plan_items (plan_id, seq, item_key, action, reason, target_id, content_hash, data_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM plan_items WHERE plan_id = ?').run(plan.plan_id);
      this.db
        .prepare(
          `INSERT OR REPLACE INTO plans (plan_id, tool, run_id, created_at, fingerprint, inputs_hash, summary_json, item_count)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(plan.plan_id, plan.tool, plan.run_id, nowIso(), plan.fingerprint, plan.inputs_hash, JSON.stringify(plan.summary), plan.items.length);
      plan.items.forEach((item, seq) =>
        insertItem.run(plan.plan_id, seq, item.key, item.action, item.reason ?? null, item.target_id ?? null, item.content_hash ?? null, JSON.stringify(item.data)),
      );
    })();
  }

  get(planId: string): PlanHeader | undefined {
    const row = this.db.prepare('SELECT * FROM plans WHERE plan_id = ?').get(planId) as
      | (Omit<PlanHeader, 'summary'> & { summary_json: string })
      | undefined;
    if (!row) return undefined;
    const { summary_json, ...rest } = row;
    return { ...rest, summary: parseJson<Record<string, unknown>>(summary_json) ?? {} };
  }

  items<D = unknown>(planId: string): PlanItem<D>[] {
    const rows = this.db
      .prepare('SELECT item_key, action, reason, target_id, content_hash, data_json FROM plan_items WHERE plan_id = ? ORDER BY seq')
      .all(planId) as { item_key: string; action: string; reason: string | null; target_id: string | null; content_hash: string | null; data_json: string }[];
    return rows.map((row) => ({
      key: row.item_key,
      action: row.action,
      reason: row.reason ?? undefined,
      target_id: row.target_id,
      content_hash: row.content_hash ?? undefined,
      data: JSON.parse(row.data_json) as D,
    }));
  }
}
