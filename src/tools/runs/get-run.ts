/** get_run: a run's record, progress and result; optionally waits for it to finish. */
import { z } from 'zod';
import { runIdArg } from '../run-tool.js';
import { defineTool } from '../tool-definition.js';
import { runView, runViewShape } from './run-view.js';

export const getRunTool = defineTool({
  name: 'get_run',
  toolset: 'runs',
  title: 'Get run',
  description: 'Returns a run\'s status, progress, error and result; with wait_seconds it waits up to that long for a running run to finish.',
  inputSchema: {
    run_id: runIdArg('The run id returned by a run-based tool.'),
    wait_seconds: z.number().int().min(0).max(50).default(0).describe('Wait up to this many seconds (0–50) for a running run to finish; 0 answers at once.'),
  },
  outputSchema: runViewShape,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async ({ run_id, wait_seconds }, ctx) => {
    const { runs } = ctx.deps;
    runs.get(run_id);
    const unsubscribe = runs.tracker(run_id)?.onUpdate(ctx.reportProgress);
    try {
      const run = await runs.wait(run_id, wait_seconds * 1000, ctx.signal);
      const view = runView(runs, run, ctx.deps.ledger);
      return { structured: view, text: `Run ${run.run_id} (${run.tool}) is ${run.status}. ${String(view.next_action)}` };
    } finally {
      unsubscribe?.();
    }
  },
});
