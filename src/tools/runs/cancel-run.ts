/** cancel_run: stops a running run cleanly; it stays resumable. */
import { z } from 'zod';
import { ValidationError } from '../../engine/errors.js';
import { runIdArg } from '../run-tool.js';
import { defineTool } from '../tool-definition.js';
import { runView, runViewShape } from './run-view.js';

export const cancelRunTool = defineTool({
  name: 'cancel_run',
  toolset: 'runs',
  title: 'Cancel run',
  description: 'Stops a running run after its in-flight records; the run ends cancelled and can be continued later with resume_run.',
  inputSchema: {
    run_id: runIdArg('The run to cancel.'),
  },
  outputSchema: runViewShape,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async ({ run_id }, ctx) => {
    const { runs } = ctx.deps;
    const before = runs.get(run_id);
    if (before.status !== 'running') {
      throw new ValidationError(`Run ${run_id} is not running (it is ${before.status}).`, {
        action: before.status === 'interrupted' ? 'Nothing to cancel; resume it with resume_run when ready.' : 'Nothing to cancel.',
      });
    }
    runs.cancel(run_id);
    const run = await runs.wait(run_id, 10_000);
    const view = runView(runs, run, ctx.deps.ledger);
    return { structured: view, text: `Run ${run_id} is ${run.status}. ${String(view.next_action)}` };
  },
});
