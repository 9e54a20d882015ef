import { describe, expect, it } from 'vitest';
import { useTempLedger } from '../helpers/temp.js';

const useLedger = useTempLedger();

describe('PlanStore', () => {
  it('saves a plan with its items in order and returns them as saved', () => {
    useLedger().plans.save({
      plan_id: 'p-1',
      tool: 'tool_a',
      run_id: 'r-1',
      fingerprint: 'fp',
      inputs_hash: 'in',
      summary: { create: 1, update: 1 },
      items: [
        { key: 'B', action: 'create', reason: 'new', content_hash: 'h1', data: { name: 'b' } },
        { key: 'A', action: 'update', target_id: 'T-1', data: { name: 'a', changed: ['name'] } },
      ],
    });
    expect(useLedger().plans.get('p-1')).toMatchObject({ plan_id: 'p-1', tool: 'tool_a', run_id: 'r-1', fingerprint: 'fp', inputs_hash: 'in', summary: { create: 1, update: 1 }, item_count: 2 });
    expect(useLedger().plans.items('p-1')).toEqual([
      { key: 'B', action: 'create', reason: 'new', target_id: null, content_hash: 'h1', data: { name: 'b' } },
      { key: 'A', action: 'update', reason: undefined, target_id: 'T-1', content_hash: undefined, data: { name: 'a', changed: ['name'] } },
    ]);
  });

  it('saving the same plan id again replaces its items', () => {
    const base = { plan_id: 'p-1', tool: 'tool_a', run_id: 'r-1', fingerprint: 'fp', inputs_hash: 'in', summary: {} };
    useLedger().plans.save({ ...base, items: [{ key: 'A', action: 'create', data: 1 }, { key: 'B', action: 'create', data: 2 }] });
    useLedger().plans.save({ ...base, run_id: 'r-2', items: [{ key: 'C', action: 'skip', data: 3 }] });
    expect(useLedger().plans.items('p-1').map((item) => item.key)).toEqual(['C']);
    expect(useLedger().plans.get('p-1')).toMatchObject({ run_id: 'r-2', item_count: 1 });
  });

  it('an unknown plan has no header and no items', () => {
    expect(useLedger().plans.get('nope')).toBeUndefined();
    expect(useLedger().plans.items('nope')).toEqual([]);
  });
});
