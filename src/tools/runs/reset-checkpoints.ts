/** reset_checkpoints: clears a tool's checkpoints so its next resume starts from the beginning. */
import { z } from 'zod';
import { ValidationError } from '../../engine/errors.js';
import { resetCheckpoints } from '../../engine/housekeeping.js';
import { toolNameArg } from '../run-tool.js';
import { defineTool } from '../tool-definition.js';
import { resetAdvice } from './advice.js';

export const resetCheckpointsTool = defineTool({
  name: 'reset_checkpoints',
  toolset: 'runs',
  title: 'Reset checkpoints',
  description: "Clears a tool's checkpoints (dry run by default: reports what would be cleared); identities are kept, so a restart re-finds existing records instead of duplicating them.",
  inputSchema: {
    tool: toolNameArg('The tool whose checkpoints to clear, e.g. run_full_cycle.'),
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
    const known = ctx.deps.runs.knownTools();
    if (!known.includes(tool)) {
      throw new ValidationError(`No tool named ${tool} has runs on this server.`, { action: `Pass one of: ${known.sort().join(', ')}.` });
    }
    const reset = resetCheckpoints(ctx.deps.ledger, tool, { dryRun: dry_run });
    const { next_action, text } = resetAdvice(tool, dry_run, reset);
    return { structured: { tool, dry_run, ...reset, next_action }, text };
  },
});
