/**
 * Plan / apply: a dry run computes the full plan (one action per record, with reasons) against the
 * target's current state and stores it under a `plan_id` — a hash of the tool, its inputs and the
 * target fingerprint. An apply with that `plan_id` recomputes the id from the current inputs and
 * target; if it differs the plan is stale and refused, otherwise the stored plan is applied.
 */
import { canonicalJson, sha256 } from './canonical-hash.js';
import { StalePlanError, ValidationError } from './errors.js';
import type { Ledger } from './ledger/ledger.js';
import type { PlanItem } from './ledger/plan-store.js';

export interface PlanIdentity {
  tool: string;
  /** Hash of everything read from the inputs (files, mappings) that shaped the plan. */
  inputs: string;
  /** Hash of the target state the plan was computed against. */
  target: string;
}

/** The plan id of a tool's inputs and target state (32 hex chars). */
export function planIdOf(identity: PlanIdentity): string {
  return sha256(canonicalJson(identity)).slice(0, 32);
}

/** Hash of a list of (key, value) facts, order-independent: inputs and target fingerprints. */
export function fingerprint(entries: Iterable<readonly [string, unknown]>): string {
  const sorted = [...entries].map(([key, value]) => `${key}\u0000${typeof value === 'string' ? value : canonicalJson(value)}`).sort();
  return sha256(sorted.join('\n'));
}

/** Counts plan items by action. */
export function countActions(items: readonly Pick<PlanItem, 'action'>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[item.action] = (counts[item.action] ?? 0) + 1;
  return counts;
}

/** A plan just computed: its items, the hashes it was computed from, and its id. */
export interface ComputedPlan<D> {
  tool: string;
  planId: string;
  items: PlanItem<D>[];
  inputs: string;
  target: string;
}

/** Builds a plan and its id; `variant` separates plans of one tool made differently (e.g. a mode). */
export function makePlan<D>(tool: string, items: PlanItem<D>[], inputs: string, target: string, variant?: string): ComputedPlan<D> {
  return { tool, items, inputs, target, planId: planIdOf({ tool: variant ? `${tool}:${variant}` : tool, inputs, target }) };
}

/** Stores a plan once: a recomputation of the same plan keeps the record of the run that first made it. */
export function recordPlan(ledger: Ledger, plan: ComputedPlan<unknown>, runId: string): void {
  if (ledger.plans.get(plan.planId)) return;
  ledger.plans.save({ plan_id: plan.planId, tool: plan.tool, run_id: runId, fingerprint: plan.target, inputs_hash: plan.inputs, summary: countActions(plan.items), items: plan.items });
}

/**
 * The items an apply executes. Without a requested plan id: the fresh plan. With one: it must be
 * the fresh plan's id (same inputs, same target), else StalePlanError — the fresh items then are
 * exactly that plan. On resume the target has legitimately changed (our own writes), so only the
 * inputs are checked against the approved plan, and the items are re-planned against the target.
 */
export function itemsToApply<D>(ledger: Ledger, plan: ComputedPlan<D>, requested: string | undefined, resume: boolean): PlanItem<D>[] {
  if (!requested) return plan.items;
  const stored = ledger.plans.get(requested);
  if (stored && stored.tool !== plan.tool) {
    throw new ValidationError(`Plan ${requested} belongs to ${stored.tool}, not ${plan.tool}.`, { action: `Pass a plan_id returned by a dry run of ${plan.tool}.` });
  }
  if (resume) {
    if (stored?.inputs_hash === plan.inputs) return plan.items;
    throw new StalePlanError(`The inputs changed since plan ${requested} was approved, so this run cannot continue it.`, {
      action: `Run the dry run of ${plan.tool} again and apply the new plan_id.`,
      details: { requested },
    });
  }
  if (requested !== plan.planId) {
    throw new StalePlanError(
      stored
        ? `Plan ${requested} is stale: the inputs or the target changed since the dry run (the current plan is ${plan.planId}).`
        : `Plan ${requested} is unknown to this server (the current plan is ${plan.planId}).`,
      { details: { requested, current: plan.planId } },
    );
  }
  return plan.items;
}
