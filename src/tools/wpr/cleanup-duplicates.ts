/** wpr_cleanup_duplicates: removes duplicate WPR epics and stories in OpenProject, moving their children first. */
import { z } from 'zod';
import { ValidationError } from '../../engine/errors.js';
import { CLEANUP_TOOL, runCleanup } from '../../pipelines/wpr/cleanup.js';
import { defineRunTool } from '../run-tool-definition.js';
import { dryRunArg, planIdArg, waitSecondsArg } from '../run-tool.js';
import { cleanupResultShape } from './shapes.js';

export const cleanupDuplicatesTool = defineRunTool({
  name: CLEANUP_TOOL,
  toolset: 'wpr',
  title: 'Clean up duplicate WPR work packages in OpenProject',
  description:
    'Finds epics sharing a WPR Order ID and stories sharing a WPR Line Key in OpenProject, keeps the newest of each, moves the children of the others under it, then deletes the others. Dry run lists the groups; deleting needs that dry run\'s plan_id.',
  inputSchema: {
    projects: z.array(z.string().min(1)).optional().describe('OpenProject project identifiers to scan; default every project of product_project_registry.json.'),
    dry_run: dryRunArg,
    plan_id: planIdArg.describe('The plan_id of the dry run whose groups you reviewed; required with dry_run: false (refused if anything changed since).'),
    wait_seconds: waitSecondsArg,
  },
  resultShape: cleanupResultShape,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  validate: (args) => {
    if (args.dry_run === false && !args.plan_id) {
      throw new ValidationError(`${CLEANUP_TOOL} deletes work packages, so it only applies a reviewed plan.`, {
        action: `Run ${CLEANUP_TOOL} as a dry run first, review kept[], then call it again with dry_run: false and that plan_id.`,
      });
    }
  },
  confirm: (args, deps) => {
    if (args.dry_run !== false || !args.plan_id) return undefined;
    const summary = deps.ledger.plans.get(args.plan_id)?.summary ?? {};
    const deletes = Number(summary.delete ?? 0);
    const moves = Number(summary.update ?? 0);
    return `Delete ${deletes} duplicate work package(s) in OpenProject${moves ? ` after moving ${moves} child work package(s) under the kept ones` : ''}? This cannot be undone.`;
  },
  execute: (args, ctx, deps) =>
    runCleanup({ projects: args.projects, dryRun: args.dry_run, planId: args.plan_id }, ctx, { openproject: deps.targets.openproject({ logger: ctx.logger }), configDir: deps.config.configDir }),
});
