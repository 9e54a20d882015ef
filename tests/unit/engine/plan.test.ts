import { describe, expect, it } from 'vitest';
import { StalePlanError, ValidationError } from '../../../src/engine/errors.js';
import type { PlanItem } from '../../../src/engine/ledger/plan-store.js';
import { choosePlanToApply, countActions, fingerprint, planIdOf } from '../../../src/engine/plan.js';
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

describe('choosePlanToApply', () => {
  const storedItems: PlanItem<{ v: number }>[] = [
    { key: 'A', action: 'create', data: { v: 1 } },
    { key: 'B', action: 'update', target_id: 'T-2', data: { v: 2 } },
  ];
  const freshItems: PlanItem<{ v: number }>[] = [{ key: 'A', action: 'create', data: { v: 99 } }];

  function storePlan(planId: string, tool = 'tool_a') {
    useLedger().plans.save({ plan_id: planId, tool, run_id: 'r-dry', fingerprint: 'fp', summary: countActions(storedItems), items: storedItems });
  }

  it('without a requested plan applies the freshly computed items', () => {
    expect(choosePlanToApply(useLedger(), 'tool_a', undefined, { planId: 'p-now', items: freshItems })).toBe(freshItems);
  });

  it('applies exactly the stored plan when its id matches the current inputs and target', () => {
    storePlan('p-1');
    const items = choosePlanToApply(useLedger(), 'tool_a', 'p-1', { planId: 'p-1', items: freshItems });
    expect(items.map((item) => [item.key, item.action, item.data.v])).toEqual([
      ['A', 'create', 1],
      ['B', 'update', 2],
    ]);
  });

  it('refuses a stale plan with StalePlanError naming both plans', () => {
    storePlan('p-old');
    let caught: unknown;
    try {
      choosePlanToApply(useLedger(), 'tool_a', 'p-old', { planId: 'p-new', items: freshItems });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StalePlanError);
    expect((caught as StalePlanError).message).toMatch(/p-old is stale.*p-new/);
    expect((caught as StalePlanError).details).toEqual({ requested: 'p-old', current: 'p-new' });
  });

  it('refuses an unknown plan id that differs from the current one as stale', () => {
    expect(() => choosePlanToApply(useLedger(), 'tool_a', 'p-unknown', { planId: 'p-now', items: freshItems })).toThrow(StalePlanError);
    expect(() => choosePlanToApply(useLedger(), 'tool_a', 'p-unknown', { planId: 'p-now', items: freshItems })).toThrow(/unknown to this server/);
  });

  it('accepts an unknown plan id equal to the current one and applies the fresh items', () => {
    expect(choosePlanToApply(useLedger(), 'tool_a', 'p-now', { planId: 'p-now', items: freshItems })).toBe(freshItems);
  });

  it('refuses the plan of another tool with ValidationError, even when its id matches', () => {
    storePlan('p-1', 'tool_b');
    expect(() => choosePlanToApply(useLedger(), 'tool_a', 'p-1', { planId: 'p-1', items: freshItems })).toThrow(ValidationError);
    expect(() => choosePlanToApply(useLedger(), 'tool_a', 'p-1', { planId: 'p-2', items: freshItems })).toThrow(/belongs to tool_b/);
  });
});
