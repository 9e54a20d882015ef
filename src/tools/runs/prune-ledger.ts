/** prune_ledger: removes plan items and intents of runs finished longer ago than the retention period. */
import { z } from 'zod';
import { pruneLedger } from '../../engine/housekeeping.js';
import { defineTool } from '../tool-definition.js';
import { pruneAdvice } from './advice.js';

export const pruneLedgerTool = defineTool({
  name: 'prune_ledger',
  toolset: 'runs',
  title: 'Prune ledger',
  description:
    'Removes plan items and write intents of runs that finished more than retention_days ago (default MIGRATION_RETENTION_DAYS, 30); dry run by default. Runs, identities and provenance are kept, so explain_record keeps working. The server also prunes at start-up.',
  inputSchema: {
    retention_days: z.number().int().min(1).max(3650).optional().describe('Prune runs finished more than this many days ago (default MIGRATION_RETENTION_DAYS).'),
    dry_run: z.boolean().default(true).describe('true (default): only count what would be pruned; false: prune it.'),
  },
  outputSchema: {
    dry_run: z.boolean().describe('Whether anything was removed.'),
    retention_days: z.number().describe('The retention used.'),
    cutoff: z.string().describe('Runs finished before this ISO time are concerned.'),
    runs: z.number().describe('Finished runs whose plan items or intents are concerned.'),
    plans: z.number().describe('Plans whose items are (or would be) removed; their headers stay.'),
    plan_items: z.number().describe('Plan items removed (or that would be).'),
    intents: z.number().describe('Write intents removed (or that would be).'),
    next_action: z.string().describe('What to do next.'),
  },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  handler: async ({ retention_days, dry_run }, ctx) => {
    const prune = pruneLedger(ctx.deps.ledger, retention_days ?? ctx.deps.config.retentionDays, { dryRun: dry_run });
    const { next_action, text } = pruneAdvice(dry_run, prune);
    return { structured: { dry_run, ...prune, next_action }, text };
  },
});
