/** The backfill result helpers: counts from plan items and intents, bounded samples, batch timing, next actions. */
import { describe, expect, it } from 'vitest';
import type { Intent } from '../../../../src/engine/ledger/intent-store.js';
import type { RecordPlanItem } from '../../../../src/engine/plan-apply.js';
import { batchTiming, countItems, nextAction, sampleRows, type BackfillResult } from '../../../../src/pipelines/devrev/result.js';
import type { CreatorGroupPayload } from '../../../../src/targets/devrev/target.js';

const item = (key: string, action: string, reason?: string): RecordPlanItem<CreatorGroupPayload> => ({
  key,
  action,
  reason,
  target_id: `don:${key}`,
  content_hash: 'h',
  data: { kind: 'issue', payload: { value: 'Ops' }, source: { file: 'in.csv', line: Number(key.split('-')[1]) + 1 } },
});
const intent = (key: string, state: Intent['state'], op = 'update'): Intent => ({ intent_id: 1, run_id: 'r', system: 'devrev', kind: 'issue', item_key: key, op, state, target_id: null, content_hash: null, error: state === 'failed' ? 'boom' : null });

describe('backfill result', () => {
  const items = [item('ISS-1', 'update'), item('ISS-2', 'update'), item('ISS-3', 'unchanged'), item('ISS-4', 'skip', 'no group'), item('ISS-5', 'unchanged'), item('ISS-6', 'update')];

  it('counts a dry run from the plan', () => {
    expect(countItems(items, undefined)).toEqual({ updated: 3, unchanged: 2, skipped: 1, failed: 0 });
  });

  it('counts an apply from the intents: acked writes (earlier attempts too), failures, writes not reached', () => {
    const intents = new Map([
      ['ISS-1', intent('ISS-1', 'acked')],
      ['ISS-2', intent('ISS-2', 'failed')],
      ['ISS-5', intent('ISS-5', 'acked')], // written by an earlier attempt of the run, unchanged now
    ]);
    expect(countItems(items, intents)).toEqual({ updated: 2, unchanged: 1, skipped: 1, failed: 1 });
  });

  it('samples failures first, then skips, updates and unchanged rows', () => {
    const sample = sampleRows(items, new Map([['ISS-6', 'DevRev answered 404']]), 3);
    expect(sample.map((s) => [s.issue_id, s.action, s.reason])).toEqual([
      ['ISS-6', 'failed', 'DevRev answered 404'],
      ['ISS-4', 'skip', 'no group'],
      ['ISS-1', 'update', undefined],
    ]);
    expect(sample[0]).toMatchObject({ devrev_id: 'don:ISS-6', value: 'Ops', line: 7 });
  });

  it('sums batch durations', () => {
    expect(batchTiming([])).toBeNull();
    expect(batchTiming([{ batch: 1, rows: 2, updated: 2, failed: 0, duration_ms: 100, last_line: 3 }, { batch: 2, rows: 1, updated: 1, failed: 0, duration_ms: 300, last_line: 4 }])).toEqual({ batches: 2, total_ms: 400, avg_ms: 200, max_ms: 300, slowest_batch: 2 });
  });

  it('tells an agent what to do next', () => {
    const base = { validate_only: false, invalid: 0, valid: 5, updated: 3, unchanged: 2, skipped: 0, failed: 0, outputs: { rejects: null } } as unknown as BackfillResult;
    expect(nextAction({ ...base, validate_only: true }, { csv: 'a.csv', validate_only: true }, null, true)).toMatch(/run a dry run: devrev_backfill \{"csv":"a.csv","validate_only":false\}/);
    expect(nextAction(base, { csv: 'a.csv' }, 'abc123', true)).toMatch(/apply it: devrev_backfill \{"csv": "a.csv", "dry_run": false, "plan_id": "abc123"\}/);
    expect(nextAction({ ...base, failed: 2 }, {}, null, false)).toMatch(/2 update\(s\) failed/);
    expect(nextAction(base, {}, null, false)).toMatch(/Re-running writes nothing/);
  });
});
