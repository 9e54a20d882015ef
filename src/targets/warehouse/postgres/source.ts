/** The ProjectManagement side on PostgreSQL: preflight of the view and a COPY stream of its rows. */
import type pg from 'pg';
import type { DbUrl } from '../connection-url.js';
import { requireColumns } from '../preflight.js';
import { ACC_VIEW, VIEW_COLUMNS } from '../schema.js';
import type { AccSourceRow, PmSource } from '../types.js';
import { copyOut, createPgPool, listColumns } from './pool.js';
import { READ_VIEW_SQL } from './statements.js';

/** Mapped ACC issues from `dbo.vw_acc_issue_id_map` on PostgreSQL. */
export class PostgresPmSource implements PmSource {
  readonly dialect = 'postgres' as const;
  readonly display: string;
  private readonly pool: pg.Pool;

  constructor(private readonly db: DbUrl) {
    this.display = db.display;
    this.pool = createPgPool(db, 1);
  }

  async preflight(): Promise<void> {
    requireColumns(this.db, ACC_VIEW, await listColumns(this.pool, this.db, ACC_VIEW), VIEW_COLUMNS, 'view');
  }

  async *readMapped(signal?: AbortSignal): AsyncIterable<AccSourceRow> {
    for await (const [issueKey, number, uuid, projectId, title] of copyOut(this.pool, this.db, 'read dbo.vw_acc_issue_id_map', READ_VIEW_SQL, signal)) {
      yield { issueKey: issueKey ?? null, number: number ?? null, uuid: uuid ?? null, projectId: projectId ?? null, title: title ?? null };
    }
  }

  async close(): Promise<void> {
    if (!this.pool.ended && !this.pool.ending) await this.pool.end();
  }
}
