/**
 * The JSON Schemas of our file formats, generated from the zod schemas (the single source of
 * truth). `npm run schemas` writes them to `schemas/`; a test fails when the files are stale.
 */
import { z } from 'zod';
import {
  CanonicalMaterialSchema,
  CanonicalMaterialsFileSchema,
  CanonicalProjectSchema,
  CanonicalProjectsFileSchema,
} from '../sources/canonical/schema.js';

const SCHEMAS: Record<string, { title: string; schema: z.ZodType }> = {
  'canonical-project.schema.json': { title: 'Canonical project', schema: CanonicalProjectSchema },
  'canonical-material.schema.json': { title: 'Canonical material', schema: CanonicalMaterialSchema },
  'canonical-projects-file.schema.json': { title: 'canonical_projects_<date>.json', schema: CanonicalProjectsFileSchema },
  'canonical-materials-file.schema.json': { title: 'canonical_materials_<date>.json', schema: CanonicalMaterialsFileSchema },
};

/** File name → the JSON Schema text to write (stable formatting, trailing newline). */
export function renderJsonSchemas(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [file, { title, schema }] of Object.entries(SCHEMAS)) {
    const json = { $id: `migration://schemas/${file}`, title, ...z.toJSONSchema(schema, { target: 'draft-2020-12' }) };
    out.set(file, `${JSON.stringify(json, null, 2)}\n`);
  }
  return out;
}
