/**
 * The canonical records the PPak ETL writes (public contract, DESIGN §5 and §11): zod schemas from
 * which the JSON Schemas in `schemas/` are generated, and the TypeScript types the pipelines use.
 * The INNERGY import and the health check read these files.
 */
import { z } from 'zod';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .nullable();

/** Where a canonical record came from. */
export const SourceRefSchema = z
  .object({
    file: z.string().min(1).describe('Base name of the export file, e.g. projects_2024-01-15.csv.'),
    line: z.number().int().min(1).describe('Physical line where the record starts (header = line 1).'),
  })
  .strict()
  .describe('Provenance: the export file and line of the record.');

/** A work order attached to its project. */
export const CanonicalWorkOrderSchema = z
  .object({
    work_order: z.string().min(1).describe('PPak work order number.'),
    description: z.string().nullable().describe('Work order description; null when empty.'),
    quantity: z.number().nullable().describe('Quantity; null when empty or unreadable.'),
    status: z.string().nullable().describe('PPak work order status as exported; null when empty.'),
  })
  .strict()
  .describe('A PPak work order of the project.');

/** A canonical project (one per PPak job). */
export const CanonicalProjectSchema = z
  .object({
    ppak_job_number: z.string().min(1).describe('PPak job number: the external key of the project.'),
    name: z.string().min(1).describe('Project name (PPak Job Name).'),
    customer_name: z.string().nullable().describe('Customer name; null when the export has none (the INNERGY import skips such projects).'),
    status: z.string().nullable().describe('INNERGY status mapped through status_mapping.csv; null when unmapped and there is no default.'),
    phase: z.string().nullable().describe('INNERGY phase mapped through phase_mapping.csv; null when unmapped and there is no default.'),
    ppak_status: z.string().nullable().describe('Status as exported by PPak (for audit).'),
    ppak_phase: z.string().nullable().describe('Phase as exported by PPak (for audit).'),
    start_date: isoDate.describe('Start date, YYYY-MM-DD; null when empty or unreadable.'),
    due_date: isoDate.describe('Due date, YYYY-MM-DD; null when empty or unreadable.'),
    contract_amount: z.number().nullable().describe('Contract amount; null when empty or unreadable.'),
    material_skus: z.array(z.string().min(1)).describe('Material SKUs of the project, mapped through material_mapping.csv.'),
    work_orders: z.array(CanonicalWorkOrderSchema).describe('Work orders of the project from the work orders export.'),
    innergy_id: z.string().nullable().describe('INNERGY project id; null until the project is imported.'),
    source: SourceRefSchema,
  })
  .strict()
  .describe('A PPak job in canonical form, ready for the INNERGY project import.');

/** A canonical material (one per SKU). */
export const CanonicalMaterialSchema = z
  .object({
    sku: z.string().min(1).describe('Canonical SKU (the PPak SKU mapped through material_mapping.csv).'),
    name: z.string().nullable().describe('Material name (PPak Description); null when empty.'),
    category: z.string().nullable().describe('Category; null when empty.'),
    unit: z.string().nullable().describe('Unit of measure; null when empty.'),
    unit_cost: z.number().nullable().describe('Unit cost; null when empty or unreadable.'),
    active: z.boolean().describe('Whether the material is active (an empty flag counts as active).'),
    source: SourceRefSchema,
  })
  .strict()
  .describe('A PPak material in canonical form, for the material library.');

const exportDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe('Date stamp of the PPak export set (YYYY-MM-DD).');
const generatedAt = z.string().describe('When the ETL wrote the file (ISO 8601 timestamp).');

/** `canonical_projects_<date>.json`. */
export const CanonicalProjectsFileSchema = z
  .object({ export_date: exportDate, generated_at: generatedAt, projects: z.array(CanonicalProjectSchema).describe('The projects.') })
  .strict()
  .describe('Canonical projects written by run_ppak_export_etl.');

/** `canonical_materials_<date>.json`. */
export const CanonicalMaterialsFileSchema = z
  .object({ export_date: exportDate, generated_at: generatedAt, materials: z.array(CanonicalMaterialSchema).describe('The materials.') })
  .strict()
  .describe('Canonical materials written by run_ppak_export_etl.');

export type SourceRef = z.infer<typeof SourceRefSchema>;
export type CanonicalWorkOrder = z.infer<typeof CanonicalWorkOrderSchema>;
export type CanonicalProject = z.infer<typeof CanonicalProjectSchema>;
export type CanonicalMaterial = z.infer<typeof CanonicalMaterialSchema>;
export type CanonicalProjectsFile = z.infer<typeof CanonicalProjectsFileSchema>;
export type CanonicalMaterialsFile = z.infer<typeof CanonicalMaterialsFileSchema>;
