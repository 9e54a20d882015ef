/** wpr_ingest_orders: a WPR Excel order report → one batch in the batch store (SQLite or InfluxDB). */
import { z } from 'zod';
import { BATCH_ID_PATTERN, defaultBatchId } from '../../pipelines/wpr/ingest/batch-id.js';
import { ingestNextAction, ingestWprOrders, WprIngestResultSchema } from '../../pipelines/wpr/ingest/ingest.js';
import { defineRunTool } from '../run-tool-definition.js';
import { waitSecondsArg } from '../run-tool.js';

export const wprIngestOrdersTool = defineRunTool({
  name: 'wpr_ingest_orders',
  toolset: 'wpr',
  title: 'Ingest WPR order report',
  description:
    'Reads a WPR order report (.xlsx, one row per order line) into a batch of the batch store (embedded SQLite, or InfluxDB when INFLUX_URL is set); re-ingesting the same batch_id replaces that batch, bad rows go to a rejects file with sheet, row and reason.',
  inputSchema: {
    file: z.string().min(1).describe('The order report workbook (.xlsx), inside MIGRATION_DATA_ROOTS.'),
    sheet: z.string().min(1).max(100).optional().describe('Sheet to read (default WP_Overall_Order_Report; a hidden sheet is read only when named here).'),
    batch_id: z
      .string()
      .regex(BATCH_ID_PATTERN, 'letters, digits, ".", "_" and "-", at most 64 characters')
      .optional()
      .describe('Batch to store the lines under (default the ingest time as YYYYMMDDHHMMSS, UTC); an existing batch with this id is replaced.'),
    wait_seconds: waitSecondsArg,
  },
  resultShape: WprIngestResultSchema.shape,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  paths: { file: {} },
  dryRun: () => false,
  validate: (args) => {
    // The default batch id is fixed when the run starts and stored with it, so a resume reuses it.
    args.batch_id ??= defaultBatchId();
  },
  execute: async (args, ctx) => {
    const result = await ingestWprOrders({ file: args.file, sheet: args.sheet, batchId: args.batch_id!, outputDir: ctx.config.outputDir }, ctx);
    return { result: { ...result }, nextAction: ingestNextAction(result) };
  },
});
