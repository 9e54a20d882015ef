/** sync_innergy_material_library: the material library master → INNERGY materials (or an import CSV). */
import { z } from 'zod';
import { MATERIAL_SYNC_TOOL, runMaterialSync } from '../../pipelines/innergy/material-sync.js';
import { defineRunTool } from '../run-tool-definition.js';
import { dryRunArg, planIdArg, waitSecondsArg } from '../run-tool.js';
import { apiShape, failuresShape, warningsShape } from './shapes.js';

export const syncMaterialLibraryTool = defineRunTool({
  name: MATERIAL_SYNC_TOOL,
  toolset: 'innergy',
  title: 'Sync INNERGY material library',
  description:
    'Plans and applies the material library master to INNERGY: new materials are created, changed ones updated, inactive ones deactivated (never deleted), unchanged ones cost no writes. Dry run by default; mode "csv" writes an import file instead of calling the API.',
  inputSchema: {
    material_library: z.string().optional().describe('Material library master CSV (sku,name,category,unit,unit_cost,active); default MATERIAL_LIBRARY_MASTER.'),
    dry_run: dryRunArg,
    plan_id: planIdArg,
    mode: z.enum(['api', 'csv']).default('api').describe('"api" (default) writes through the INNERGY API; "csv" writes an import-ready CSV to the output dir instead.'),
    wait_seconds: waitSecondsArg,
  },
  resultShape: {
    material_library: z.string().describe('The master file read.'),
    mode: z.enum(['api', 'csv']).describe('How changes are delivered.'),
    new: z.number().describe('Materials created (dry run: to create).'),
    updated: z.number().describe('Materials updated (dry run: to update).'),
    inactive: z.number().describe('Materials deactivated (dry run: to deactivate).'),
    unchanged: z.number().describe('Materials already up to date (no write).'),
    failed: z.number().describe('Materials whose write failed.'),
    rejected: z.number().describe('Master rows that could not be read (see warnings for file:line and reason).'),
    not_in_master: z.number().describe('INNERGY materials absent from the master (left alone).'),
    items: z
      .array(
        z.object({
          sku: z.string().describe('SKU.'),
          action: z.string().describe('create, update, deactivate, unchanged or failed.'),
          innergy_id: z.string().nullable().describe('INNERGY id, when known.'),
          reason: z.string().optional().describe('Why.'),
          changed_fields: z.array(z.string()).optional().describe('INNERGY fields that differ.'),
        }),
      )
      .describe('Up to 20 materials, changes and failures first.'),
    failures: failuresShape,
    warnings: warningsShape,
    csv_file: z.string().nullable().describe('The import CSV written in csv mode.'),
    api: apiShape.nullable(),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  paths: {
    material_library: { default: (config) => config.materialLibraryMaster },
  },
  execute: (args, ctx, deps) => {
    const csv = args.mode === 'csv';
    const innergy = csv && !deps.targets.innergyConfigured() ? undefined : deps.targets.innergy({ logger: ctx.logger, hint: 'or use mode "csv" for an import file' });
    const input = { materialLibrary: args.material_library, outputDir: deps.config.outputDir, dryRun: args.dry_run, planId: args.plan_id, mode: args.mode };
    return runMaterialSync(input, ctx, innergy);
  },
});
