/** run_innergy_project_import: canonical projects → INNERGY projects, exactly once. */
import { z } from 'zod';
import type { RunDefinition } from '../../engine/runs.js';
import { PROJECT_IMPORT_TOOL, runProjectImport } from '../../pipelines/innergy/project-import.js';
import { recheckStoredPaths, resolveDataPath } from '../paths.js';
import { dryRunArg, planIdArg, runOutputShape, startRun, waitSecondsArg } from '../run-tool.js';
import { defineTool } from '../tool-definition.js';
import { apiShape, failuresShape, warningsShape } from './shapes.js';

interface StoredArgs {
  canonical_file: string;
  dry_run: boolean;
  plan_id?: string;
}

function definition(args: StoredArgs): RunDefinition {
  return {
    tool: PROJECT_IMPORT_TOOL,
    args: { ...args },
    dryRun: args.dry_run,
    execute: (ctx) => runProjectImport({ canonicalFile: args.canonical_file, dryRun: args.dry_run, planId: args.plan_id }, ctx),
  };
}

export const runProjectImportTool = defineTool({
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
  outputSchema: runOutputShape({
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
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (input, ctx) => {
    const args: StoredArgs = {
      canonical_file: resolveDataPath(ctx.deps.config, input.canonical_file, '', 'canonical_file'),
      dry_run: input.dry_run,
    };
    if (input.plan_id) args.plan_id = input.plan_id;
    return startRun(ctx, definition(args), input.wait_seconds);
  },
  runFactory: (deps) => (args) => definition(recheckStoredPaths(deps.config, args as unknown as StoredArgs, ['canonical_file'])),
});
