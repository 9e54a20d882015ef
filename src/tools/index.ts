/** Every tool of migration-mcp, in the order they are listed to clients. */
import type { AnyTool } from './tool-definition.js';
import { accWarehouseBackfillTool } from './acc/acc-warehouse-backfill.js';
import { accWarehouseGapReportTool } from './acc/acc-warehouse-gap-report.js';
import { checkDevRevConnectionTool } from './devrev/check-connection.js';
import { devrevBackfillTool } from './devrev/devrev-backfill.js';
import { checkInnergyConnectionTool } from './innergy/check-connection.js';
import { migrationHealthCheckTool } from './innergy/migration-health-check.js';
import { runFullCycleTool } from './innergy/run-full-cycle.js';
import { runProjectImportTool } from './innergy/run-project-import.js';
import { syncMaterialLibraryTool } from './innergy/sync-material-library.js';
import { runPpakExportEtlTool } from './ppak/run-ppak-export-etl.js';
import { cancelRunTool } from './runs/cancel-run.js';
import { explainRecordTool } from './runs/explain-record.js';
import { getRunTool } from './runs/get-run.js';
import { listRunsTool } from './runs/list-runs.js';
import { pruneLedgerTool } from './runs/prune-ledger.js';
import { resetCheckpointsTool } from './runs/reset-checkpoints.js';
import { resumeRunTool } from './runs/resume-run.js';
import { wprIngestOrdersTool } from './wpr/wpr-ingest-orders.js';
import { checkOpenProjectConnectionTool } from './wpr/check-openproject-connection.js';
import { wprBackfillTool } from './wpr/backfill.js';
import { cleanupDuplicatesTool } from './wpr/cleanup-duplicates.js';
import { wprDeltaApplyTool } from './wpr/delta-apply.js';

export const ALL_TOOLS: readonly AnyTool[] = [
  runPpakExportEtlTool,
  syncMaterialLibraryTool,
  runProjectImportTool,
  migrationHealthCheckTool,
  runFullCycleTool,
  checkInnergyConnectionTool,
  wprIngestOrdersTool,
  wprDeltaApplyTool,
  wprBackfillTool,
  cleanupDuplicatesTool,
  checkOpenProjectConnectionTool,
  devrevBackfillTool,
  checkDevRevConnectionTool,
  accWarehouseGapReportTool,
  accWarehouseBackfillTool,
  listRunsTool,
  getRunTool,
  resumeRunTool,
  cancelRunTool,
  resetCheckpointsTool,
  explainRecordTool,
  pruneLedgerTool,
];
