/**
 * Apply: executes the writes of a plan against its targets with exactly-once effects, in phases.
 *
 * Phases run in order (epics before their stories; re-parenting before deletes). An item may name
 * a parent — an item of an earlier phase, by target kind and key — and gets that parent's target
 * id from the parent's outcome: created, already there, or adopted by reconciliation after a lost
 * response. A child whose parent has no id (it failed or was skipped) fails without a request.
 *
 * For every write an intent is recorded first (planned → sent) and its outcome after
 * (acked | failed | ambiguous). A create whose outcome is unknown — a timeout, a reset connection,
 * a 5xx after the server may have committed, a crash — is never blindly retried: it is resolved by
 * looking the record up on the target by its external key (one bulk read for all of them) and
 * adopted if it exists, created again only if it does not. Updates and deletes are idempotent.
 *
 * Record-level failures fail that record and the run goes on; errors that stop a run (bad
 * credentials, an open circuit, cancellation, bugs) stop it after the in-flight writes, leaving it
 * resumable. Progress is committed per record, so a killed process loses at most its in-flight
 * requests; a resume re-plans against the target and finishes the work.
 */
import { CancelledError, MigrationError, type RequestOutcome } from './errors.js';
import type { Intent } from './ledger/intent-store.js';
import type { RunContext } from './run-context.js';
import type { SourceRef, Target } from './target.js';
import { runPool } from './worker-pool.js';

export type WriteOp = 'create' | 'update' | 'deactivate' | 'delete' | 'none';

/** An item of an earlier phase, by its target kind and key. */
export interface ParentRef {
  kind: string;
  key: string;
}

export interface ApplyItem<P> {
  /** External key (PPak job number, SKU, WPR line key…), unique within its phase. */
  key: string;
  /** `none` records need no write (unchanged, or skipped): they only refresh identities. */
  op: WriteOp;
  /** Known target id (updates, deletes, unchanged records); null for creates. */
  targetId: string | null;
  payload: P;
  contentHash: string;
  source?: SourceRef | undefined;
  /** The record this one belongs under (its target id is passed to create/update). */
  parent?: ParentRef | undefined;
}

/** One phase: the items of one target, written before the next phase starts. */
export interface ApplyPhase<P> {
  /** Progress label, e.g. "creating epics". */
  label: string;
  target: Target<P>;
  items: readonly ApplyItem<P>[];
}

export interface ApplyOptions {
  /** Concurrent writers per phase (the token bucket still paces them). @default 4 */
  workers?: number;
  /** Rounds of lookup + re-create for unknown outcomes. @default 3 */
  reconcileRounds?: number;
  /** Called when a record's write is settled (acked or failed), e.g. for progress per order. */
  onSettled?: (event: { kind: string; item: ApplyItem<unknown>; state: 'acked' | 'failed'; error?: string }) => void;
}

/** What one phase did. */
export interface PhaseReport {
  kind: string;
  /** Latest intent per key of this run (every attempt), after the phase. */
  intents: Map<string, Intent>;
  /** Creates whose unknown outcome was resolved by a lookup (adopted). */
  reconciled: number;
  /** Key → target id of every record of the phase that has one now. */
  ids: Map<string, string>;
}

export type ApplyContext = Pick<RunContext, 'runId' | 'ledger' | 'signal' | 'progress' | 'logger'>;

/** Applies the phases in order; throws (leaving a resumable run) on an error that stops the run. */
export async function applyPhases(ctx: ApplyContext, phases: readonly ApplyPhase<unknown>[], options: ApplyOptions = {}): Promise<PhaseReport[]> {
  const resolved = new Map<string, Map<string, string>>();
  const reports: PhaseReport[] = [];
  for (const phase of phases) {
    const report = await applyPhase(ctx, phase, resolved, options);
    const known = resolved.get(report.kind) ?? new Map<string, string>();
    for (const [key, id] of report.ids) known.set(key, id);
    resolved.set(report.kind, known);
    reports.push(report);
  }
  return reports;
}

/** Applies the writes of one target (a single phase). */
export async function applyWrites<P>(ctx: ApplyContext, phase: ApplyPhase<P>, options: ApplyOptions = {}): Promise<PhaseReport> {
  return applyPhase(ctx, phase as ApplyPhase<unknown>, new Map(), options);
}

async function applyPhase(ctx: ApplyContext, phase: ApplyPhase<unknown>, resolved: ReadonlyMap<string, ReadonlyMap<string, string>>, options: ApplyOptions): Promise<PhaseReport> {
  const { ledger, runId, signal } = ctx;
  const { target } = phase;
  const ref = { system: target.system, scope: target.scope, kind: target.kind };
  const earlier = ledger.intents.latestForRun(runId, target.system, target.kind);
  let reconciled = 0;

  const acknowledge = (item: ApplyItem<unknown>, intentId: number, targetId: string, detail?: string, op: WriteOp = item.op) => {
    ledger.transaction(() => {
      ledger.intents.transition(intentId, 'acked', { target_id: targetId });
      if (op === 'delete') {
        if (ledger.identities.get(ref, item.key)?.target_id === targetId) ledger.identities.forget(ref, item.key);
      } else ledger.identities.upsert(ref, item.key, targetId, item.contentHash, runId);
      ledger.provenance.record({
        run_id: runId, system: target.system, scope: target.scope, kind: target.kind, item_key: item.key, action: pastTense(op), target_id: targetId,
        source_file: item.source?.file, source_sheet: item.source?.sheet, source_line: item.source?.line, content_hash: item.contentHash, detail,
      });
    });
    options.onSettled?.({ kind: target.kind, item, state: 'acked' });
  };
  const fail = (item: ApplyItem<unknown>, intentId: number, state: 'failed' | 'ambiguous', error: string) => {
    ledger.intents.transition(intentId, state, { error });
    options.onSettled?.({ kind: target.kind, item, state: 'failed', error });
  };

  // Records needing no write: keep identities true to the target; settle intents of an earlier
  // attempt whose outcome was unknown but whose record the fresh plan found on the target.
  const todo: ApplyItem<unknown>[] = [];
  const known = ledger.identities.all(ref);
  ledger.transaction(() => {
    for (const item of phase.items) {
      if (item.op !== 'none') {
        todo.push(item);
        continue;
      }
      if (!item.targetId) continue;
      const before = earlier.get(item.key);
      if (before && (before.state === 'sent' || before.state === 'ambiguous') && before.op !== 'delete') {
        acknowledge(item, before.intent_id, item.targetId, 'found on the target after an unknown outcome (adopted)', before.op as WriteOp);
        reconciled += 1;
      } else if (known.get(item.key)?.target_id !== item.targetId) {
        ledger.identities.upsert(ref, item.key, item.targetId, item.contentHash, known.get(item.key)?.last_run_id ?? null);
      }
    }
  });

  let fatal: unknown;
  const ambiguous: ApplyItem<unknown>[] = [];

  const writeOne = async (item: ApplyItem<unknown>, intentId: number) => {
    let parentId: string | undefined;
    if (item.parent) {
      parentId = resolved.get(item.parent.kind)?.get(item.parent.key);
      if (!parentId) {
        fail(item, intentId, 'failed', `its parent ${item.parent.kind} ${item.parent.key} has no id on ${target.system} (it failed or was skipped), so it was not written`);
        return;
      }
    }
    ledger.intents.transition(intentId, 'sent');
    try {
      const writeOptions = { signal, parentId };
      let targetId = item.targetId;
      if (item.op === 'create') targetId = await target.create(item.payload, writeOptions);
      else if (!targetId) throw new Error(`Plan item ${item.key} (${item.op}) has no target id`);
      else if (item.op === 'delete') {
        if (!target.delete) throw new Error(`Target ${target.system}/${target.kind} cannot delete records`);
        await target.delete(targetId, writeOptions);
      } else {
        const replaced = await target.update(targetId, item.payload, writeOptions);
        if (typeof replaced === 'string' && replaced !== '') targetId = replaced;
      }
      acknowledge(item, intentId, targetId!);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const stopsRun = signal.aborted || !(error instanceof MigrationError) || error.stopsRun;
      const maybeApplied = item.op === 'create' && outcomeOf(error) === 'unknown';
      fail(item, intentId, maybeApplied ? 'ambiguous' : 'failed', message);
      if (maybeApplied && !stopsRun) ambiguous.push(item);
      if (stopsRun) fatal ??= error;
      else ctx.logger.warn(`${target.kind} ${item.key}: ${message}`);
    }
  };

  const runWrites = async (batch: readonly ApplyItem<unknown>[], label: string) => {
    const ids = ledger.intents.planMany(runId, target.system, target.kind, batch.map((item) => ({ key: item.key, op: item.op, content_hash: item.contentHash })));
    ctx.progress.start(label, batch.length);
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

  await runWrites(todo, phase.label);

  // Unknown outcomes: one lookup for all of them; adopt what exists, create the rest again.
  for (let round = 1; ambiguous.length && round <= (options.reconcileRounds ?? 3); round += 1) {
    const pending = ambiguous.splice(0);
    ctx.logger.info(`Reconciling ${pending.length} ${target.kind}(s) whose create outcome is unknown (round ${round}).`);
    const found = await target.lookup(new Set(pending.map((item) => item.key)), signal);
    const again: ApplyItem<unknown>[] = [];
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
    if (again.length) await runWrites(again, `${phase.label} (retrying ${again.length} after reconciliation)`);
  }

  const intents = ledger.intents.latestForRun(runId, target.system, target.kind);
  return { kind: target.kind, intents, reconciled, ids: idsAfter(phase.items, intents) };
}

/** Key → target id after a phase: known ids from the plan, then what the acknowledged writes returned. */
function idsAfter(items: readonly ApplyItem<unknown>[], intents: ReadonlyMap<string, Intent>): Map<string, string> {
  const ids = new Map<string, string>();
  for (const item of items) if (item.targetId && item.op !== 'delete') ids.set(item.key, item.targetId);
  for (const intent of intents.values()) {
    if (intent.state !== 'acked' || !intent.target_id) continue;
    if (intent.op === 'delete') ids.delete(intent.item_key);
    else ids.set(intent.item_key, intent.target_id);
  }
  return ids;
}

/** Whether a failed write may have been applied by the target. */
function outcomeOf(error: unknown): RequestOutcome {
  if (!(error instanceof MigrationError)) return 'unknown';
  if (error.writeOutcome) return error.writeOutcome;
  // A request aborted in flight (cancel, shutdown) may have been committed by the target.
  return error.kind === 'transient' || error.kind === 'cancelled' ? 'unknown' : 'rejected';
}

function pastTense(op: WriteOp): string {
  return op === 'create' ? 'created' : op === 'update' ? 'updated' : op === 'deactivate' ? 'deactivated' : op === 'delete' ? 'deleted' : 'unchanged';
}

/** Counts of a run's latest intents: writes done per op, failures, and failure samples. */
export function tallyIntents(intents: ReadonlyMap<string, Intent>, sampleSize = 20): {
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
