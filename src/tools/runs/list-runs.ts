/** list_runs: recent runs, newest first, optionally filtered by tool and status. */
import { z } from 'zod';
import { RUN_STATUSES, toolNameArg } from '../run-tool.js';
import { defineTool } from '../tool-definition.js';

export const listRunsTool = defineTool({
  name: 'list_runs',
  toolset: 'runs',
  title: 'List runs',
  description: 'Lists recent runs, newest first, with their status; filter by tool or status to find a run to inspect or resume.',
  inputSchema: {
    tool: toolNameArg('Only runs of this tool, e.g. run_innergy_project_import.').optional(),
    status: z.enum(RUN_STATUSES).optional().describe('Only runs with this status, e.g. interrupted.'),
    limit: z.number().int().min(1).max(100).default(20).describe('At most this many runs (1–100, default 20).'),
  },
  outputSchema: {
    runs: z
      .array(
        z.object({
          run_id: z.string().describe('Run id.'),
          tool: z.string().describe('Tool name.'),
          status: z.enum(RUN_STATUSES).describe('Run status.'),
          dry_run: z.boolean().describe('Whether it was a dry run.'),
          plan_id: z.string().nullable().describe('Plan id.'),
          started_at: z.string().describe('Start time.'),
          finished_at: z.string().nullable().describe('End time.'),
        }),
      )
      .describe('Runs, newest first.'),
    count: z.number().describe('How many runs are listed.'),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async ({ tool, status, limit }, ctx) => {
    const runs = ctx.deps.runs.list({ tool, status, limit }).map((run) => ({
      run_id: run.run_id,
      tool: run.tool,
      status: run.status,
      dry_run: run.dry_run,
      plan_id: run.plan_id,
      started_at: run.started_at,
      finished_at: run.finished_at,
    }));
    const text = runs.length ? runs.map((run) => `${run.run_id} ${run.tool} ${run.status}`).join('\n') : 'No runs match.';
    return { structured: { runs, count: runs.length }, text };
  },
});
