/** acc_warehouse_gap_report: mapped ACC ids vs ACC rows in dim.issue, by project (read-only). */
import { z } from 'zod';
import { ACC_GAP_REPORT_TOOL, runGapReport } from '../../pipelines/acc/gap.js';
import { defineTool } from '../tool-definition.js';
import { gapShape, importRunIdShape } from './shapes.js';

export const accWarehouseGapReportTool = defineTool({
  name: ACC_GAP_REPORT_TOOL,
  toolset: 'acc',
  title: 'ACC warehouse gap report',
  description:
    'Compares the mapped ACC issue ids of dbo.vw_acc_issue_id_map (PM_DB_URL) with the ACC rows of dim.issue (WAREHOUSE_DB_URL), overall and by project ("37 / 3,696 = 1.0 %"); reads only. Run it before and after acc_warehouse_backfill.',
  inputSchema: {},
  outputSchema: {
    ...gapShape.shape,
    rejected: z.number().describe('Rows of the view that are unusable (bad UUID or number, conflicting duplicates); not counted as mapped.'),
    import_run_id: importRunIdShape.nullable().describe('The latest successful ACC import run (what a backfill would stamp), or null when there is none.'),
    next_action: z.string().describe('What to do next.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (_input, ctx) => {
    const report = await runGapReport(ctx.deps.targets.acc(), ctx.signal);
    return { structured: { ...report }, text: `ACC coverage of dim.issue: ${report.coverage} (${report.missing} missing). ${report.next_action}` };
  },
});
