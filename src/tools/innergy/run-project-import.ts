/** run_innergy_project_import: canonical projects → INNERGY projects, exactly once. */
import { z } from 'zod';
import { PROJECT_IMPORT_TOOL, runProjectImport } from '../../pipelines/innergy/project-import.js';
import { defineRunTool } from '../run-tool-definition.js';
import { dryRunArg, planIdArg, waitSecondsArg } from '../run-tool.js';
import { apiShape, failuresShape, warningsShape } from './shapes.js';

export const runProjectImportTool = defineRunTool({
  name: PROJECT_IMPORT_TOOL,
  toolset: 'innergy',
  title: 'Import projects into INNERGY',
  description:
    'Creates or updates INNERGY projects from a canonical projects file (matched by ExternalIdentifier = PPak job number), skips invalid ones with reasons, and writes innergy_id back into the file; re-runs create nothing. Dry run by default.',
  inputSchema: {
    canonical_file: z.string().describe('canonical_projects_<date>.json written by run_ppak_export_etl.'),
    dry_run: dryRunArg,
    plan_id: planIdArg,
    wait_seconds: waitSecondsArg,
  },
  resultShape: {
    canonical_file: z.string().describe('The canonical file read.'),
    created: z.number().describe('Projects created (dry run: to create).'),
    updated: z.number().describe('Projects updated (dry run: to update).'),
    unchanged: z.number().describe('Projects already up to date (no write).'),
    skipped: z.number().describe('Projects INNERGY would refuse (missing customer, unmapped status…), with reasons in projects[].'),
    failed: z.number().describe('Projects whose write failed.'),
    reconciled: z.number().describe('Creates whose response was lost and that were found by ExternalIdentifier instead of created again.'),
    projects: z
      .array(
        z.object({
          job_number: z.string().describe('PPak job number.'),
          action: z.string().describe('create, update, unchanged, skip or failed.'),
          innergy_id: z.string().nullable().describe('INNERGY project id, when known.'),
          reason: z.string().optional().describe('Why.'),
          changed_fields: z.array(z.string()).optional().describe('INNERGY fields that differ.'),
        }),
      )
      .describe('Up to 20 projects, failures and skips first.'),
    failures: failuresShape,
    warnings: warningsShape,
    canonical_file_updated: z.string().nullable().describe('The canonical file, when innergy_id values were written into it.'),
    api: apiShape,
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  paths: { canonical_file: {} },
  execute: (args, ctx, deps) =>
    runProjectImport({ canonicalFile: args.canonical_file, dryRun: args.dry_run, planId: args.plan_id }, ctx, deps.targets.innergy({ logger: ctx.logger })),
});
