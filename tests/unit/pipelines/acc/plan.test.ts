import { describe, expect, it } from 'vitest';
import { planBackfill, TargetIndex } from '../../../../src/pipelines/acc/plan.js';
import type { DimIssueState, DimIssueValues } from '../../../../src/targets/warehouse/types.js';

const values = (id: string, over: Partial<DimIssueValues> = {}): DimIssueValues => ({ sourceIssueId: id, sourceProjectId: 'b.p1', issueBk: '1', title: 'T', displayId: 'ACC-1', ...over });
const state = (id: string, over: Partial<DimIssueState> = {}): DimIssueState => ({ sourceIssueId: id, sourceProjectId: 'b.p1', issueBk: '1', title: 'T', displayId: 'ACC-1', importRunId: '101', ...over });
const index = (rows: DimIssueState[], comparison: 'exact' | 'case-insensitive' = 'exact') => {
  const target = new TargetIndex(comparison);
  rows.forEach((row) => target.add(row));
  return target;
};

describe('the ACC backfill plan', () => {
  it('inserts missing keys, updates rows with any differing value, leaves equal rows alone', () => {
    const plan = planBackfill([values('a'), values('b', { title: 'New' }), values('c')], index([state('b'), state('c')]), 101, true);
    expect(plan).toMatchObject({ inserted: 1, updated: 1, unchanged: 1 });
    expect(plan.writes.map((w) => [w.action, w.values.sourceIssueId])).toEqual([
      ['insert', 'a'],
      ['update', 'b'],
    ]);
    expect(plan.writes[1]!.changes).toEqual({ title: ['T', 'New'] });
  });

  it('updates a row stamped with another import run, and treats NULL titles as equal', () => {
    const plan = planBackfill([values('a', { title: null }), values('b', { title: null })], index([state('a', { title: null }), state('b', { title: null, importRunId: '100' })]), 101, true);
    expect(plan).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
    expect(plan.writes[0]!.changes).toEqual({ import_run_id: ['100', '101'] });
  });

  it('ignores display ids where the warehouse has no display_id column', () => {
    const plan = planBackfill([values('a')], index([state('a', { displayId: null })]), 101, false);
    expect(plan.unchanged).toBe(1);
    expect(planBackfill([values('a')], index([state('a', { displayId: null })]), 101, true).updated).toBe(1);
  });

  it('treats a change of case as a change of value', () => {
    expect(planBackfill([values('a', { title: 'clash' })], index([state('a', { title: 'Clash' })]), 101, true).updated).toBe(1);
  });

  it('matches keys case-insensitively where the warehouse does', () => {
    expect(planBackfill([values('ABC')], index([state('abc')], 'case-insensitive'), 101, true).unchanged).toBe(1);
    expect(planBackfill([values('ABC')], index([state('abc')], 'exact'), 101, true).inserted).toBe(1);
  });

  it('counts keys that appear more than once in dim.issue', () => {
    expect(planBackfill([], index([state('a'), state('a'), state('a'), state('b')]), 101, true).duplicateTargetKeys).toBe(1);
  });
});
