/** resume_run: continues an interrupted, cancelled or failed run where it stopped. */
import { z } from 'zod';
import { awaitRun, runIdArg, waitSecondsArg } from '../run-tool.js';
import { defineTool } from '../tool-definition.js';
import { runView, runViewShape } from './run-view.js';

export const resumeRunTool = defineTool({
  name: 'resume_run',
  toolset: 'runs',
  title: 'Resume run',
  description: 'Continues an interrupted, cancelled or failed run under the same run id, skipping work already done and reconciling writes whose outcome was unknown; never duplicates records.',
  inputSchema: {
    run_id: runIdArg('The run to continue (see list_runs with status interrupted).'),
    wait_seconds: waitSecondsArg,
  },
  outputSchema: runViewShape,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async ({ run_id, wait_seconds }, ctx) => {
    const { runs } = ctx.deps;
    runs.resume(run_id);
    const answer = await awaitRun(ctx, run_id, wait_seconds);
    const run = runs.get(run_id);
    const view = runView(runs, run, ctx.deps.ledger);
    return { structured: view, text: answer.text, isError: answer.isError };
  },
});
