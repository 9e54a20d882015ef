/** reset_checkpoints: clears a tool's checkpoints so its next resume starts from the beginning. */
import { z } from 'zod';
import { defineTool } from '../tool-definition.js';

export const resetCheckpointsTool = defineTool({
  name: 'reset_checkpoints',
  toolset: 'runs',
  title: 'Reset checkpoints',
  description: "Clears a tool's checkpoints (dry run by default: reports what would be cleared); identities are kept, so a restart re-finds existing records instead of duplicating them.",
  inputSchema: {
    tool: z.string().min(1).describe('The tool whose checkpoints to clear, e.g. run_full_cycle.'),
    dry_run: z.boolean().default(true).describe('true (default): only report what would be cleared; false: clear it.'),
  },
  outputSchema: {
    tool: z.string().describe('The tool.'),
    dry_run: z.boolean().describe('Whether anything was cleared.'),
    checkpoints: z.number().describe('Checkpoints cleared (or that would be).'),
    runs: z.array(z.string()).describe('Runs whose checkpoints are concerned (at most 20).'),
    next_action: z.string().describe('What to do next.'),
  },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  handler: async ({ tool, dry_run }, ctx) => {
    const { checkpoints } = ctx.deps.ledger;
    const existing = checkpoints.listForJob(tool);
    const runs = [...new Set(existing.map((cp) => cp.run_id))].slice(0, 20);
    const cleared = dry_run ? existing.length : checkpoints.clearJob(tool);
    const next_action = dry_run
      ? existing.length
        ? `Call reset_checkpoints again with dry_run: false to clear ${existing.length} checkpoint(s).`
        : 'Nothing to clear.'
      : 'Checkpoints cleared; resuming or re-running the tool starts from the beginning (records already on the target are re-found, not duplicated).';
    return {
      structured: { tool, dry_run, checkpoints: cleared, runs, next_action },
      text: `${dry_run ? 'Would clear' : 'Cleared'} ${cleared} checkpoint(s) of ${tool}. ${next_action}`,
    };
  },
});
