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

/**
 * Decides which plan an apply executes. With a requested plan id it must equal the id of the
 * current inputs and target (else StalePlanError) and the stored items are returned; without one,
 * the freshly computed items are returned.
 */
export function choosePlanToApply<D>(ledger: Ledger, tool: string, requested: string | undefined, current: { planId: string; items: PlanItem<D>[] }): PlanItem<D>[] {
  if (!requested) return current.items;
  const stored = ledger.plans.get(requested);
  if (stored && stored.tool !== tool) {
    throw new ValidationError(`Plan ${requested} belongs to ${stored.tool}, not ${tool}.`, { action: `Pass a plan_id returned by a dry run of ${tool}.` });
  }
  if (requested !== current.planId) {
    throw new StalePlanError(
      stored
        ? `Plan ${requested} is stale: the inputs or the target changed since the dry run (the current plan is ${current.planId}).`
        : `Plan ${requested} is unknown to this server (the current plan is ${current.planId}).`,
      { details: { requested, current: current.planId } },
    );
  }
  return stored ? ledger.plans.items<D>(requested) : current.items;
}
