/**
 * Shared pieces of run-based tools: the common arguments (`wait_seconds`, `dry_run`, `plan_id`),
 * the common result keys (`run_id, status, dry_run, plan_id, report_uri, next_action`), and the
 * start → wait → respond sequence that turns a run into a tool result. `defineRunTool` (run-tool-
 * definition.ts) builds a whole run-based tool from these.
 */
import { z } from 'zod';
import type { RunDefinition } from '../engine/run-definition.js';
import { runToolResult } from './run-result.js';
import type { ToolContext, ToolResult } from './tool-definition.js';

export const RUN_STATUSES = ['succeeded', 'failed', 'running', 'cancelled', 'interrupted'] as const;

/** A run id as the server issues them (`r-YYYYMMDD-HHMMSS-xxxxxx`); anything else is refused before it is echoed. */
export const runIdArg = (description: string) =>
  z
    .string()
    .max(64)
    .regex(/^r-\d{8}-\d{6}-[0-9a-f]{6}$/, 'not a run id of this server (r-YYYYMMDD-HHMMSS-xxxxxx; list_runs shows them)')
    .describe(description);

/** A tool name (snake_case), bounded. */
export const toolNameArg = (description: string) =>
  z.string().min(1).max(64).regex(/^[a-z][a-z0-9_]*$/, 'not a tool name (snake_case, e.g. run_full_cycle)').describe(description);

export const waitSecondsArg = z
  .number()
  .int()
  .min(0)
  .max(50)
  .default(30)
  .describe('How long to wait for the run to finish before returning {run_id, status: "running", progress}; poll get_run afterwards. 0–50, default 30.');

export const dryRunArg = z
  .boolean()
  .default(true)
  .describe('true (default): plan only, write nothing, return a plan_id. false: apply (the plan_id when given, else plan and apply in one go).');

export const planIdArg = z
  .string()
  .regex(/^[a-f0-9]{16,64}$/)
  .optional()
  .describe('The plan_id returned by a dry run; with dry_run: false applies exactly that plan, refusing it if inputs or target changed since.');

export const progressShape = z
  .object({
    phase: z.string().describe('What the run is doing now.'),
    done: z.number().describe('Records done in this phase.'),
    total: z.number().optional().describe('Records in this phase, when known.'),
    rate: z.number().describe('Records per second.'),
    eta_seconds: z.number().optional().describe('Estimated seconds left in this phase.'),
  })
  .describe('Progress of a running run.');

export const runErrorShape = z
  .object({
    kind: z.string().describe('Error kind: config, auth, validation, transient, terminal, stale_plan, outside_data_root, not_found, busy, cancelled, interrupted, internal.'),
    message: z.string().describe('What went wrong.'),
    action: z.string().describe('What the operator should do.'),
  })
  .describe('Why the run stopped (failed, cancelled or interrupted runs).');

/** The keys every run-based tool returns. */
export const runResultKeys = {
  run_id: z.string().describe('The run id; use it with get_run, resume_run, cancel_run.'),
  status: z.enum(RUN_STATUSES).describe('succeeded: went through all records (record failures are counted); failed: could not go on; running; cancelled; interrupted (resumable).'),
  dry_run: z.boolean().describe('True when nothing was written to a target (counts mean "would").'),
  plan_id: z.string().nullable().describe('Plan id of a dry run or apply; pass it back with dry_run: false to apply exactly this plan.'),
  report_uri: z.string().describe('MCP resource URI of the Markdown run report.'),
  next_action: z.string().describe('One sentence telling an agent what to do next.'),
  progress: progressShape.nullable().optional(),
  error: runErrorShape.nullable().optional(),
};

/**
 * The output shape of a run-based tool: the common keys plus the tool's own keys, which are
 * optional because a run still in progress (or one that failed) does not have them yet.
 */
export function runOutputShape<S extends z.ZodRawShape>(specific: S): typeof runResultKeys & { [K in keyof S]: z.ZodOptional<S[K]> } {
  const optional = Object.fromEntries(Object.entries(specific).map(([key, schema]) => [key, (schema as z.ZodType).optional()])) as unknown as {
    [K in keyof S]: z.ZodOptional<S[K]>;
  };
  return { ...runResultKeys, ...optional };
}

/** Starts a run and answers with its result, or with its progress if it outlasts `wait_seconds`. */
export async function startRun(ctx: ToolContext, definition: RunDefinition, waitSeconds: number): Promise<ToolResult> {
  const run = ctx.deps.runs.start(definition);
  return awaitRun(ctx, run.runId, waitSeconds);
}

/**
 * Waits for a run (forwarding its progress), then answers. If the client cancels the request
 * while waiting, the run is cancelled too (it stays resumable).
 */
export async function awaitRun(ctx: ToolContext, runId: string, waitSeconds: number): Promise<ToolResult> {
  const { runs } = ctx.deps;
  const unsubscribe = runs.tracker(runId)?.onUpdate(ctx.reportProgress);
  const onAbort = () => {
    if (runs.isActive(runId)) runs.cancel(runId);
  };
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    let run = await runs.wait(runId, waitSeconds * 1000, ctx.signal);
    if (ctx.signal.aborted) run = await runs.wait(runId, 5000);
    return runToolResult(ctx, run);
  } finally {
    unsubscribe?.();
    ctx.signal.removeEventListener('abort', onAbort);
  }
}
