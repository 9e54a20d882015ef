/** run_full_cycle: ETL → material sync → project import → health check, as one run. */
import path from 'node:path';
import { z } from 'zod';
import { FULL_CYCLE_JOBS, FULL_CYCLE_TOOL, runFullCycle } from '../../runbooks/full-cycle.js';
import { isIsoDate, parseDateRange } from '../../transform/date-range.js';
import { defineRunTool, resolvePathArgument } from '../run-tool-definition.js';
import { waitSecondsArg } from '../run-tool.js';

const stepShape = z
  .object({
    status: z.enum(['succeeded', 'failed', 'skipped']).describe('How the step ended.'),
    plan_id: z.string().nullable().optional().describe("The step's own plan id."),
    next_action: z.string().optional().describe("The step's next action."),
    result: z.record(z.string(), z.unknown()).optional().describe("The step's result (the same keys as its own tool returns)."),
    error: z.object({ kind: z.string(), message: z.string(), action: z.string() }).optional().describe('Why the step failed.'),
  })
  .describe('Summary of one step.');

export const runFullCycleTool = defineRunTool({
  name: FULL_CYCLE_TOOL,
  toolset: 'innergy',
  title: 'Run the full PPak → INNERGY cycle',
  description:
    'Runs the whole migration cycle as one run — PPak ETL, material sync, project import, health check — with per-step summaries and one combined report; dry run by default (chains the dry runs), stops at a failed step with the reason and the next action.',
  inputSchema: {
    ppak_export_dir: z.string().optional().describe('PPak CSV drop folder (default PPAK_EXPORT_DIR).'),
    date_range: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2},\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD,YYYY-MM-DD')
      .optional()
      .describe('Keep only projects whose start date is in this inclusive range, e.g. 2024-01-01,2024-01-31.'),
    export_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine(isIsoDate, 'not a calendar date (YYYY-MM-DD)').optional().describe('Which export set (YYYY-MM-DD); default the newest.'),
    material_library: z.string().optional().describe('Material library master CSV (default MATERIAL_LIBRARY_MASTER).'),
    dry_run: z.boolean().default(true).describe('true (default): every step plans only (the ETL still writes its local files); false: apply every step.'),
    wait_seconds: waitSecondsArg,
  },
  resultShape: {
    steps: z
      .object({ etl: stepShape.optional(), material_sync: stepShape.optional(), project_import: stepShape.optional(), health_check: stepShape.optional() })
      .describe('Per-step summaries, in order.'),
    stopped_at: z.enum(['etl', 'material_sync', 'project_import', 'health_check']).nullable().describe('The step that failed, or null.'),
    canonical_file: z.string().nullable().describe('The canonical projects file the ETL wrote.'),
    health_ok: z.boolean().nullable().describe('The health check verdict (null when it did not run).'),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  jobs: FULL_CYCLE_JOBS,
  paths: {
    ppak_export_dir: { default: (config) => config.ppakExportDir },
    material_library: { default: (config) => config.materialLibraryMaster },
  },
  validate: (args) => {
    if (args.date_range) parseDateRange(args.date_range);
  },
  execute: (args, ctx, deps) => {
    const { config } = deps;
    const input = {
      exportDir: args.ppak_export_dir,
      outputDir: config.sandbox.resolve(config.outputDir, 'output_dir (MIGRATION_OUTPUT_DIR)'),
      mappingDir: resolvePathArgument(config, 'mapping_dir', path.join(config.configDir, 'mappings'), { kind: 'mapping' }),
      materialLibrary: args.material_library,
      exportDate: args.export_date,
      dateRange: args.date_range ? parseDateRange(args.date_range) : undefined,
      dryRun: args.dry_run,
    };
    return runFullCycle(input, ctx, deps.targets);
  },
});
