import { describe, expect, it } from 'vitest';
import { useTempLedger } from '../helpers/temp.js';

const useLedger = useTempLedger();

describe('IntentStore', () => {
  it('records planned intents and returns their ids by key', () => {
    const ids = useLedger().intents.planMany('r-1', 'innergy', 'project', [
      { key: 'A', op: 'create', content_hash: 'h' },
      { key: 'B', op: 'update' },
    ]);
    expect([...ids.keys()]).toEqual(['A', 'B']);
    const latest = useLedger().intents.latestForRun('r-1', 'innergy', 'project');
    expect(latest.get('A')).toMatchObject({ intent_id: ids.get('A'), op: 'create', state: 'planned', content_hash: 'h', target_id: null, error: null });
    expect(latest.get('B')).toMatchObject({ op: 'update', state: 'planned', content_hash: null });
  });

  it('walks planned → sent → acked and keeps the target id once known', () => {
    const id = useLedger().intents.planMany('r-1', 'innergy', 'project', [{ key: 'A', op: 'create' }]).get('A')!;
    useLedger().intents.transition(id, 'sent');
    useLedger().intents.transition(id, 'acked', { target_id: 'T-1' });
    expect(useLedger().intents.latestForRun('r-1', 'innergy', 'project').get('A')).toMatchObject({ state: 'acked', target_id: 'T-1' });
    useLedger().intents.transition(id, 'failed', { error: 'later' });
    expect(useLedger().intents.latestForRun('r-1', 'innergy', 'project').get('A')).toMatchObject({ state: 'failed', target_id: 'T-1', error: 'later' });
  });

  it('a transition without an error clears the previous error', () => {
    const id = useLedger().intents.planMany('r-1', 's', 'k', [{ key: 'A', op: 'create' }]).get('A')!;
    useLedger().intents.transition(id, 'ambiguous', { error: 'reset' });
    useLedger().intents.transition(id, 'acked', { target_id: 'T-1' });
    expect(useLedger().intents.latestForRun('r-1', 's', 'k').get('A')!.error).toBeNull();
  });

  it('latestForRun keeps the newest intent per key, only for that run, system and kind', () => {
    const first = useLedger().intents.planMany('r-1', 's', 'k', [{ key: 'A', op: 'create' }]).get('A')!;
    useLedger().intents.transition(first, 'ambiguous', { error: 'lost' });
    const second = useLedger().intents.planMany('r-1', 's', 'k', [{ key: 'A', op: 'create' }]).get('A')!;
    useLedger().intents.planMany('r-2', 's', 'k', [{ key: 'A', op: 'update' }]);
    useLedger().intents.planMany('r-1', 's', 'other', [{ key: 'A', op: 'update' }]);
    const latest = useLedger().intents.latestForRun('r-1', 's', 'k');
    expect(latest.size).toBe(1);
    expect(latest.get('A')).toMatchObject({ intent_id: second, state: 'planned' });
  });

  it('counts the intents of a run by state', () => {
    const ids = useLedger().intents.planMany('r-1', 's', 'k', [
      { key: 'A', op: 'create' },
      { key: 'B', op: 'create' },
      { key: 'C', op: 'create' },
    ]);
    useLedger().intents.transition(ids.get('A')!, 'acked', { target_id: '1' });
    useLedger().intents.transition(ids.get('B')!, 'failed', { error: '422' });
    useLedger().intents.planMany('r-2', 's', 'k', [{ key: 'D', op: 'create' }]);
    expect(useLedger().intents.countsForRun('r-1')).toEqual({ planned: 1, sent: 0, acked: 1, failed: 1, ambiguous: 0 });
    expect(useLedger().intents.countsForRun('r-unknown')).toEqual({ planned: 0, sent: 0, acked: 0, failed: 0, ambiguous: 0 });
  });
});
