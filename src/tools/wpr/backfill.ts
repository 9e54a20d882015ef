/** wpr_backfill: ingest a WPR workbook, then write every order to OpenProject (only what differs). */
import { z } from 'zod';
import { ValidationError } from '../../engine/errors.js';
import { BATCH_ID_PATTERN, defaultBatchId } from '../../pipelines/wpr/ingest/batch-id.js';
import { WprIngestResultSchema } from '../../pipelines/wpr/ingest/ingest.js';
import { BACKFILL_TOOL } from '../../pipelines/wpr/delta.js';
import { runWprBackfill } from '../../runbooks/wpr-backfill.js';
import { openBatchStore } from '../../stores/open-batch-store.js';
import { defineRunTool } from '../run-tool-definition.js';
import { applyArgs } from './delta-apply.js';
import { applyResultShape } from './shapes.js';

export const wprBackfillTool = defineRunTool({
  name: BACKFILL_TOOL,
  toolset: 'wpr',
  title: 'Backfill a WPR workbook into OpenProject',
  description:
    'Ingests a WPR order report (unless skip_ingest), then verifies every order on OpenProject and writes what is missing or different (one Epic per order and project, one User story per line), with parallel workers. Dry run by default.',
  inputSchema: {
    file: z.string().optional().describe('The order report workbook (.xlsx), inside MIGRATION_DATA_ROOTS; required unless skip_ingest.'),
    sheet: z.string().min(1).max(100).optional().describe('Sheet to read (default WP_Overall_Order_Report).'),
    batch_id: z
      .string()
      .regex(BATCH_ID_PATTERN, 'letters, digits, ".", "_" and "-", at most 64 characters')
      .optional()
      .describe('Batch to store the lines under and apply (default the ingest time, YYYYMMDDHHMMSS); required with skip_ingest.'),
    skip_ingest: z.boolean().default(false).describe('The batch is already stored: apply it without reading the workbook again.'),
    ...applyArgs,
  },
  resultShape: { ...applyResultShape, ingest: WprIngestResultSchema.nullable().describe('What the ingest read from the workbook (null with skip_ingest).') },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  paths: { file: {}, registry: { kind: 'mapping' } },
  validate: (args) => {
    if (args.skip_ingest && !args.batch_id) throw new ValidationError('skip_ingest needs the batch_id of a stored batch.', { action: 'Pass batch_id (see the migration://wpr/batches resource), or drop skip_ingest to ingest the file.' });
    if (!args.skip_ingest && !args.file) throw new ValidationError('wpr_backfill needs the workbook to ingest.', { action: 'Pass file (an .xlsx inside MIGRATION_DATA_ROOTS), or skip_ingest with the batch_id of a stored batch.' });
    // The default batch id is fixed when the run starts and stored with it, so a resume reuses it.
    args.batch_id ??= defaultBatchId();
  },
  execute: async (args, ctx, deps) => {
    const store = openBatchStore(deps.config);
    try {
      return await runWprBackfill(
        { file: args.file, sheet: args.sheet, batchId: args.batch_id!, skipIngest: args.skip_ingest, registryFile: args.registry, dryRun: args.dry_run, planId: args.plan_id, workers: args.workers },
        ctx,
        { store, openproject: deps.targets.openproject({ logger: ctx.logger }), configDir: deps.config.configDir },
      );
    } finally {
      await store.close();
    }
  },
});
