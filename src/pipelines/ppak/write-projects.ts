/**
 * ETL step: stream `projects_<date>.csv` into `canonical_projects_<date>.json`, one row at a time:
 * reject rows missing a job number or name, write exact duplicates once, reject a second row of a
 * job with different content, leave out projects outside `date_range`, attach work orders, map, write.
 *
 * Projects are not validated with zod row by row (that cost about 1.5–2 µs a row, as much as the
 * rest of the transform): `transformProject` builds a valid CanonicalProject by construction (see
 * its doc comment), a property test holds it to the schema, and the ETL tests parse every
 * canonical file they write with CanonicalProjectsFileSchema.
 */
import { ValidationError } from '../../engine/errors.js';
import type { CanonicalProject } from '../../sources/canonical/schema.js';
import type { CanonicalJsonWriter } from './canonical-json-writer.js';
import type { PpakColumns } from './columns.js';
import { DuplicateIndex } from '../../transform/duplicate-index.js';
import { forEachRecord, reject, type EtlRun } from './etl-run.js';
import { parseDateCached, projectRejectReason, transformProject } from './transform.js';

/** Streams the projects export into the canonical projects writer. */
export async function writeProjects(
  run: EtlRun,
  file: string,
  columns: PpakColumns['projects'],
  writer: CanonicalJsonWriter<CanonicalProject>,
): Promise<void> {
  const counts = run.counts.projects;
  const index = new DuplicateIndex(1 << 16);
  const range = run.dateRange;
  let undated = 0;
  const summary = await forEachRecord(run, 'projects', file, columns, (row, fileName) => {
    const record = row.record;
    const job = record.job_number;
    const reason = projectRejectReason(record);
    if (reason !== undefined) {
      if (job !== '' && run.workOrders.has(job)) run.rejectedJobs.add(job);
      return reject(run, 'projects', fileName, row.line, reason, row.raw);
    }
    const status = index.check(job, row.fingerprint, row.line);
    if (status === 'duplicate') {
      counts.duplicates++;
      return;
    }
    if (status === 'conflict') {
      const reason = `job number ${job} already appears on line ${index.firstLine} with different values; keep one row per job`;
      return reject(run, 'projects', fileName, row.line, reason, row.raw);
    }
    if (range !== undefined) {
      const start = parseDateCached(record.start_date);
      if (typeof start !== 'string' || start < range.from || start > range.to) {
        if (typeof start !== 'string') undated++;
        counts.filtered++;
        const orders = run.workOrders.get(job);
        if (orders !== undefined) {
          run.filteredWorkOrders += orders.length;
          run.workOrders.delete(job);
        }
        return;
      }
    }
    const pending = run.workOrders.get(job);
    if (pending !== undefined) run.workOrders.delete(job);
    const project = transformProject(record, fileName, row.line, pending === undefined ? [] : pending.map((p) => p.order), run.transform);
    writer.add(project);
    counts.written++;
    if (pending !== undefined) run.counts.work_orders.written += pending.length;
  });
  if (summary.header === undefined) {
    throw new ValidationError(`projects_${run.exportDate}.csv is empty (no header row).`, {
      action: 'Re-export the projects from PPak (the file should start with a header such as Job Number,Job Name,Customer,…).',
      details: { file },
    });
  }
  if (undated > 0) {
    run.transform.warnings.add(`${undated} project(s) without a readable start date were left out by date_range ${range!.from}..${range!.to}`);
  }
}
