import { describe, expect, it } from 'vitest';
import { coverageLine, coveragePct, gapAfterFullBackfill, gapReport } from '../../../../src/pipelines/acc/gap-report.js';
import { Comparison } from '../../../../src/pipelines/acc/plan.js';
import type { DimIssueValues } from '../../../../src/targets/warehouse/types.js';

const mapped = (id: string, project: string): DimIssueValues => ({ sourceIssueId: id, sourceProjectId: project, issueBk: id, title: null, displayId: `ACC-${id}` });

describe('the ACC gap report', () => {
  it('states coverage the way the runbook does', () => {
    expect(coverageLine(37, 3696)).toBe('37 / 3,696 = 1.0 %');
    expect(coverageLine(3696, 3696)).toBe('3,696 / 3,696 = 100.0 %');
    expect(coverageLine(0, 0)).toBe('0 / 0 (no mapped ACC ids)');
  });

  it('rounds coverage down, so an incomplete backfill never reads 100 %', () => {
    expect(coveragePct(3695, 3696)).toBe(99.9);
    expect(coveragePct(0, 5)).toBe(0);
    expect(coveragePct(0, 0)).toBeNull();
  });

  it('compares mapped ids with the ACC rows of dim.issue, by project, most missing first', () => {
    const comparison = new Comparison([mapped('1', 'p1'), mapped('2', 'p1'), mapped('3', 'p2'), mapped('4', 'p2'), mapped('5', 'p2')], '101', true);
    for (const [id, project] of [['1', 'p1'], ['9', 'p9'], ['1', 'p1']] as const) {
      comparison.add({ sourceIssueId: id, sourceProjectId: project, issueBk: id, title: null, displayId: null, importRunId: '101' });
    }
    const report = gapReport(comparison);
    expect(report).toMatchObject({ mapped_acc_ids: 5, acc_rows_in_dim_issue: 3, covered: 1, missing: 4, not_in_map: 1, duplicate_keys: 1, coverage: '1 / 5 = 20.0 %', projects: 2 });
    expect(report.by_project).toEqual([
      { source_project_id: 'p2', mapped: 3, covered: 0, missing: 3, coverage_pct: 0 },
      { source_project_id: 'p1', mapped: 2, covered: 1, missing: 1, coverage_pct: 50 },
    ]);
    expect(report.missing_samples[0]).toEqual({ display_id: 'ACC-2', source_issue_id: '2', source_project_id: 'p1' });
  });

  it('derives the gap after a backfill that wrote its whole plan: every mapped id covered', () => {
    const comparison = new Comparison([mapped('1', 'p1'), mapped('2', 'p2'), mapped('3', 'p2')], '101', true);
    comparison.add({ sourceIssueId: '1', sourceProjectId: 'p1', issueBk: '1', title: null, displayId: null, importRunId: '101' });
    comparison.add({ sourceIssueId: '9', sourceProjectId: 'p9', issueBk: '9', title: null, displayId: null, importRunId: '101' });
    const after = gapAfterFullBackfill(gapReport(comparison), 4);
    expect(after).toMatchObject({ mapped_acc_ids: 3, acc_rows_in_dim_issue: 4, covered: 3, missing: 0, not_in_map: 1, coverage: '3 / 3 = 100.0 %', missing_samples: [] });
    expect(after.by_project.map((p) => [p.source_project_id, p.covered, p.missing])).toEqual([
      ['p1', 1, 0],
      ['p2', 2, 0],
    ]);
  });
});
