/**
 * The state one ETL run shares between its steps (counts, rejects, warnings, the work orders
 * waiting for their project, output files) and the read loop every step uses: stream an export
 * file in batches, send unreadable rows to the rejects file, report progress, honour cancellation
 * and flush outputs between batches.
 */
import path from 'node:path';
import type { RunContext } from '../../engine/run-context.js';
import { throwIfCancelled } from '../../engine/errors.js';
import { CsvReader, type CsvColumnSpec, type CsvHeaderInfo, type CsvRecordRow } from '../../sources/csv/index.js';
import type { CanonicalWorkOrder } from '../../sources/canonical/schema.js';
import type { OutputFile } from '../../outputs/output-file.js';
import type { PpakEntity } from './discover.js';
import type { RejectsWriter } from '../../outputs/rejects-file.js';
import type { EntityCounts, ProjectCounts } from './result.js';
import type { TransformContext } from './transform.js';

/** A work order read from the export, waiting for its project. */
export interface PendingWorkOrder {
  order: CanonicalWorkOrder;
  file: string;
  line: number;
  raw: string;
}

/** Mutable state of one ETL run. */
export interface EtlRun {
  ctx: Pick<RunContext, 'signal' | 'progress' | 'logger'>;
  exportDate: string;
  dateRange: { from: string; to: string } | undefined;
  transform: TransformContext;
  rejects: RejectsWriter;
  counts: { projects: ProjectCounts; materials: EntityCounts; work_orders: EntityCounts };
  /** Work orders by job number, removed as their project is written or filtered. */
  workOrders: Map<string, PendingWorkOrder[]>;
  /** Job numbers of rejected project rows that work orders refer to. */
  rejectedJobs: Set<string>;
  /** Work orders dropped with their project by date_range. */
  filteredWorkOrders: number;
  /** Output files to flush between batches. */
  outputs: OutputFile[];
  /** Largest record read (MIGRATION_MAX_RECORD_BYTES). */
  maxRecordSize?: number;
}

/** Counters at zero. */
export function emptyCounts(): EtlRun['counts'] {
  return {
    projects: { read: 0, written: 0, rejected: 0, filtered: 0, duplicates: 0 },
    materials: { read: 0, written: 0, rejected: 0, duplicates: 0 },
    work_orders: { read: 0, written: 0, rejected: 0, duplicates: 0 },
  };
}

/** Sends a record to the rejects file and counts it. */
export function reject(run: EtlRun, entity: PpakEntity, file: string, line: number, reason: string, raw: string): void {
  run.counts[entity].rejected++;
  run.rejects.add({ entity, file, line, reason, raw });
}

/** What a read pass over one file found. */
export interface ReadSummary<F extends string> {
  /** The header, or undefined when the file has no header row (zero bytes or only blank lines). */
  header: CsvHeaderInfo<F> | undefined;
  /** True when the read stopped early at an unbalanced quote. */
  stopped: boolean;
}

/**
 * Streams one export file: every data row counts as read; unreadable rows (ragged, not UTF-8, …)
 * are rejected; readable ones go to `onRecord`. Warns about ignored and absent columns.
 */
export async function forEachRecord<F extends string>(
  run: EtlRun,
  entity: PpakEntity,
  file: string,
  columns: CsvColumnSpec<F>,
  onRecord: (row: CsvRecordRow<F>, fileName: string) => void,
): Promise<ReadSummary<F>> {
  const { signal, progress } = run.ctx;
  const fileName = path.basename(file);
  const counts = run.counts[entity];
  const reader = new CsvReader(file, { columns, label: fileName, aliasSource: 'config/ppak_columns.json', signal, maxRecordSize: run.maxRecordSize });
  progress.start(`reading ${fileName}`);
  let headerSeen = false;
  for await (const batch of reader.batches()) {
    if (!headerSeen && reader.header) {
      headerSeen = true;
      warnAboutColumns(run, fileName, reader.header);
    }
    for (let i = 0; i < batch.length; i++) {
      const row = batch[i]!;
      counts.read++;
      if (row.ok) onRecord(row, fileName);
      else reject(run, entity, fileName, row.line, row.reason, row.raw);
    }
    progress.advance(batch.length);
    throwIfCancelled(signal);
    for (const output of run.outputs) await output.flushIfFull();
  }
  if (!headerSeen && reader.header) warnAboutColumns(run, fileName, reader.header);
  if (reader.stopped) {
    run.transform.warnings.add(`${fileName}: reading stopped at an unbalanced quote (see the rejects file); the rows after it are missing — fix the file and re-run the ETL`);
  }
  return { header: reader.header, stopped: reader.stopped };
}

function warnAboutColumns<F extends string>(run: EtlRun, fileName: string, header: CsvHeaderInfo<F>): void {
  if (header.unknown.length > 0) {
    run.transform.warnings.add(
      `${fileName}: ignored ${header.unknown.length} unknown column(s): ${header.unknown.map((h) => `'${h}'`).join(', ')} — add them to config/ppak_columns.json if they should be read`,
    );
  }
  if (header.absent.length > 0) {
    run.transform.warnings.add(`${fileName}: no column for ${header.absent.join(', ')}; read as empty values`);
  }
}
