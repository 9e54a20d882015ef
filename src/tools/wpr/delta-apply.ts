/** wpr_delta_apply: a stored WPR batch → OpenProject epics and stories, only what changed. */
import { z } from 'zod';
import { BATCH_ID_PATTERN } from '../../pipelines/wpr/ingest/batch-id.js';
import { DELTA_TOOL, runWprApply } from '../../pipelines/wpr/delta.js';
import { openBatchStore } from '../../stores/open-batch-store.js';
import { defineRunTool } from '../run-tool-definition.js';
import { dryRunArg, planIdArg, waitSecondsArg } from '../run-tool.js';
import { applyResultShape } from './shapes.js';

/** Arguments wpr_delta_apply and wpr_backfill share. */
export const applyArgs = {
  registry: z.string().optional().describe('Product → project registry file; default product_project_registry.json in the config folder.'),
  workers: z.number().int().min(1).max(20).default(5).describe('Parallel writers, 1–20 (default 5); they share OPENPROJECT_RATE_LIMIT, so more workers never exceed it.'),
  dry_run: dryRunArg,
  plan_id: planIdArg,
  wait_seconds: waitSecondsArg,
};

export const wprDeltaApplyTool = defineRunTool({
  name: DELTA_TOOL,
  toolset: 'wpr',
  title: 'Apply a WPR batch to OpenProject (delta)',
  description:
    'Writes the orders of a stored WPR batch whose content changed since last applied (or never applied, or forced) to OpenProject: one Epic per order and project, one User story per line under it. Dry run by default; apply its plan_id.',
  inputSchema: {
    batch_id: z.string().regex(BATCH_ID_PATTERN, 'letters, digits, ".", "_" and "-", at most 64 characters').describe('The batch stored by wpr_ingest_orders.'),
    force_orders: z.array(z.string().trim().min(1)).max(1000).default([]).describe('Order ids to process whatever their content hash (replaces editing the seed script).'),
    ignore_cached_identity: z.boolean().default(false).describe('Verify every order of the batch on OpenProject instead of trusting the hashes last applied (recreates work packages deleted by hand).'),
    ...applyArgs,
  },
  resultShape: applyResultShape,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  paths: { registry: { kind: 'mapping' } },
  execute: async (args, ctx, deps) => {
    const store = openBatchStore(deps.config);
    try {
      return await runWprApply(
        {
          tool: DELTA_TOOL,
          batchId: args.batch_id,
          registryFile: args.registry,
          dryRun: args.dry_run,
          planId: args.plan_id,
          workers: args.workers,
          forceOrders: args.force_orders,
          ignoreCachedIdentity: args.ignore_cached_identity,
          allOrders: false,
        },
        ctx,
        { store, openproject: deps.targets.openproject({ logger: ctx.logger }), configDir: deps.config.configDir },
      );
    } finally {
      await store.close();
    }
  },
});
