/** acc_warehouse_backfill: mapped ACC issues → dim.issue, set-based, only what differs, resumable. */
import { z } from 'zod';
import { ACC_BACKFILL_TOOL, DEFAULT_BATCH_SIZE, runAccBackfill } from '../../pipelines/acc/backfill.js';
import { defineRunTool } from '../run-tool-definition.js';
import { dryRunArg, planIdArg, waitSecondsArg } from '../run-tool.js';
import { gapShape, importRunIdShape } from './shapes.js';

const rowsShape = z.object({ acc_rows: z.number().describe('ACC rows in dim.issue.') });

export const accWarehouseBackfillTool = defineRunTool({
  name: ACC_BACKFILL_TOOL,
  toolset: 'acc',
  title: 'Backfill ACC issues into the warehouse',
  description:
    'Inserts the mapped ACC issues of dbo.vw_acc_issue_id_map (PM_DB_URL) that dim.issue (WAREHOUSE_DB_URL) lacks and updates those that differ, stamped with the latest successful ACC import_run_id, in set-based batches; a re-run writes nothing. Dry run by default; run it after the warehouse ETL.',
  inputSchema: {
    dry_run: dryRunArg,
    plan_id: planIdArg,
    batch_size: z.number().int().min(100).max(50_000).default(DEFAULT_BATCH_SIZE).describe(`Rows per batch (one transaction: stage, then one upsert). 100–50,000, default ${DEFAULT_BATCH_SIZE}.`),
    wait_seconds: waitSecondsArg,
  },
  resultShape: {
    source_rows: z.number().describe('Rows read from dbo.vw_acc_issue_id_map.'),
    rejected: z.number().describe('Source rows not written (bad UUID or number, too long for dim.issue, conflicting duplicates).'),
    rejects: z
      .array(
        z.object({
          issue_key: z.string().nullable().describe('issue_key of the view row.'),
          acc_issue_uuid: z.string().nullable().describe('Its ACC UUID as read.'),
          source_project_id: z.string().nullable().describe('Its project as read.'),
          reason: z.string().describe('Why it was not written.'),
        }),
      )
      .describe('Up to 20 rejected source rows.'),
    duplicates: z.number().describe('Exact duplicate source rows, written once.'),
    before: rowsShape.describe('dim.issue before the run.'),
    inserted: z.number().describe('Rows inserted (dry run: to insert).'),
    updated: z.number().describe('Rows whose values differed and were updated (dry run: to update).'),
    unchanged: z.number().describe('Rows already up to date (no write).'),
    after: rowsShape.describe('dim.issue after the run (dry run: as it would be).'),
    import_run_id: importRunIdShape,
    batch_size: z.number().describe('Rows per batch.'),
    batches: z.number().describe('Batches written (dry run: to write).'),
    unique_key_index: z.string().nullable().describe('The unique index on (source_system, source_issue_id, source_project_id), or null (then each batch locks dim.issue).'),
    display_id_column: z.boolean().describe('Whether dim.issue has a display_id column (display ids are written only then).'),
    samples: z
      .array(
        z.object({
          display_id: z.string().describe('ACC-<number>.'),
          source_issue_id: z.string().describe('ACC issue UUID.'),
          source_project_id: z.string().describe('ACC project id.'),
          action: z.enum(['insert', 'update']).describe('What the row needs (or got).'),
          changed_fields: z.array(z.string()).optional().describe('For updates: the values that differ.'),
        }),
      )
      .describe('Up to 20 rows to write, updates first.'),
    gap_before: gapShape.describe('The gap report before the run.'),
    gap_after: gapShape.nullable().describe('The gap report after the run (null for a dry run).'),
    warnings: z.array(z.string()).describe('Things to know (no unique index, no display_id column, rejected rows, resumed batches).'),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  execute: (args, ctx, deps) => runAccBackfill({ dryRun: args.dry_run, planId: args.plan_id, batchSize: args.batch_size }, ctx, deps.targets.acc()),
});
