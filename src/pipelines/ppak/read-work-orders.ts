/**
 * ETL steps for work orders: read `work_orders_<date>.csv` into memory by job number (before the
 * projects are streamed, so each project gets its work orders as it is written), and, once the
 * projects are done, reject the work orders no written or filtered project took.
 */
import { CanonicalWorkOrderSchema } from '../../sources/canonical/schema.js';
import type { PpakColumns } from './columns.js';
import { DuplicateIndex } from '../../transform/duplicate-index.js';
import { forEachRecord, reject, type EtlRun } from './etl-run.js';
import { transformWorkOrder, workOrderRejectReason } from './transform.js';

/** Reads the work orders export (when there is one) into `run.workOrders`. */
export async function readWorkOrders(run: EtlRun, file: string | undefined, columns: PpakColumns['work_orders']): Promise<void> {
  const { warnings } = run.transform;
  if (file === undefined) {
    warnings.add(`No work_orders_${run.exportDate}.csv: projects are written without work orders`);
    return;
  }
  const counts = run.counts.work_orders;
  const index = new DuplicateIndex();
  const summary = await forEachRecord(run, 'work_orders', file, columns, (row, fileName) => {
    const record = row.record;
    const reason = workOrderRejectReason(record);
    if (reason !== undefined) return reject(run, 'work_orders', fileName, row.line, reason, row.raw);
    const status = index.check(`${record.job_number}\u001f${record.work_order}`, row.fingerprint, row.line);
    if (status === 'duplicate') {
      counts.duplicates++;
      return;
    }
    if (status === 'conflict') {
      const reason = `work order ${record.work_order} of job ${record.job_number} already appears on line ${index.firstLine} with different values; keep one row per work order`;
      return reject(run, 'work_orders', fileName, row.line, reason, row.raw);
    }
    const order = transformWorkOrder(record, fileName, row.line, run.transform);
    const checked = CanonicalWorkOrderSchema.safeParse(order);
    if (!checked.success) {
      const reason = `invalid work order: ${checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`;
      return reject(run, 'work_orders', fileName, row.line, reason, row.raw);
    }
    const pending = { order, file: fileName, line: row.line, raw: row.raw };
    const list = run.workOrders.get(record.job_number);
    if (list === undefined) run.workOrders.set(record.job_number, [pending]);
    else list.push(pending);
  });
  if (summary.header === undefined) warnings.add(`work_orders_${run.exportDate}.csv is empty (no header row): no work orders read`);
}

/** Rejects the work orders still waiting after the projects: their job is not in the projects export, or its row was rejected. */
export function rejectUnattachedWorkOrders(run: EtlRun, projectsFile: string): void {
  for (const [job, list] of run.workOrders) {
    const reason = run.rejectedJobs.has(job)
      ? `its project (job ${job}) was rejected; see that project's row in this file`
      : `job number ${job} is not in ${projectsFile}`;
    for (const pending of list) reject(run, 'work_orders', pending.file, pending.line, reason, pending.raw);
  }
  run.workOrders.clear();
  if (run.filteredWorkOrders > 0) {
    run.transform.warnings.add(`${run.filteredWorkOrders} work order(s) belong to projects outside date_range and were not written`);
  }
}
