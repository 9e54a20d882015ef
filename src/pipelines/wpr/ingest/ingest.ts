/**
 * The WPR ingest (the seed's "Ingest: Excel → InfluxDB", tool `wpr_ingest_orders`): an order
 * report workbook → one batch in the batch store (embedded SQLite, or InfluxDB when configured),
 * with a rejects file and the provenance of every line.
 *
 * Read top to bottom: load the column map → open the store and the rejects file → stream the sheet
 * into the store (all or nothing: a failed or cancelled ingest leaves the store as it was) → commit
 * the rejects file → record provenance → result. Bad rows never stop the ingest; a file that is not
 * a workbook, an unknown sheet or a missing column stops it before anything is stored.
 */
import path from 'node:path';
import { loadWprColumns } from '../../../config/wpr-columns.js';
import { ValidationError } from '../../../engine/errors.js';
import type { RunContext } from '../../../engine/run-context.js';
import { OutputFile } from '../../../outputs/output-file.js';
import { RejectsWriter } from '../../../outputs/rejects-file.js';
import { openBatchStore } from '../../../stores/open-batch-store.js';
import { Warnings } from '../../../transform/warnings.js';
import { WprOrderReport, type WprHeaderInfo } from './order-report.js';
import { recordBatchProvenance } from './provenance.js';
import { REJECT_SAMPLE, type WprIngestResult } from './result.js';

export { ingestNextAction, WprIngestResultSchema, type WprIngestResult } from './result.js';

/** What to ingest. */
export interface WprIngestInput {
  /** Absolute path of the workbook (checked against the data roots by the caller). */
  file: string;
  /** Sheet name; default WP_Overall_Order_Report. */
  sheet?: string | undefined;
  batchId: string;
  /** Where the rejects file goes (checked against the data roots here). */
  outputDir: string;
}

/** The parts of a run context the ingest uses. */
export type WprIngestContext = Pick<RunContext, 'runId' | 'signal' | 'progress' | 'logger' | 'config' | 'ledger'>;

const REJECT_COLUMNS = ['file', 'sheet', 'row', 'reason', 'raw'] as const;

/** Ingests one order report into the batch store (see the module header). */
export async function ingestWprOrders(input: WprIngestInput, ctx: WprIngestContext): Promise<WprIngestResult> {
  const { config, signal, progress, logger } = ctx;
  const fileName = path.basename(input.file);

  // 1. Configuration: the column map (a bad wpr_columns.json stops here).
  const columns = await loadWprColumns(config.configDir);

  // 2. The store and the rejects file (a temporary file until the batch is stored).
  const store = openBatchStore(config);
  const rejectsPath = config.sandbox.resolve(path.join(input.outputDir, `wpr_rejects_${input.batchId}.csv`), 'rejects file');
  const output = await OutputFile.create(rejectsPath);
  try {
    const rejects = new RejectsWriter<(typeof REJECT_COLUMNS)[number], { sheet: string; row: number; reason: string }>(output, {
      columns: REJECT_COLUMNS,
      rawColumn: 'raw',
      sampleSize: REJECT_SAMPLE,
    });
    const warnings = new Warnings((message) => logger.warn(`wpr_ingest_orders: ${message}`));
    let header: WprHeaderInfo | undefined;
    progress.start(`reading ${fileName}`);
    const report = new WprOrderReport({
      file: input.file,
      sheet: input.sheet,
      columns,
      signal,
      onReject: ({ file, sheet, row, reason, raw }) => void rejects.add({ file, sheet, row, reason, raw }),
      onHeader: (info) => {
        header = info;
        progress.start(`reading ${fileName} sheet '${info.sheet}' (rows of the sheet)`, info.lastRow);
        progress.set(info.headerRow);
        if (info.unknown.length > 0) warnings.add(`ignored column(s) ${info.unknown.map((h) => `'${h}'`).join(', ')} (not in config/wpr_columns.json)`);
        if (info.absent.length > 0) warnings.add(`no column for ${info.absent.join(', ')}: stored as empty values`);
      },
      onProgress: (row) => progress.set(row),
      afterBatch: () => output.flushIfFull(),
    });

    // 3. The sheet, streamed into the store in one atomic write. A sheet with no storable line
    //    fails the write, so an earlier batch of the same id is not replaced by nothing. The
    //    store reads `sheet` once the lines are written, when the sheet read is known.
    async function* storableLines() {
      yield* report.lines();
      if (report.lineCount === 0) {
        await output.commit();
        throw new ValidationError(
          `${fileName} sheet '${report.sheet ?? input.sheet ?? ''}': no line could be stored (${report.rowsRead} row(s) read, ${report.rejected} rejected), so batch ${input.batchId} was not written.`,
          { action: `See why in ${rejectsPath}, fix the workbook (or pass the right sheet) and run again.`, details: { file: fileName, rejects_file: rejectsPath } },
        );
      }
    }
    const meta = { batch_id: input.batchId, file: fileName, get sheet() { return report.sheet ?? input.sheet ?? null; } };
    const summary = await store.writeBatch(meta, storableLines(), signal);
    await output.commit();
    logger.info(`wpr_ingest_orders: stored ${summary.lines} lines of ${summary.orders} orders as batch ${input.batchId} (${store.kind}); ${report.rejected} rejected`);

    // 4. Provenance of every stored line, for explain_record.
    progress.start(`recording provenance of batch ${input.batchId}`, summary.lines);
    await recordBatchProvenance(store, input.batchId, ctx);

    return {
      batch_id: input.batchId,
      rows_read: report.rowsRead,
      orders: summary.orders,
      line_items: summary.lines,
      rejected: report.rejected,
      store: store.kind,
      file: input.file,
      sheet: report.sheet ?? header?.sheet ?? input.sheet ?? '',
      header_row: header?.headerRow ?? 0,
      rejects_file: rejectsPath,
      rejects: rejects.samples.map(({ sheet, row, reason }) => ({ sheet, row, reason })),
      warnings: warnings.list(),
    };
  } finally {
    await output.abort();
    await store.close();
  }
}
