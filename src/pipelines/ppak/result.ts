/**
 * The input and the result of the PPak ETL (the `run_ppak_export_etl` tool returns the result as
 * its structuredContent, so keys are snake_case and fixed by DESIGN §6). The result schema is zod
 * so the tool can reuse it as its outputSchema.
 */
import { z } from 'zod';

/** What to read and where to write (absolute paths, already checked by the caller). */
export interface PpakEtlInput {
  /** Folder holding `{projects,materials,work_orders}_{YYYY-MM-DD}.csv`. */
  exportDir: string;
  /** Folder receiving the canonical files, the rejects file and the summary report. */
  outputDir: string;
  /** Which export set to read; default the newest date stamp in the file names. */
  exportDate?: string;
  /** Keep only projects whose start date lies in [from, to] (ISO dates, inclusive). */
  dateRange?: { from: string; to: string };
  /** Folder holding status_mapping.csv, phase_mapping.csv and material_mapping.csv. */
  mappingDir: string;
  /**
   * INNERGY ids of projects imported before (job number → id, from the ledger), so a re-run of
   * the ETL keeps `innergy_id` instead of resetting it to null.
   */
  knownInnergyIds?: ReadonlyMap<string, string>;
}

const count = z.number().int().min(0);
const counts = {
  read: count.describe('Data rows read from the export file.'),
  written: count.describe('Records written to the canonical file.'),
  rejected: count.describe('Rows written to the rejects file instead.'),
  duplicates: count.describe('Exact duplicate rows, written once.'),
};
const valueCounts = z.record(z.string(), count);

/** Schema of the ETL result. */
export const PpakEtlResultSchema = z.object({
  export_date: z.string().describe('The export set read (YYYY-MM-DD).'),
  projects: z
    .object({ ...counts, filtered: count.describe('Projects left out by date_range (not rejected).') })
    .describe('Project counts: read = written + rejected + filtered + duplicates.'),
  materials: z.object(counts).describe('Material counts: read = written + rejected + duplicates.'),
  work_orders: z.object(counts).describe('Work order counts (work orders of projects left out by date_range are in none of them).'),
  unmapped: z
    .object({
      status: valueCounts.describe('PPak status value → projects with it that status_mapping.csv does not list.'),
      phase: valueCounts.describe('PPak phase value → projects with it that phase_mapping.csv does not list.'),
      material: valueCounts.describe('SKU → projects referencing it that is neither in material_mapping.csv nor in the materials export.'),
    })
    .describe('Unmapped values with counts (at most 100 per kind, most frequent first).'),
  outputs: z
    .object({
      canonical_projects: z.string().describe('Absolute path of canonical_projects_<date>.json.'),
      canonical_materials: z.string().describe('Absolute path of canonical_materials_<date>.json.'),
      summary_report: z.string().describe('Absolute path of migration_summary_<date>.md.'),
      rejects: z.string().describe('Absolute path of rejects_<date>.csv (header only when nothing was rejected).'),
    })
    .describe('Files written.'),
  warnings: z.array(z.string()).describe('At most 50 warnings, then "… and N more".'),
  reject_samples: z
    .array(
      z.object({
        entity: z.string().describe('projects, materials or work_orders.'),
        file: z.string().describe('Export file name.'),
        line: z.number().int().describe('Line where the rejected record starts.'),
        reason: z.string().describe('Why it was rejected.'),
      }),
    )
    .describe('The first 20 rejected records; all of them are in the rejects file.'),
});

export type PpakEtlResult = z.infer<typeof PpakEtlResultSchema>;
export type EntityCounts = PpakEtlResult['materials'];
export type ProjectCounts = PpakEtlResult['projects'];
