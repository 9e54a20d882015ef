/** devrev_backfill: fill the creator group of DevRev issues from a CSV or Snowflake, in batches, resumable. */
import { z } from 'zod';
import type { AppDeps } from '../../app-deps.js';
import { channelsFromConfig } from '../../alerts/index.js';
import { ValidationError } from '../../engine/errors.js';
import { metrics } from '../../metrics/index.js';
import { runBackfill } from '../../pipelines/devrev/backfill.js';
import { BACKFILL_TOOL } from '../../pipelines/devrev/mapper.js';
import { SnowflakeClient, statementFor, type SnowflakeSelection } from '../../sources/snowflake/index.js';
import { defineRunTool, type StoredArgs } from '../run-tool-definition.js';
import { dryRunArg, planIdArg, waitSecondsArg } from '../run-tool.js';
import { backfillResultShape } from './shapes.js';

const inputSchema = {
  csv: z.string().optional().describe('Input CSV inside MIGRATION_DATA_ROOTS: issue_id,creator_user_id,assigned_group[,creator_group] (creator_group empty: resolved). Needed for source "csv".'),
  source: z.enum(['csv', 'snowflake']).default('csv').describe('Where the rows come from: "csv" (default) or "snowflake" (SQL API v2, SNOWFLAKE_* settings) with query or table.'),
  query: z.string().max(20_000).optional().describe('Snowflake: one SELECT returning issue_id, creator_user_id, assigned_group and optionally creator_group.'),
  table: z.string().max(512).optional().describe('Snowflake: a table or view with those columns (NAME, SCHEMA.NAME or DB.SCHEMA.NAME), read whole.'),
  batch_size: z.number().int().min(1).max(1000).default(100).describe('Rows per batch (default 100): each batch is written, checkpointed and timed before the next.'),
  workers: z.number().int().min(1).max(16).default(4).describe('Concurrent writes within a batch (default 4); the rate limit and DevRev\'s window still pace them.'),
  dry_run: dryRunArg,
  plan_id: planIdArg,
  resume: z.boolean().default(false).describe('true: continue the last interrupted, failed or cancelled apply of the same input (same run id) from its checkpoint; done rows cost nothing.'),
  validate_only: z.boolean().default(false).describe('true: only read and check the input and group_mapping (invalid rows with line and reason); no API call at all.'),
  group_mapping: z.string().optional().describe('User → creator group file for rows without creator_group, before DevRev groups: CSV creator_user_id,creator_group or JSON {"DEVU-1": "Platform"}.'),
  overwrite: z.boolean().default(false).describe('true: replace a different creator group an issue already holds (default: such issues are skipped with a reason).'),
  wait_seconds: waitSecondsArg,
};

type Args = StoredArgs<typeof inputSchema, 'csv' | 'group_mapping'>;

/** The Snowflake selection of the arguments. */
function selection(args: Args): SnowflakeSelection {
  return args.table !== undefined ? { table: args.table } : { query: args.query ?? '' };
}

/** Checks the argument combinations before a run starts. */
function validate(args: Args): void {
  const fix = (message: string, action: string) => new ValidationError(message, { action });
  if (args.source === 'csv') {
    if (!args.csv) throw fix('source "csv" needs the csv argument.', 'Pass csv: the path of the input file (inside MIGRATION_DATA_ROOTS), or source: "snowflake" with query or table.');
    if (args.query !== undefined || args.table !== undefined) throw fix('query and table belong to source "snowflake".', 'Drop query/table, or pass source: "snowflake".');
  } else {
    if ((args.query === undefined) === (args.table === undefined)) throw fix('source "snowflake" needs exactly one of query or table.', 'Pass query (one SELECT) or table (a table name), not both.');
    if (args.csv) throw fix('csv belongs to source "csv".', 'Drop csv, or pass source: "csv".');
    statementFor(selection(args));
  }
  if (args.resume && (args.dry_run || args.validate_only)) throw fix('resume continues an apply.', 'Pass dry_run: false with resume: true (or drop resume for a dry run).');
  if (args.plan_id && args.validate_only) throw fix('validate_only does not take a plan_id.', 'Drop plan_id, or drop validate_only to apply the plan.');
}

const INPUT_ARGS = ['source', 'csv', 'query', 'table', 'group_mapping', 'overwrite'] as const;

/** The latest apply of the same input that did not finish: what `resume: true` continues. */
function resumeOf(args: Args, deps: AppDeps): string | undefined {
  if (!args.resume) return undefined;
  const wanted = args as Record<string, unknown>;
  const same = (stored: Record<string, unknown>) => INPUT_ARGS.every((key) => (stored[key] ?? null) === (wanted[key] ?? null));
  for (const listed of deps.runs.list({ tool: BACKFILL_TOOL, limit: 100 })) {
    if (listed.dry_run || !same(listed.args)) continue;
    const run = deps.runs.get(listed.run_id); // marks a dead process's run interrupted
    if (run.status === 'running') throw new ValidationError(`Run ${run.run_id} of this input is still running.`, { action: `Follow it with get_run {"run_id": "${run.run_id}"}.` });
    if (run.status === 'succeeded') break;
    return run.run_id;
  }
  throw new ValidationError('There is no interrupted, failed or cancelled apply of this input to resume.', {
    action: 'Call devrev_backfill without resume: a new run skips rows already done (they are unchanged and cost no writes).',
  });
}

export const devrevBackfillTool = defineRunTool({
  name: BACKFILL_TOOL,
  toolset: 'devrev',
  title: 'Backfill DevRev creator groups',
  description:
    "Fills the creator group (tenant field DEVREV_CREATOR_GROUP_FIELD) of DevRev issues from a CSV or Snowflake: row's creator_group, else group_mapping, else the creator's DevRev group; batches with checkpoints, alerts and metrics. Dry run by default (returns plan_id); validate_only checks the input without any API call; resume continues an interrupted apply.",
  inputSchema,
  resultShape: backfillResultShape,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  paths: { csv: {}, group_mapping: {} },
  dryRun: (args) => args.dry_run || args.validate_only,
  validate,
  resumeOf,
  execute: (args, ctx, deps) => {
    const source =
      args.source === 'csv'
        ? { kind: 'csv' as const, file: args.csv }
        : { kind: 'snowflake' as const, selection: selection(args), client: () => SnowflakeClient.fromConfig(deps.config, ctx.logger) };
    const { resume: _resume, plan_id: _planId, dry_run: _dryRun, ...rest } = args as Record<string, unknown>;
    return runBackfill(
      {
        source,
        groupMapping: args.group_mapping,
        batchSize: args.batch_size,
        workers: args.workers,
        dryRun: args.dry_run || args.validate_only,
        planId: args.plan_id,
        validateOnly: args.validate_only,
        overwrite: args.overwrite,
        args: rest,
      },
      ctx,
      {
        devrev: () => deps.targets.devrev({ logger: ctx.logger }),
        channels: () => channelsFromConfig(deps.config.alerts, ctx.logger),
        thresholds: deps.config.alerts,
        metrics: metrics(),
      },
    );
  },
});
