/** run_ppak_export_etl: PPak CSV exports → canonical project/material files, rejects and a summary. */
import { z } from 'zod';
import { runPpakEtl } from '../../pipelines/ppak/etl.js';
import { isIsoDate, parseDateRange } from '../../transform/date-range.js';
import { etlNextAction } from '../../pipelines/ppak/next-action.js';
import { PpakEtlResultSchema } from '../../pipelines/ppak/result.js';
import { defineRunTool } from '../run-tool-definition.js';
import { waitSecondsArg } from '../run-tool.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD').refine(isIsoDate, 'not a calendar date (YYYY-MM-DD)');

export const runPpakExportEtlTool = defineRunTool({
  name: 'run_ppak_export_etl',
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
  resultShape: PpakEtlResultSchema.shape,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  paths: {
    ppak_export_dir: { default: (config) => config.ppakExportDir },
    output_dir: { default: (config) => config.outputDir },
    mapping_dir: { default: (config) => `${config.configDir}/mappings`, kind: 'mapping' },
  },
  validate: (args) => {
    if (args.date_range) parseDateRange(args.date_range);
  },
  execute: async (args, ctx, deps) => {
    const result = await runPpakEtl(
      {
        exportDir: args.ppak_export_dir,
        outputDir: args.output_dir,
        exportDate: args.export_date,
        dateRange: args.date_range ? parseDateRange(args.date_range) : undefined,
        mappingDir: args.mapping_dir,
        knownInnergyIds: deps.targets.knownInnergyIds(ctx.ledger, 'project'),
      },
      ctx,
    );
    return { result: { ...result }, nextAction: etlNextAction(result) };
  },
});
