/**
 * DevRev creator-group backfill (the seed's `main.py`): fill the creator group of DevRev issues.
 *
 * source (CSV or Snowflake) → validate (invalid rows to the rejects file) → [validate_only: stop,
 * no API call] → read DevRev issues (paged) and, when a row needs it, the group directory (once) →
 * resolve each row's group (row > group_mapping > DevRev membership) → plan (update / unchanged /
 * skip with reasons; plan_id) → [dry run: stop] → apply in batches (intent per write, checkpoint
 * per batch, alerts, metrics) → result. A re-run writes nothing; `resume` continues the same run.
 */
import { AlertMonitor, type AlertChannel, type AlertThresholds } from '../../alerts/index.js';
import { throwIfCancelled } from '../../engine/errors.js';
import { tallyIntents } from '../../engine/apply.js';
import { itemsToApply, recordPlan } from '../../engine/plan.js';
import type { RunContext } from '../../engine/run-context.js';
import type { RunOutcome } from '../../engine/run-definition.js';
import { apiStats } from '../../http/index.js';
import type { MigrationMetrics } from '../../metrics/index.js';
import { readGroupDirectory, type GroupDirectory } from '../../targets/devrev/groups.js';
import type { DevRevConnection } from '../../targets/registry.js';
import { boundedList } from '../../transform/warnings.js';
import { applyInBatches, type BatchReport } from './apply-batches.js';
import { loadGroupMapping } from './group-mapping.js';
import { inputKey, readBackfillInput, type BackfillSource } from './input.js';
import { BACKFILL_TOOL, planBackfill } from './mapper.js';
import { resolveCreatorGroup, type ResolveContext } from './resolve-group.js';
import { BATCH_SAMPLE, batchTiming, countItems, nextAction, sampleRows, type BackfillCheckpoint, type BackfillResult } from './result.js';
import { validateOnlyResult } from './validate-only.js';

/** What one backfill run is asked to do. */
export interface BackfillRequest {
  source: BackfillSource;
  groupMapping?: string | undefined;
  batchSize: number;
  dryRun: boolean;
  planId?: string | undefined;
  validateOnly: boolean;
  overwrite: boolean;
  /** Concurrent writers within a batch. @default 4 */
  workers?: number;
  /** The tool arguments, for next_action. */
  args: Record<string, unknown>;
}

/** What the run gets from outside: DevRev (built only when needed), alert channels, thresholds, metrics. */
export interface BackfillDeps {
  devrev: () => DevRevConnection;
  channels: () => AlertChannel[];
  thresholds: Partial<AlertThresholds>;
  metrics?: MigrationMetrics | undefined;
}

/** The checkpoint key of a backfill run in the ledger. */
export const CHECKPOINT_KEY = 'backfill';

export async function runBackfill(request: BackfillRequest, ctx: RunContext, deps: BackfillDeps): Promise<RunOutcome<BackfillResult>> {
  const started = Date.now();
  ctx.progress.start('reading the input');
  const key = await inputKey(request.source.kind === 'csv' ? request.source : { kind: 'snowflake', selection: request.source.selection });
  const input = await readBackfillInput(request.source, { runId: ctx.runId, outputDir: ctx.config.outputDir, sandbox: ctx.config.sandbox, signal: ctx.signal, maxRecordBytes: ctx.config.maxRecordBytes, onBatch: (n) => ctx.progress.advance(n) });
  const mapping = request.groupMapping ? await loadGroupMapping(request.groupMapping, ctx.signal) : undefined;
  const readMs = Date.now() - started;
  if (request.validateOnly) {
    const result = validateOnlyResult(input, mapping, { field: ctx.config.devrev.creatorGroupField, readMs });
    return { result, planId: null, nextAction: nextAction(result, request.args, null, true) };
  }
  throwIfCancelled(ctx.signal);

  const devrev = deps.devrev();
  const target = devrev.issues;
  ctx.progress.start('reading DevRev issues');
  const issues = await target.readIssues(ctx.signal);
  const context: ResolveContext = { mapping };
  const needsDirectory = input.rows.some((row) => resolveCreatorGroup(row, context).kind === 'pending');
  let directory: GroupDirectory | undefined;
  if (needsDirectory) {
    ctx.progress.start('reading DevRev groups and members');
    directory = await readGroupDirectory(devrev.client, ctx.signal);
    context.directory = directory;
  }
  const { plan, notes } = planBackfill(input.rows, (row) => resolveCreatorGroup(row, context), issues, target.field, { overwrite: request.overwrite });
  const planMs = Date.now() - started - readMs;
  recordPlan(ctx.ledger, plan, ctx.runId);

  let reports: BatchReport[] = [];
  let checkpoint: BackfillCheckpoint | null = null;
  let items = plan.items;
  const warnings: string[] = [];
  const monitor = new AlertMonitor({ tool: BACKFILL_TOOL, runId: ctx.runId, channels: deps.channels(), thresholds: deps.thresholds, onAlert: (alert) => deps.metrics?.recordAlert(BACKFILL_TOOL, alert.kind) });
  const applyStarted = Date.now();
  if (!request.dryRun) {
    items = itemsToApply(ctx.ledger, plan, request.planId, ctx.resume);
    const previous = ctx.resume ? ctx.ledger.checkpoints.get<BackfillCheckpoint>(ctx.runId, CHECKPOINT_KEY) : undefined;
    if (previous && previous.input_key !== key) warnings.push('The input changed since the interrupted attempt of this run; the rows were planned again from the current input.');
    let rowsDone = 0;
    try {
      reports = await applyInBatches({
        ctx,
        items,
        target,
        batchSize: request.batchSize,
        workers: request.workers,
        onBatch: (report, batches) => {
          rowsDone += report.rows;
          checkpoint = { run_id: ctx.runId, batch: report.batch, batches, last_line: report.last_line, rows_done: rowsDone, input_key: key, resumed_from: previous ? { batch: previous.batch, last_line: previous.last_line } : null };
          ctx.ledger.checkpoints.set(BACKFILL_TOOL, ctx.runId, CHECKPOINT_KEY, checkpoint);
          deps.metrics?.recordBatch(BACKFILL_TOOL, report.duration_ms / 1000);
          monitor.batchDone({ batch: report.batch, durationMs: report.duration_ms, processed: report.rows, failed: report.failed });
          const stats = devrev.client.stats();
          monitor.apiErrors(stats.failures + Math.max(0, stats.retries - stats.rateLimited));
        },
      });
    } finally {
      await monitor.settle();
    }
  }

  const intents = request.dryRun ? undefined : ctx.ledger.intents.latestForRun(ctx.runId, target.system, target.kind);
  const tally = intents ? tallyIntents(intents) : { failures: [] as { key: string; error: string }[] };
  const counts = countItems(items, intents);
  const window = devrev.client.http.bucket.window;
  if (notes.multiGroupUsers) warnings.push(`${notes.multiGroupUsers} creator(s) belong to several DevRev groups; rule: the row's assigned_group when the creator is in it, else the first group by name. Pin them in group_mapping to choose.`);
  if (notes.creatorMismatch) warnings.push(`${notes.creatorMismatch} row(s) name a creator who did not create the issue in DevRev; the input may be stale.`);
  if (input.duplicates.length) warnings.push(`${input.duplicates.length} row(s) repeat an earlier row for the same issue and were skipped (first: line ${input.duplicates[0]!.row.source.line}, same as line ${input.duplicates[0]!.firstLine}).`);
  const result: BackfillResult = {
    source: input.describe,
    field: target.field,
    validate_only: false,
    rows: input.read,
    valid: input.read - input.invalid,
    invalid: input.invalid,
    duplicates: input.duplicates.length,
    processed: request.dryRun ? items.length : reports.reduce((sum, r) => sum + r.rows, 0),
    ...counts,
    skipped: counts.skipped + input.duplicates.length,
    checkpoint,
    invalid_samples: input.invalidSamples,
    batches: reports.slice(-BATCH_SAMPLE),
    batch_timing: batchTiming(reports),
    groups: {
      from_row: notes.resolvedVia.row,
      from_mapping: notes.resolvedVia.mapping,
      from_devrev: notes.resolvedVia.devrev,
      needs_devrev: 0,
      unresolved: plan.items.filter((item) => item.action === 'skip' && item.data.payload.value === '').length,
      multi_group_users: notes.multiGroupUsers,
      devrev_groups: directory ? directory.groups.length : null,
    },
    creator_mismatch: notes.creatorMismatch,
    items: sampleRows(items, new Map(tally.failures.map((f) => [f.key, f.error]))),
    failures: tally.failures,
    alerts: monitor.alerts,
    warnings: boundedList(warnings),
    outputs: { rejects: input.rejectsFile },
    timings: { read_ms: readMs, plan_ms: planMs, apply_ms: request.dryRun ? 0 : Date.now() - applyStarted },
    rate_limit: window ? { limit: window.limit, remaining: window.remaining, reset_at: new Date(window.resetAtMs).toISOString() } : null,
    api: apiStats(devrev.client.stats()),
  };
  return { result, planId: plan.planId, nextAction: nextAction(result, request.args, plan.planId, request.dryRun) };
}
