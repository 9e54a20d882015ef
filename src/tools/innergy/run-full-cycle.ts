/** run_full_cycle: ETL → material sync → project import → health check, as one run. */
import { z } from 'zod';
import type { RunDefinition } from '../../engine/runs.js';
import { FULL_CYCLE_TOOL, runFullCycle } from '../../runbooks/full-cycle.js';
import { MATERIAL_SYNC_TOOL } from '../../pipelines/innergy/material-sync.js';
import { PROJECT_IMPORT_TOOL } from '../../pipelines/innergy/project-import.js';
import { parseDateRange } from '../../pipelines/ppak/etl.js';
import { recheckStoredPaths, resolveDataPath, resolveMappingDir } from '../paths.js';
import { runOutputShape, startRun, waitSecondsArg } from '../run-tool.js';
import { defineTool } from '../tool-definition.js';

interface StoredArgs {
  export_dir: string;
  output_dir: string;
  mapping_dir: string;
  material_library: string;
  export_date?: string;
  date_range?: string;
  dry_run: boolean;
}

function definition(args: StoredArgs): RunDefinition {
  return {
    tool: FULL_CYCLE_TOOL,
    jobs: [FULL_CYCLE_TOOL, 'run_ppak_export_etl', MATERIAL_SYNC_TOOL, PROJECT_IMPORT_TOOL],
    args: { ...args },
    dryRun: args.dry_run,
    execute: (ctx) =>
      runFullCycle(
        {
          exportDir: args.export_dir,
          outputDir: args.output_dir,
          mappingDir: args.mapping_dir,
          materialLibrary: args.material_library,
          exportDate: args.export_date,
          dateRange: args.date_range ? parseDateRange(args.date_range) : undefined,
          dryRun: args.dry_run,
        },
        ctx,
      ),
  };
}

const stepShape = z
  .object({
    status: z.enum(['succeeded', 'failed', 'skipped']).describe('How the step ended.'),
    plan_id: z.string().nullable().optional().describe("The step's own plan id."),
    next_action: z.string().optional().describe("The step's next action."),
    result: z.record(z.string(), z.unknown()).optional().describe("The step's result (the same keys as its own tool returns)."),
    error: z.object({ kind: z.string(), message: z.string(), action: z.string() }).optional().describe('Why the step failed.'),
  })
  .describe('Summary of one step.');

export const runFullCycleTool = defineTool({
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
    export_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().describe('Which export set (YYYY-MM-DD); default the newest.'),
    material_library: z.string().optional().describe('Material library master CSV (default MATERIAL_LIBRARY_MASTER).'),
    dry_run: z.boolean().default(true).describe('true (default): every step plans only (the ETL still writes its local files); false: apply every step.'),
    wait_seconds: waitSecondsArg,
  },
  outputSchema: runOutputShape({
    steps: z
      .object({ etl: stepShape.optional(), material_sync: stepShape.optional(), project_import: stepShape.optional(), health_check: stepShape.optional() })
      .describe('Per-step summaries, in order.'),
    stopped_at: z.enum(['etl', 'material_sync', 'project_import', 'health_check']).nullable().describe('The step that failed, or null.'),
    canonical_file: z.string().nullable().describe('The canonical projects file the ETL wrote.'),
    health_ok: z.boolean().nullable().describe('The health check verdict (null when it did not run).'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (input, ctx) => {
    const { config } = ctx.deps;
    if (input.date_range) parseDateRange(input.date_range);
    const args: StoredArgs = {
      export_dir: resolveDataPath(config, input.ppak_export_dir, config.ppakExportDir, 'ppak_export_dir'),
      output_dir: resolveDataPath(config, undefined, config.outputDir, 'output_dir'),
      mapping_dir: resolveMappingDir(config, undefined),
      material_library: resolveDataPath(config, input.material_library, config.materialLibraryMaster, 'material_library'),
      dry_run: input.dry_run,
    };
    if (input.export_date) args.export_date = input.export_date;
    if (input.date_range) args.date_range = input.date_range;
    return startRun(ctx, definition(args), input.wait_seconds);
  },
  runFactory: (deps) => (args) => definition(recheckStoredPaths(deps.config, args as unknown as StoredArgs, ['export_dir', 'output_dir', 'mapping_dir', 'material_library'])),
});
