/**
 * Apply: executes the writes of a plan against a target with exactly-once effects.
 *
 * For every write an intent is recorded first (planned → sent) and its outcome after
 * (acked | failed | ambiguous). A create whose outcome is unknown — a timeout, a reset connection,
 * a 5xx after the server may have committed, a crash — is never blindly retried: it is resolved
 * by looking the record up on the target by its external key (one bulk read for all of them) and
 * adopted if it exists, created again only if it does not.
 *
 * Record-level failures (4xx validation) fail that record and the run goes on; auth errors, an
 * open circuit and cancellation stop the run (in-flight writes finish), leaving it resumable.
 * Progress is committed per record in the ledger, so a killed process loses at most its
 * in-flight requests; a resume re-plans against the target and finishes the work.
 */
import { CircuitOpenError } from '../http/errors.js';
import { CancelledError, MigrationError } from './errors.js';
import type { Intent } from './ledger/intent-store.js';
import type { RunContext } from './run-context.js';
import { runPool } from './worker-pool.js';

export type WriteOp = 'create' | 'update' | 'deactivate' | 'none';

export interface ApplyItem<P> {
  /** External key (PPak job number, SKU…). */
  key: string;
  /** `none` records need no write (unchanged, or skipped): they only refresh identities. */
  op: WriteOp;
  /** Known target id (updates, unchanged records); null for creates. */
  targetId: string | null;
  payload: P;
  contentHash: string;
  source?: { file?: string | null; line?: number | null; sheet?: string | null } | undefined;
}

export interface ApplyTarget<P> {
  system: string;
  kind: string;
  /** Creates the record; resolves its target id. Not retried blindly by the HTTP layer. */
  create(payload: P, signal: AbortSignal): Promise<string>;
  /** Updates (or deactivates) the record; idempotent. */
  update(targetId: string, payload: P, signal: AbortSignal): Promise<void>;
  /** Looks records up on the target by external key (one bulk read); key → target id. */
  lookup(keys: ReadonlySet<string>, signal: AbortSignal): Promise<Map<string, string>>;
}

export interface ApplyOptions<P> {
  ctx: Pick<RunContext, 'runId' | 'ledger' | 'signal' | 'progress' | 'logger'>;
  target: ApplyTarget<P>;
  items: readonly ApplyItem<P>[];
  /** Concurrent writers (the token bucket still paces them). @default 4 */
  workers?: number;
  /** Progress phase label. */
  phase: string;
  /** Rounds of lookup + re-create for unknown outcomes. @default 3 */
  reconcileRounds?: number;
}

export interface ApplyReport {
  /** Latest intent per key of this run (every attempt), after the apply. */
  intents: Map<string, Intent>;
  /** Creates whose unknown outcome was resolved by a lookup (adopted). */
  reconciled: number;
}

/** Applies the writes; throws (leaving a resumable run) on auth errors, open circuit or cancel. */
export async function applyWrites<P>(options: ApplyOptions<P>): Promise<ApplyReport> {
  const { ctx, target, items } = options;
  const { ledger, runId, signal } = ctx;
  const earlier = ledger.intents.latestForRun(runId, target.system, target.kind);
  let reconciled = 0;

  const acknowledge = (item: ApplyItem<P>, intentId: number, targetId: string, detail?: string, op: WriteOp = item.op) => {
    ledger.transaction(() => {
      ledger.intents.transition(intentId, 'acked', { target_id: targetId });
      ledger.identities.upsert(target.system, target.kind, item.key, targetId, item.contentHash, runId);
      ledger.provenance.record({
        run_id: runId,
        system: target.system,
        kind: target.kind,
        item_key: item.key,
        action: pastTense(op),
        target_id: targetId,
        source_file: item.source?.file,
        source_sheet: item.source?.sheet,
        source_line: item.source?.line,
        content_hash: item.contentHash,
        detail,
      });
    });
  };

  // Records needing no write: keep identities true to the target; settle intents of an earlier
  // attempt whose outcome was unknown but whose record the fresh plan found on the target.
  const todo: ApplyItem<P>[] = [];
  const known = ledger.identities.all(target.system, target.kind);
  ledger.transaction(() => {
    for (const item of items) {
      if (item.op !== 'none') {
        todo.push(item);
        continue;
      }
      if (!item.targetId) continue;
      const before = earlier.get(item.key);
      if (before && (before.state === 'sent' || before.state === 'ambiguous')) {
        acknowledge(item, before.intent_id, item.targetId, 'found on the target after an unknown outcome (adopted)', before.op as WriteOp);
        reconciled += 1;
      } else {
        const identity = known.get(item.key);
        if (identity?.target_id !== item.targetId) ledger.identities.upsert(target.system, target.kind, item.key, item.targetId, item.contentHash, identity?.last_run_id ?? null);
      }
    }
  });

  let fatal: unknown;
  const ambiguous: ApplyItem<P>[] = [];

  const writeOne = async (item: ApplyItem<P>, intentId: number) => {
    ledger.intents.transition(intentId, 'sent');
    try {
      let targetId: string;
      if (item.op === 'create') targetId = await target.create(item.payload, signal);
      else {
        if (!item.targetId) throw new Error(`Plan item ${item.key} (${item.op}) has no target id`);
        await target.update(item.targetId, item.payload, signal);
        targetId = item.targetId;
      }
      acknowledge(item, intentId, targetId);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const stopsRun = error instanceof CancelledError || signal.aborted || error instanceof CircuitOpenError || (error instanceof MigrationError && error.kind === 'auth');
      const maybeApplied = item.op === 'create' && outcomeOf(error) === 'unknown';
      ledger.intents.transition(intentId, maybeApplied ? 'ambiguous' : 'failed', { error: message });
      if (maybeApplied && !stopsRun) ambiguous.push(item);
      if (stopsRun || !(error instanceof MigrationError)) fatal ??= error;
      else ctx.logger.warn(`${target.kind} ${item.key}: ${message}`);
    }
  };

  const runWrites = async (batch: readonly ApplyItem<P>[], phase: string) => {
    const ids = ledger.intents.planMany(runId, target.system, target.kind, batch.map((item) => ({ key: item.key, op: item.op, content_hash: item.contentHash })));
    ctx.progress.start(phase, batch.length);
    await runPool(
      batch,
      options.workers ?? 4,
      async (item) => {
        await writeOne(item, ids.get(item.key)!);
        ctx.progress.advance();
      },
      () => fatal !== undefined || signal.aborted,
    );
    if (fatal === undefined && signal.aborted) fatal = new CancelledError();
    if (fatal !== undefined) throw fatal;
  };

  await runWrites(todo, options.phase);

  // Unknown outcomes: one lookup for all of them; adopt what exists, create the rest again.
  for (let round = 1; ambiguous.length && round <= (options.reconcileRounds ?? 3); round += 1) {
    const pending = ambiguous.splice(0);
    ctx.logger.info(`Reconciling ${pending.length} ${target.kind}(s) whose create outcome is unknown (round ${round}).`);
    const found = await target.lookup(new Set(pending.map((item) => item.key)), signal);
    const again: ApplyItem<P>[] = [];
    for (const item of pending) {
      const targetId = found.get(item.key);
      if (!targetId) {
        again.push(item);
        continue;
      }
      const [intentId] = ledger.intents.planMany(runId, target.system, target.kind, [{ key: item.key, op: item.op, content_hash: item.contentHash }]).values();
      acknowledge(item, intentId!, targetId, 'found on the target after an unknown outcome (adopted)');
      reconciled += 1;
    }
    if (again.length) await runWrites(again, `${options.phase} (retrying ${again.length} after reconciliation)`);
  }

  return { intents: ledger.intents.latestForRun(runId, target.system, target.kind), reconciled };
}

/** Whether a failed write may have been applied by the target. */
function outcomeOf(error: unknown): 'not_sent' | 'unknown' | 'rejected' {
  if (error instanceof CircuitOpenError) return 'not_sent';
  const outcome = (error as { outcome?: unknown } | null)?.outcome;
  if (outcome === 'not_sent' || outcome === 'unknown' || outcome === 'rejected') return outcome;
  // A request aborted in flight (cancel, shutdown) may have been committed by the target.
  if (error instanceof CancelledError) return 'unknown';
  if (error instanceof MigrationError) return error.kind === 'transient' ? 'unknown' : 'rejected';
  return 'unknown';
}

function pastTense(op: WriteOp): string {
  return op === 'create' ? 'created' : op === 'update' ? 'updated' : op === 'deactivate' ? 'deactivated' : 'unchanged';
}

/** Counts of a run's latest intents: writes done per op, failures, and failure samples. */
export function tallyIntents(intents: Map<string, Intent>, sampleSize = 20): {
  done: Record<string, number>;
  doneKeys: Set<string>;
  failed: number;
  failures: { key: string; error: string }[];
} {
  const done: Record<string, number> = {};
  const doneKeys = new Set<string>();
  const failures: { key: string; error: string }[] = [];
  let failed = 0;
  for (const intent of intents.values()) {
    if (intent.state === 'acked') {
      done[intent.op] = (done[intent.op] ?? 0) + 1;
      doneKeys.add(intent.item_key);
    } else if (intent.state === 'failed' || intent.state === 'ambiguous') {
      failed += 1;
      if (failures.length < sampleSize) failures.push({ key: intent.item_key, error: intent.error ?? intent.state });
    }
  }
  return { done, doneKeys, failed, failures };
}
