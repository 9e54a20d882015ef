import { describe, expect, it } from 'vitest';
import { StalePlanError, ValidationError } from '../../../src/engine/errors.js';
import type { PlanItem } from '../../../src/engine/ledger/plan-store.js';
import { countActions, fingerprint, itemsToApply, makePlan, planIdOf, recordPlan } from '../../../src/engine/plan.js';
import { useTempLedger } from './helpers/temp.js';

const useLedger = useTempLedger();

describe('planIdOf', () => {
  const identity = { tool: 'tool_a', inputs: 'in-hash', target: 'target-hash' };

  it('is 32 hex characters and stable for the same identity', () => {
    expect(planIdOf(identity)).toMatch(/^[0-9a-f]{32}$/);
    expect(planIdOf({ target: 'target-hash', inputs: 'in-hash', tool: 'tool_a' })).toBe(planIdOf(identity));
  });

  it('changes with the tool, the inputs or the target state', () => {
    const id = planIdOf(identity);
    expect(planIdOf({ ...identity, tool: 'tool_b' })).not.toBe(id);
    expect(planIdOf({ ...identity, inputs: 'other' })).not.toBe(id);
    expect(planIdOf({ ...identity, target: 'other' })).not.toBe(id);
  });
});

describe('fingerprint', () => {
  it('does not depend on the order of the entries', () => {
    const a = fingerprint([['J-1', 'h1'], ['J-2', { name: 'x', n: 1 }], ['J-3', 3]]);
    const b = fingerprint(new Map<string, unknown>([['J-3', 3], ['J-2', { n: 1, name: 'x' }], ['J-1', 'h1']]));
    expect(a).toBe(b);
  });

  it('changes when a value or a key changes, or an entry is added', () => {
    const base = fingerprint([['J-1', 'h1'], ['J-2', 'h2']]);
    expect(fingerprint([['J-1', 'h1'], ['J-2', 'h3']])).not.toBe(base);
    expect(fingerprint([['J-1', 'h1'], ['J-9', 'h2']])).not.toBe(base);
    expect(fingerprint([['J-1', 'h1'], ['J-2', 'h2'], ['J-3', 'h3']])).not.toBe(base);
  });

  it('does not confuse a value moved to another key', () => {
    expect(fingerprint([['a', 'x'], ['b', 'y']])).not.toBe(fingerprint([['a', 'y'], ['b', 'x']]));
  });

  it('of nothing is a fixed hash', () => {
    expect(fingerprint([])).toBe(fingerprint([]));
    expect(fingerprint([])).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('countActions', () => {
  it('counts plan items by action', () => {
    expect(countActions([{ action: 'create' }, { action: 'update' }, { action: 'create' }, { action: 'skip' }])).toEqual({ create: 2, update: 1, skip: 1 });
    expect(countActions([])).toEqual({});
  });
});

describe('makePlan / recordPlan / itemsToApply', () => {
  const items: PlanItem<{ v: number }>[] = [
    { key: 'A', action: 'create', data: { v: 1 } },
    { key: 'B', action: 'update', target_id: 'T-2', data: { v: 2 } },
  ];
  const plan = (inputs = 'in-1', target = 'tg-1', tool = 'tool_a') => makePlan(tool, items, inputs, target);

  it('gives the same id to the same tool, inputs and target, and another id when any differs', () => {
    expect(plan().planId).toBe(plan().planId);
    expect(plan('in-2').planId).not.toBe(plan().planId);
    expect(plan('in-1', 'tg-2').planId).not.toBe(plan().planId);
    expect(plan('in-1', 'tg-1', 'tool_b').planId).not.toBe(plan().planId);
    expect(makePlan('tool_a', items, 'in-1', 'tg-1', 'csv').planId).not.toBe(plan().planId);
  });

  it('records a plan once, keeping the run that first computed it', () => {
    recordPlan(useLedger(), plan(), 'r-dry');
    recordPlan(useLedger(), plan(), 'r-apply');
    const stored = useLedger().plans.get(plan().planId)!;
    expect(stored).toMatchObject({ tool: 'tool_a', run_id: 'r-dry', fingerprint: 'tg-1', inputs_hash: 'in-1', item_count: 2 });
    expect(useLedger().plans.items(plan().planId).map((i) => i.key)).toEqual(['A', 'B']);
  });

  it('without a requested plan applies the fresh items', () => {
    expect(itemsToApply(useLedger(), plan(), undefined, false)).toBe(plan().items);
  });

  it('applies the fresh items when the requested plan is the current one', () => {
    recordPlan(useLedger(), plan(), 'r-dry');
    expect(itemsToApply(useLedger(), plan(), plan().planId, false)).toEqual(items);
  });

  it('refuses a stale plan with StalePlanError naming both plans', () => {
    const old = plan('in-old');
    recordPlan(useLedger(), old, 'r-dry');
    let caught: unknown;
    try {
      itemsToApply(useLedger(), plan(), old.planId, false);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StalePlanError);
    expect((caught as StalePlanError).message).toMatch(new RegExp(`${old.planId} is stale.*${plan().planId}`));
  });

  it('refuses an unknown plan id that differs from the current one', () => {
    expect(() => itemsToApply(useLedger(), plan(), 'feedfacefeedfacefeedfacefeedface', false)).toThrow(/unknown to this server/);
  });

  it('refuses the plan of another tool with ValidationError', () => {
    const other = plan('in-1', 'tg-1', 'tool_b');
    recordPlan(useLedger(), other, 'r-dry');
    expect(() => itemsToApply(useLedger(), plan(), other.planId, false)).toThrow(ValidationError);
  });

  it('on resume accepts a changed target but not changed inputs', () => {
    const approved = plan();
    recordPlan(useLedger(), approved, 'r-dry');
    const afterOwnWrites = plan('in-1', 'tg-after-writes');
    expect(itemsToApply(useLedger(), afterOwnWrites, approved.planId, true)).toBe(afterOwnWrites.items);
    expect(() => itemsToApply(useLedger(), plan('in-grown', 'tg-after-writes'), approved.planId, true)).toThrow(StalePlanError);
  });
});
