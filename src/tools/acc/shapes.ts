/** Output shapes shared by the ACC tools (the gap report appears in both). */
import { z } from 'zod';

export const gapShape = z
  .object({
    mapped_acc_ids: z.number().describe('Distinct mapped ACC ids (valid rows of dbo.vw_acc_issue_id_map).'),
    acc_rows_in_dim_issue: z.number().describe('ACC rows in dim.issue, mapped or not.'),
    covered: z.number().describe('Mapped ids that have a row in dim.issue.'),
    missing: z.number().describe('Mapped ids without a row in dim.issue.'),
    not_in_map: z.number().describe('ACC keys in dim.issue that are not in the map (loaded by the ETL from elsewhere, or stale).'),
    duplicate_keys: z.number().describe('Keys with more than one ACC row in dim.issue (only possible without the unique index).'),
    coverage_pct: z.number().nullable().describe('covered / mapped in percent, rounded down to one decimal; null when nothing is mapped.'),
    coverage: z.string().describe('The headline, e.g. "37 / 3,696 = 1.0 %".'),
    projects: z.number().describe('Projects with mapped ids.'),
    by_project: z
      .array(
        z.object({
          source_project_id: z.string().describe('ACC project id.'),
          mapped: z.number().describe('Mapped ids of the project.'),
          covered: z.number().describe('Of those, in dim.issue.'),
          missing: z.number().describe('Of those, not in dim.issue.'),
          coverage_pct: z.number().nullable().describe('covered / mapped in percent, rounded down.'),
        }),
      )
      .describe('Up to 25 projects, the most missing ids first.'),
    missing_samples: z
      .array(z.object({ display_id: z.string().describe('e.g. ACC-924.'), source_issue_id: z.string().describe('ACC issue UUID.'), source_project_id: z.string().describe('ACC project id.') }))
      .describe('Up to 10 missing ids.'),
  })
  .describe('Mapped ACC ids against the ACC rows of dim.issue, overall and by project.');

export const importRunIdShape = z.union([z.number(), z.string()]).describe('import_run_id of the latest successful ACC import run in fact.issue_import_runs.');
