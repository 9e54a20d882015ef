/**
 * The ACC gap report, as a pure function: mapped ACC ids (rows of `dbo.vw_acc_issue_id_map`) against
 * the ACC rows of `dim.issue`, overall and by project, with the runbook's figure as the headline
 * ("37 / 3,696 = 1.0 %"). Coverage is rounded down, so 3,695 of 3,696 never reads as 100.0 %.
 */
import type { Comparison } from './plan.js';

/** Projects listed in a report (the ones with the most missing ids first). */
export const PROJECT_LIMIT = 25;
/** Missing ids sampled in a report. */
export const MISSING_SAMPLE_LIMIT = 10;

/** Coverage of one project. */
export interface ProjectGap {
  source_project_id: string;
  mapped: number;
  covered: number;
  missing: number;
  coverage_pct: number | null;
}

/** The gap between the mapped ACC ids and `dim.issue`. */
export interface GapReport {
  /** Distinct mapped ACC ids (valid rows of the view). */
  mapped_acc_ids: number;
  /** ACC rows in dim.issue (all of them, mapped or not). */
  acc_rows_in_dim_issue: number;
  /** Mapped ids that have a row in dim.issue. */
  covered: number;
  /** Mapped ids without a row in dim.issue. */
  missing: number;
  /** ACC rows in dim.issue whose key is not in the map (loaded by the ETL from elsewhere, or stale). */
  not_in_map: number;
  /** Keys with more than one ACC row in dim.issue. */
  duplicate_keys: number;
  /** covered / mapped in percent, rounded down to one decimal; null when nothing is mapped. */
  coverage_pct: number | null;
  /** The headline, e.g. "37 / 3,696 = 1.0 %". */
  coverage: string;
  /** Projects with mapped ids. */
  projects: number;
  /** The projects with the most missing ids first (at most {@link PROJECT_LIMIT}). */
  by_project: ProjectGap[];
  /** A few missing ids with their display ids. */
  missing_samples: { display_id: string; source_issue_id: string; source_project_id: string }[];
}

/** Percent rounded down to one decimal (100.0 only when complete); null for 0 / 0. */
export function coveragePct(covered: number, mapped: number): number | null {
  if (mapped === 0) return null;
  if (covered >= mapped) return 100;
  return Math.floor((covered / mapped) * 1000) / 10;
}

/** "37 / 3,696 = 1.0 %". */
export function coverageLine(covered: number, mapped: number): string {
  const pct = coveragePct(covered, mapped);
  const n = (value: number) => value.toLocaleString('en-US');
  return pct === null ? `${n(covered)} / 0 (no mapped ACC ids)` : `${n(covered)} / ${n(mapped)} = ${pct.toFixed(1)} %`;
}

/** Builds the gap report from a comparison of the mapped rows with dim.issue (every row fed in). */
export function gapReport(comparison: Comparison): GapReport {
  const mapped = comparison.values;
  const projects = new Map<string, { mapped: number; covered: number }>();
  const missingSamples: GapReport['missing_samples'] = [];
  let covered = 0;
  mapped.forEach((values, index) => {
    let project = projects.get(values.sourceProjectId);
    if (!project) projects.set(values.sourceProjectId, (project = { mapped: 0, covered: 0 }));
    project.mapped++;
    if (comparison.present(index)) {
      project.covered++;
      covered++;
    } else if (missingSamples.length < MISSING_SAMPLE_LIMIT) {
      missingSamples.push({ display_id: values.displayId, source_issue_id: values.sourceIssueId, source_project_id: values.sourceProjectId });
    }
  });
  const byProject = [...projects.entries()]
    .map(([id, p]) => ({ source_project_id: id, mapped: p.mapped, covered: p.covered, missing: p.mapped - p.covered, coverage_pct: coveragePct(p.covered, p.mapped) }))
    .sort((a, b) => b.missing - a.missing || (a.source_project_id < b.source_project_id ? -1 : 1));
  return {
    mapped_acc_ids: mapped.length,
    acc_rows_in_dim_issue: comparison.accRows,
    covered,
    missing: mapped.length - covered,
    not_in_map: comparison.notInMap,
    duplicate_keys: comparison.duplicateKeys,
    coverage_pct: coveragePct(covered, mapped.length),
    coverage: coverageLine(covered, mapped.length),
    projects: projects.size,
    by_project: byProject.slice(0, PROJECT_LIMIT),
    missing_samples: missingSamples,
  };
}

/** The gap once every mapped id has been written (an apply that wrote its whole plan): all covered. */
export function gapAfterFullBackfill(before: GapReport, accRows: number): GapReport {
  return {
    ...before,
    acc_rows_in_dim_issue: accRows,
    covered: before.mapped_acc_ids,
    missing: 0,
    coverage_pct: coveragePct(before.mapped_acc_ids, before.mapped_acc_ids),
    coverage: coverageLine(before.mapped_acc_ids, before.mapped_acc_ids),
    by_project: before.by_project
      .map((project) => ({ ...project, covered: project.mapped, missing: 0, coverage_pct: coveragePct(project.mapped, project.mapped) }))
      .sort((a, b) => (a.source_project_id < b.source_project_id ? -1 : 1)),
    missing_samples: [],
  };
}
