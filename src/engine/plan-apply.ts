/**
 * Plan and apply: the one shape of every writing pipeline.
 *
 *   source records ─ mapper ─▶ plan items (create / update / deactivate / unchanged / skip / delete,
 *   with reasons, content hashes and the target facts they were compared with) ─▶ recorded under
 *   their plan_id ─▶ dry run: counts and samples │ apply: the writes, phase by phase ─▶ tally
 *
 * A pipeline supplies a mapper per record kind (key, payload, how to find the target's current
 * record, what differs) and the phases that write each kind; this module does the rest, the same
 * way for every runbook: duplicate keys in the source are skipped with a reason, content hashes
 * exclude the target's volatile fields, the plan id covers inputs and target state (so a changed
 * target makes an approved plan stale), and the apply goes through the engine's intents.
 */
import { applyPhases, tallyIntents, type ApplyItem, type ApplyOptions, type ParentRef, type PhaseReport, type WriteOp } from './apply.js';
import { contentHash } from './canonical-hash.js';
import type { PlanItem } from './ledger/plan-store.js';
import { fingerprint, itemsToApply, makePlan, recordPlan, type ComputedPlan } from './plan.js';
import type { RunContext } from './run-context.js';
import type { SourceRef, Target } from './target.js';

export type PlanAction = 'create' | 'update' | 'deactivate' | 'delete' | 'unchanged' | 'skip';

/** What a plan item carries for its apply. */
export interface RecordPlanData<P> {
  /** Target kind of the record (phases select items by it). */
  kind: string;
  payload: P;
  source?: SourceRef | undefined;
  /** Fields that differ from the target (updates). */
  changed?: string[] | undefined;
  parent?: ParentRef | undefined;
}

export type RecordPlanItem<P> = PlanItem<RecordPlanData<P>>;

/** How the records of one kind are planned against the target's current state. */
export interface RecordMapper<S, P, C> {
  /** Target kind, e.g. `project`. */
  kind: string;
  /** External key of a source record. */
  key(record: S): string;
  /** The desired state on the target. */
  payload(record: S): P;
  source?(record: S): SourceRef | undefined;
  parent?(record: S): ParentRef | undefined;
  /** Why the record must not be written (it is planned `skip` with this reason). */
  skipReason?(record: S): string | undefined;
  /** The target's current record for this one (found by key, id…), or undefined. */
  current(record: S, key: string): C | undefined;
  idOf(current: C): string;
  /** Fields of the desired payload that differ from the current record ([] when unchanged). */
  changes(desired: P, current: C): string[];
  /** What of a current record enters the target fingerprint. @default the compared record itself */
  facts?(current: C): unknown;
  /** Action for a record absent from the target. @default create */
  absent?(record: S, payload: P): { action: PlanAction; reason?: string };
  /** Action for a changed record. @default update */
  changed?(record: S, payload: P, current: C, changes: string[]): PlanAction;
}

/** Plan items of one kind, and the facts they were computed from. */
export interface PlannedRecords<P> {
  items: RecordPlanItem<P>[];
  /** (key, input fact) pairs: what of the inputs shaped each item. */
  inputs: [string, unknown][];
  /** (key, target fact) pairs: what of the target each item was compared with. */
  target: [string, unknown][];
}

/** Plans every record of one kind. `volatileFields` are left out of content hashes. */
export function planRecords<S, P, C>(records: Iterable<S>, mapper: RecordMapper<S, P, C>, options: { system: string; volatileFields?: readonly string[] }): PlannedRecords<P> {
  const out: PlannedRecords<P> = { items: [], inputs: [], target: [] };
  const seen = new Set<string>();
  for (const record of records) {
    const key = mapper.key(record);
    const payload = mapper.payload(record);
    const data: RecordPlanData<P> = { kind: mapper.kind, payload, source: mapper.source?.(record), parent: mapper.parent?.(record) };
    const hash = contentHash(payload, options.volatileFields);
    const add = (item: RecordPlanItem<P>) => {
      out.items.push(item);
      out.inputs.push([`${mapper.kind}:${key}`, `${item.action === 'skip' ? `skip:${item.reason ?? ''}` : ''}${hash}${data.parent ? `<${data.parent.kind}:${data.parent.key}` : ''}`]);
    };
    if (seen.has(key)) {
      add({ key, action: 'skip', reason: `duplicate ${mapper.kind} key ${key} in the input (kept the first)`, content_hash: hash, data });
      continue;
    }
    seen.add(key);
    const current = mapper.current(record, key);
    out.target.push([`${mapper.kind}:${key}`, current === undefined ? null : { id: mapper.idOf(current), facts: mapper.facts ? mapper.facts(current) : current }]);
    const skip = mapper.skipReason?.(record);
    if (skip) {
      add({ key, action: 'skip', reason: skip, target_id: current === undefined ? null : mapper.idOf(current), content_hash: hash, data });
      continue;
    }
    if (current === undefined) {
      const { action, reason } = mapper.absent?.(record, payload) ?? { action: 'create' as const, reason: `not in ${options.system}` };
      add({ key, action, reason, content_hash: hash, data });
      continue;
    }
    const changes = mapper.changes(payload, current);
    const targetId = mapper.idOf(current);
    if (changes.length === 0) add({ key, action: 'unchanged', target_id: targetId, content_hash: hash, data });
    else {
      const action = mapper.changed?.(record, payload, current, changes) ?? 'update';
      add({ key, action, reason: `changed: ${changes.join(', ')}`, target_id: targetId, content_hash: hash, data: { ...data, changed: changes } });
    }
  }
  return out;
}

/** Builds the plan of a tool from planned kinds; `targetUnknown` replaces the target fingerprint when the target could not be read. */
export function composePlan<P>(tool: string, parts: readonly PlannedRecords<P>[], options: { variant?: string; targetUnknown?: string } = {}): ComputedPlan<RecordPlanData<P>> {
  const items = parts.flatMap((part) => part.items);
  const inputs = fingerprint(parts.flatMap((part) => part.inputs));
  const target = options.targetUnknown ?? fingerprint(parts.flatMap((part) => part.target));
  return makePlan(tool, items, inputs, target, options.variant);
}

/** One write phase: the plan items of `kind` go to `target`. */
export interface WritePhase<P> {
  label: string;
  target: Target<P>;
  /** Items of this kind are written in this phase. @default target.kind */
  kind?: string;
}

/** Counts per action: planned (dry run) or done (apply); `failed` only after an apply. */
export type ActionCounts = Record<PlanAction | 'failed', number>;

/** What a dry run or an apply of a plan produced. */
export interface PlanOutcome<P> {
  planId: string;
  /** The items planned (dry run) or applied. */
  items: RecordPlanItem<P>[];
  /** All kinds together, and per kind. */
  counts: ActionCounts;
  byKind: Record<string, ActionCounts>;
  failures: { key: string; error: string }[];
  reconciled: number;
  /** Kind → key → target id, for every record known on the target after the run. */
  ids: Map<string, Map<string, string>>;
}

export interface ExecuteOptions<P> extends ApplyOptions {
  ctx: Pick<RunContext, 'runId' | 'ledger' | 'signal' | 'progress' | 'logger' | 'resume'>;
  plan: ComputedPlan<RecordPlanData<P>>;
  dryRun: boolean;
  /** The plan id approved by the caller (apply exactly that plan, or refuse it as stale). */
  planId?: string | undefined;
  phases: readonly WritePhase<P>[];
}

/** Records the plan, then either counts it (dry run) or applies it phase by phase and tallies the writes. */
export async function executePlan<P>(options: ExecuteOptions<P>): Promise<PlanOutcome<P>> {
  const { ctx, plan } = options;
  recordPlan(ctx.ledger, plan, ctx.runId);
  if (options.dryRun) return summarize(plan.planId, plan.items, []);
  const items = itemsToApply(ctx.ledger, plan, options.planId, ctx.resume);
  const phases = options.phases.map((phase) => ({
    label: phase.label,
    target: phase.target as Target<unknown>,
    items: items.filter((item) => item.data.kind === (phase.kind ?? phase.target.kind)).map(toApplyItem),
  }));
  const reports = await applyPhases(ctx, phases, options);
  return summarize(plan.planId, items, reports);
}

/** The ids a run knows after an apply that may have stopped part-way (from the plan and the run's intents). */
export function idsOfRun<P>(ctx: Pick<RunContext, 'runId' | 'ledger'>, items: readonly RecordPlanItem<P>[], target: Pick<Target<P>, 'system' | 'kind'>): Map<string, string> {
  const ids = new Map<string, string>();
  for (const item of items) if (item.target_id && item.data.kind === target.kind) ids.set(item.key, item.target_id);
  for (const intent of ctx.ledger.intents.latestForRun(ctx.runId, target.system, target.kind).values()) {
    if (intent.state === 'acked' && intent.target_id && intent.op !== 'delete') ids.set(intent.item_key, intent.target_id);
  }
  return ids;
}

const WRITE_OPS: ReadonlySet<string> = new Set(['create', 'update', 'deactivate', 'delete']);

function toApplyItem<P>(item: RecordPlanItem<P>): ApplyItem<unknown> {
  const op = (WRITE_OPS.has(item.action) ? item.action : 'none') as WriteOp;
  return { key: item.key, op, targetId: item.target_id ?? null, payload: item.data.payload, contentHash: item.content_hash ?? '', source: item.data.source, parent: item.data.parent };
}

function emptyCounts(): ActionCounts {
  return { create: 0, update: 0, deactivate: 0, delete: 0, unchanged: 0, skip: 0, failed: 0 };
}

/** Planned counts (no reports) or applied counts: writes done per op, the rest as planned. */
function summarize<P>(planId: string, items: RecordPlanItem<P>[], reports: readonly PhaseReport[]): PlanOutcome<P> {
  const byKind: Record<string, ActionCounts> = {};
  const counts = emptyCounts();
  const ids = new Map<string, Map<string, string>>();
  const failures: { key: string; error: string }[] = [];
  let reconciled = 0;
  const applied = new Map(reports.map((report) => [report.kind, report]));
  const tallies = new Map([...applied].map(([kind, report]) => [kind, tallyIntents(report.intents)]));
  for (const item of items) {
    const kind = item.data.kind;
    const perKind = (byKind[kind] ??= emptyCounts());
    const report = applied.get(kind);
    // Applied: a record counts under the write its run acknowledged (a create adopted on resume is a
    // create), a planned write not done counts nowhere (it failed or was not reached), the rest as planned.
    const intent = report?.intents.get(item.key);
    let action: PlanAction | undefined = item.action as PlanAction;
    if (report && intent?.state === 'acked') action = intent.op as PlanAction;
    else if (report && WRITE_OPS.has(item.action)) action = undefined;
    if (action !== undefined) {
      perKind[action] += 1;
      counts[action] += 1;
    }
  }
  for (const [kind, tally] of tallies) {
    const perKind = (byKind[kind] ??= emptyCounts());
    perKind.failed += tally.failed;
    counts.failed += tally.failed;
    failures.push(...tally.failures.slice(0, Math.max(0, 20 - failures.length)));
  }
  for (const report of reports) {
    reconciled += report.reconciled;
    ids.set(report.kind, report.ids);
  }
  if (reports.length === 0) {
    for (const item of items) if (item.target_id) (ids.get(item.data.kind) ?? ids.set(item.data.kind, new Map()).get(item.data.kind)!).set(item.key, item.target_id);
  }
  return { planId, items, counts, byKind, failures, reconciled, ids };
}

/** One record of a result's bounded sample. */
export type PlanSample<K extends string, I extends string> = Record<K, string> &
  Record<I, string | null> & { action: string; reason?: string; changed_fields?: string[] };

/**
 * Up to `max` plan items for a result, failures first, then skips, then writes, then unchanged
 * ones; each keyed by `keyField` (job_number, sku…) with its target id under `idField`.
 */
export function samplePlan<P, K extends string, I extends string>(
  items: readonly RecordPlanItem<P>[],
  fields: { key: K; id: I },
  ids: ReadonlyMap<string, string>,
  failures: readonly { key: string; error: string }[] = [],
  max = 20,
): PlanSample<K, I>[] {
  const failed = new Map(failures.map((f) => [f.key, f.error]));
  const rank = (item: RecordPlanItem<P>) => (failed.has(item.key) ? 0 : item.action === 'skip' ? 1 : item.action === 'unchanged' ? 3 : 2);
  return [...items]
    .sort((a, b) => rank(a) - rank(b))
    .slice(0, max)
    .map((item) => {
      const sample = { [fields.key]: item.key, action: failed.has(item.key) ? 'failed' : item.action, [fields.id]: ids.get(item.key) ?? item.target_id ?? null } as PlanSample<K, I>;
      const reason = failed.get(item.key) ?? item.reason;
      if (reason) sample.reason = reason;
      if (item.data.changed) sample.changed_fields = item.data.changed;
      return sample;
    });
}

/** The tool call that applies a reviewed plan, for `next_action`: `tool {"…": …, "dry_run": false, "plan_id": "…"}`. */
export function applyCall(tool: string, args: Record<string, unknown>, planId: string): string {
  return `${tool} ${JSON.stringify({ ...args, dry_run: false, plan_id: planId }).replace(/":/g, '": ').replace(/,"/g, ', "')}`;
}
