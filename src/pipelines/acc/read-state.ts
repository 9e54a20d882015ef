/**
 * Reading what a backfill or gap report needs, read-only: the preflight of both databases, the
 * latest successful ACC import run, every row of the view (validated, held) and every ACC row of
 * `dim.issue` (streamed past the view's rows, not held).
 */
import { ConfigError, throwIfCancelled } from '../../engine/errors.js';
import type { DimIssueValues, ImportRun, PmSource, Warehouse, WarehouseShape } from '../../targets/warehouse/types.js';
import { Comparison } from './plan.js';
import { SourceRowCollector, type SourceRows } from './source-rows.js';

/** Source and target as read now. */
export interface AccState {
  shape: WarehouseShape;
  source: SourceRows;
  /** The source rows against the ACC rows of dim.issue. */
  comparison: Comparison;
}

/** Runs both preflights (read-only); a missing object or column is a ConfigError naming it. */
export async function preflight(source: PmSource, warehouse: Warehouse, signal?: AbortSignal): Promise<WarehouseShape> {
  const [, shape] = await Promise.all([source.preflight(signal), warehouse.preflight(signal)]);
  throwIfCancelled(signal);
  return shape;
}

/** The latest successful ACC import run; without one, the seed's operator error (nothing is written). */
export async function requireImportRun(warehouse: Warehouse, signal?: AbortSignal): Promise<ImportRun> {
  const run = await warehouse.latestSuccessfulImportRun(signal);
  if (run) return run;
  throw new ConfigError(`No successful ACC import run found in fact.issue_import_runs (${warehouse.display}); nothing was written.`, {
    action: "Let the warehouse's ACC import finish successfully (a row with source_system 'ACC' and status 'Success'), then run the backfill again.",
  });
}

/**
 * Reads the view (held: its rows are what gets written), then streams the ACC rows of dim.issue
 * past it (not held). `importRunId` is the run a backfill stamps (null for a gap report).
 */
export async function readAccState(source: PmSource, warehouse: Warehouse, shape: WarehouseShape, importRunId: string | number | null, signal?: AbortSignal): Promise<AccState> {
  const collector = new SourceRowCollector(shape.columns, shape.hasDisplayId, warehouse.keyComparison);
  for await (const row of source.readMapped(signal)) collector.add(row);
  const rows = collector.finish();
  const comparison = await compareWithWarehouse(rows.values, warehouse, shape, importRunId, signal);
  return { shape, source: rows, comparison };
}

/** Streams the keys of dim.issue past the source rows: which are there (for the gap after a backfill). */
export async function presenceInWarehouse(values: readonly DimIssueValues[], warehouse: Warehouse, shape: WarehouseShape, signal?: AbortSignal): Promise<Comparison> {
  const comparison = new Comparison(values, '', shape.hasDisplayId, warehouse.keyComparison);
  for await (const row of warehouse.readAccKeys(signal)) comparison.addKey(row);
  throwIfCancelled(signal);
  return comparison;
}

/** Streams the ACC rows of dim.issue past the source rows. */
export async function compareWithWarehouse(values: readonly DimIssueValues[], warehouse: Warehouse, shape: WarehouseShape, importRunId: string | number | null, signal?: AbortSignal): Promise<Comparison> {
  const comparison = new Comparison(values, importRunId === null ? '' : String(importRunId), shape.hasDisplayId, warehouse.keyComparison);
  for await (const row of warehouse.readAccRows(shape, signal)) comparison.add(row);
  throwIfCancelled(signal);
  return comparison;
}
