/** The ProjectManagement side on SQL Server: preflight of the view and a row stream of it. */
import type { DbUrl } from '../connection-url.js';
import { requireColumns } from '../preflight.js';
import { ACC_VIEW, VIEW_COLUMNS } from '../schema.js';
import type { AccSourceRow, PmSource } from '../types.js';
import { listMssqlColumns } from './catalog.js';
import { createMssqlDriver, type MssqlDriver } from './driver.js';
import { MSSQL_READ_VIEW_SQL } from './statements.js';

interface ViewRow {
  issue_key: string | null;
  acc_issue_number: string | null;
  acc_issue_uuid: string | null;
  source_project_id: string | null;
  acc_title: string | null;
}

/** Mapped ACC issues from `dbo.vw_acc_issue_id_map` on SQL Server. */
export class MssqlPmSource implements PmSource {
  readonly dialect = 'mssql' as const;
  readonly display: string;

  constructor(
    private readonly db: DbUrl,
    private readonly driver: MssqlDriver = createMssqlDriver(db),
  ) {
    this.display = db.display;
  }

  async preflight(): Promise<void> {
    requireColumns(this.db, ACC_VIEW, await listMssqlColumns(this.driver, this.db, ACC_VIEW), VIEW_COLUMNS, 'view');
  }

  async *readMapped(): AsyncIterable<AccSourceRow> {
    for await (const row of this.driver.stream<ViewRow>(MSSQL_READ_VIEW_SQL, {}, 'read dbo.vw_acc_issue_id_map')) {
      yield { issueKey: row.issue_key, number: row.acc_issue_number, uuid: row.acc_issue_uuid, projectId: row.source_project_id, title: row.acc_title };
    }
  }

  async close(): Promise<void> {
    await this.driver.close();
  }
}
