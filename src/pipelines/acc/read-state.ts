/**
 * Reading what a backfill or gap report needs, read-only: the preflight of both databases, the
 * latest successful ACC import run, every row of the view (validated) and every ACC row of
 * `dim.issue` (indexed by key). The two databases are read at the same time.
 */
import { ConfigError, throwIfCancelled } from '../../engine/errors.js';
import type { ImportRun, PmSource, Warehouse, WarehouseShape } from '../../targets/warehouse/types.js';
import { TargetIndex } from './plan.js';
import { SourceRowCollector, type SourceRows } from './source-rows.js';

/** Source and target as read now. */
export interface AccState {
  shape: WarehouseShape;
  source: SourceRows;
  target: TargetIndex;
  /** ACC rows in dim.issue (rows, not keys). */
  accRows: number;
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

/** Reads the view and the ACC rows of dim.issue (after `preflight`). */
export async function readAccState(source: PmSource, warehouse: Warehouse, shape: WarehouseShape, signal?: AbortSignal): Promise<AccState> {
  const collector = new SourceRowCollector(shape.columns, shape.hasDisplayId, warehouse.keyComparison);
  const target = new TargetIndex(warehouse.keyComparison);
  let accRows = 0;
  await Promise.all([
    (async () => {
      for await (const row of source.readMapped(signal)) collector.add(row);
    })(),
    (async () => {
      for await (const row of warehouse.readAccRows(shape, signal)) {
        target.add(row);
        accRows++;
      }
    })(),
  ]);
  throwIfCancelled(signal);
  return { shape, source: collector.finish(), target, accRows };
}
