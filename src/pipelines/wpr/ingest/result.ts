/**
 * The result of `wpr_ingest_orders` (DESIGN §6: `batch_id, rows_read, orders, line_items,
 * rejected, store`, plus where the rejects went and a bounded sample of them) and the sentence an
 * agent acts on next.
 */
import { z } from 'zod';

/** Rejects kept in a result (the rejects file has all of them). */
export const REJECT_SAMPLE = 20;

export const WprIngestResultSchema = z.object({
  batch_id: z.string().describe('The batch the lines were stored under (re-ingesting the same id replaced it).'),
  rows_read: z.number().int().describe('Non-empty data rows read below the header (line items + rejected).'),
  orders: z.number().int().describe('Distinct order ids stored.'),
  line_items: z.number().int().describe('Lines stored in the batch.'),
  rejected: z.number().int().describe('Rows rejected (see rejects_file): no Order ID or Line Item, unreadable date or number, duplicate line key.'),
  store: z.enum(['sqlite', 'influxdb']).describe('Where the batch is stored: sqlite (embedded, default) or influxdb (INFLUX_URL set).'),
  file: z.string().describe('The workbook read (absolute path).'),
  sheet: z.string().describe('The sheet read.'),
  header_row: z.number().int().describe('Sheet row of the header (rows above it are titles).'),
  rejects_file: z.string().describe('Absolute path of wpr_rejects_<batch_id>.csv (file, sheet, row, reason, raw).'),
  rejects: z
    .array(z.object({ sheet: z.string(), row: z.number().int(), reason: z.string() }))
    .describe(`The first ${REJECT_SAMPLE} rejected rows.`),
  warnings: z.array(z.string()).describe('Columns ignored or absent, and other things worth a look.'),
});

export type WprIngestResult = z.infer<typeof WprIngestResultSchema>;

/** What to do after an ingest. */
export function ingestNextAction(result: WprIngestResult): string {
  const apply = `run wpr_delta_apply with batch_id "${result.batch_id}" (a dry run by default) to plan the OpenProject changes`;
  if (result.line_items === 0) {
    return `No line was stored: check ${result.rejects_file} and the sheet '${result.sheet}', fix the workbook and ingest it again.`;
  }
  if (result.rejected > 0) {
    return `${result.rejected} row(s) were rejected: fix them in the workbook (see ${result.rejects_file}) and ingest again with the same batch_id, or ${apply}.`;
  }
  return `The batch is stored; ${apply}.`;
}
