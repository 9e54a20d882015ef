import { describe, expect, it } from 'vitest';
import { Comparison, hashValues, planBackfill } from '../../../../src/pipelines/acc/plan.js';
import type { DimIssueState, DimIssueValues } from '../../../../src/targets/warehouse/types.js';

const values = (id: string, over: Partial<DimIssueValues> = {}): DimIssueValues => ({ sourceIssueId: id, sourceProjectId: 'b.p1', issueBk: '1', title: 'T', displayId: 'ACC-1', ...over });
const state = (id: string, over: Partial<DimIssueState> = {}): DimIssueState => ({ sourceIssueId: id, sourceProjectId: 'b.p1', issueBk: '1', title: 'T', displayId: 'ACC-1', importRunId: '101', ...over });

function compare(source: DimIssueValues[], target: DimIssueState[], options: { comparison?: 'exact' | 'case-insensitive'; hasDisplayId?: boolean } = {}) {
  const comparison = new Comparison(source, '101', options.hasDisplayId ?? true, options.comparison ?? 'exact');
  target.forEach((row) => comparison.add(row));
  return comparison;
}

describe('the ACC backfill plan', () => {
  it('inserts missing keys, updates rows with any differing value, leaves equal rows alone', () => {
    const plan = planBackfill(compare([values('a'), values('b', { title: 'New' }), values('c')], [state('b'), state('c')]));
    expect(plan).toMatchObject({ inserted: 1, updated: 1, unchanged: 1 });
    expect(plan.writes.map((w) => [w.action, w.values.sourceIssueId])).toEqual([
      ['insert', 'a'],
      ['update', 'b'],
    ]);
    expect(plan.writes[1]!.changed).toEqual(['title']);
  });

  it('updates a row stamped with another import run, and treats NULL titles as equal', () => {
    const plan = planBackfill(compare([values('a', { title: null }), values('b', { title: null })], [state('a', { title: null }), state('b', { title: null, importRunId: '100' })]));
    expect(plan).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
    expect(plan.writes[0]!.changed).toEqual(['import_run_id']);
  });

  it('ignores display ids where the warehouse has no display_id column', () => {
    expect(planBackfill(compare([values('a')], [state('a', { displayId: null })], { hasDisplayId: false })).unchanged).toBe(1);
    expect(planBackfill(compare([values('a')], [state('a', { displayId: null })], { hasDisplayId: true })).updated).toBe(1);
  });

  it('treats a change of case as a change of value', () => {
    expect(planBackfill(compare([values('a', { title: 'clash' })], [state('a', { title: 'Clash' })])).updated).toBe(1);
  });

  it('matches keys case-insensitively where the warehouse does', () => {
    expect(planBackfill(compare([values('ABC')], [state('abc', { sourceProjectId: 'B.P1' })], { comparison: 'case-insensitive' })).unchanged).toBe(1);
    expect(planBackfill(compare([values('ABC')], [state('abc')], { comparison: 'exact' })).inserted).toBe(1);
  });

  it('matches on the project too: the same issue id in another project is another key', () => {
    const comparison = compare([values('a', { sourceProjectId: 'b.p1' }), values('a', { sourceProjectId: 'b.p2' })], [state('a', { sourceProjectId: 'b.p2' }), state('z')]);
    expect(planBackfill(comparison)).toMatchObject({ inserted: 1, unchanged: 1 });
    expect(comparison).toMatchObject({ accRows: 2, notInMap: 1 });
  });

  it('counts keys that appear more than once in dim.issue, and updates them when any copy differs', () => {
    const comparison = compare([values('a'), values('b')], [state('a'), state('a', { title: 'Other' }), state('a'), state('b')]);
    const plan = planBackfill(comparison);
    expect(plan.duplicateTargetKeys).toBe(1);
    expect(plan.writes.map((w) => [w.action, w.values.sourceIssueId, w.changed])).toEqual([['update', 'a', ['title']]]);
  });

  it('records a hash of what dim.issue holds per source row, for the plan id', () => {
    const comparison = compare([values('a'), values('b')], [state('a')]);
    expect(comparison.found[0]).toBe(hashValues(['1', 'T', 'ACC-1', '101']));
    expect(comparison.found[1]).toBe(0);
    expect(hashValues(['x', null])).not.toBe(hashValues(['x', '']));
    expect(hashValues(['ab', 'c'])).not.toBe(hashValues(['a', 'bc']));
  });
});
