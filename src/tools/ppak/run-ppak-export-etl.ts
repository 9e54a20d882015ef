/** run_ppak_export_etl: PPak CSV exports → canonical project/material files, rejects and a summary. */
import { z } from 'zod';
import type { AppDeps } from '../../app.js';
import type { RunDefinition } from '../../engine/runs.js';
import { parseDateRange, runPpakEtl } from '../../pipelines/ppak/etl.js';
import { PpakEtlResultSchema } from '../../pipelines/ppak/result.js';
import { knownProjectIds } from '../../targets/innergy/target.js';
import { recheckStoredPaths, resolveDataPath, resolveMappingDir } from '../paths.js';
import { runOutputShape, startRun, waitSecondsArg } from '../run-tool.js';
import { defineTool } from '../tool-definition.js';

const TOOL = 'run_ppak_export_etl';
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
function definition(deps: AppDeps, args: { export_dir: string; output_dir: string; export_date?: string; date_range?: string; mapping_dir: string }): RunDefinition {
  return {
    tool: TOOL,
    args,
    dryRun: false,
    execute: async (ctx) => {
      const result = await runPpakEtl(
        {
          exportDir: args.export_dir,
          outputDir: args.output_dir,
          exportDate: args.export_date,
          dateRange: args.date_range ? parseDateRange(args.date_range) : undefined,
          mappingDir: args.mapping_dir,
          knownInnergyIds: knownProjectIds(ctx.ledger),
        },
        ctx,
      );
      const unmapped = Object.values(result.unmapped).reduce((n, values) => n + Object.keys(values).length, 0);
      const nextAction =
        result.projects.rejected || unmapped
          ? `Review ${result.outputs.summary_report} (rejects and unmapped values), fix the mappings or the export, and re-run; otherwise import with run_innergy_project_import {"canonical_file": "${result.outputs.canonical_projects}"}.`
          : `Import with run_innergy_project_import {"canonical_file": "${result.outputs.canonical_projects}"} (dry run first).`;
      return { result: { ...result }, nextAction };
    },
  };
}

export const runPpakExportEtlTool = defineTool({
  name: TOOL,
  toolset: 'ppak',
  title: 'Run PPak export ETL',
  description:
    'Transforms the newest PPak CSV export set (projects, materials, work orders) into canonical JSON files, applying the mapping tables; bad rows go to a rejects file with file, line and reason, and the run goes on.',
  inputSchema: {
    ppak_export_dir: z.string().optional().describe('Folder with {projects,materials,work_orders}_YYYY-MM-DD.csv files (default PPAK_EXPORT_DIR).'),
    output_dir: z.string().optional().describe('Where to write canonical files, rejects and the summary (default MIGRATION_OUTPUT_DIR).'),
    export_date: isoDate.optional().describe('Which export set to process (YYYY-MM-DD); default the newest date stamp in the file names.'),
    date_range: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2},\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD,YYYY-MM-DD')
      .optional()
      .describe('Keep only projects whose start date is in this inclusive range, e.g. 2024-01-01,2024-01-31.'),
    mapping_dir: z.string().optional().describe('Folder with status_mapping.csv, phase_mapping.csv, material_mapping.csv (default <config>/mappings).'),
    wait_seconds: waitSecondsArg,
  },
  outputSchema: runOutputShape(PpakEtlResultSchema.shape),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async (input, ctx) => {
    const { config } = ctx.deps;
    if (input.date_range) parseDateRange(input.date_range);
    const args = {
      export_dir: resolveDataPath(config, input.ppak_export_dir, config.ppakExportDir, 'ppak_export_dir'),
      output_dir: resolveDataPath(config, input.output_dir, config.outputDir, 'output_dir'),
      export_date: input.export_date,
      date_range: input.date_range,
      mapping_dir: resolveMappingDir(config, input.mapping_dir),
    };
    return startRun(ctx, definition(ctx.deps, args), input.wait_seconds);
  },
  runFactory: (deps) => (args) => definition(deps, recheckStoredPaths(deps.config, args as Parameters<typeof definition>[1], ['export_dir', 'output_dir', 'mapping_dir'])),
});
