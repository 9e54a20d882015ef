/**
 * Reading a canonical projects file (validated against its schema, with errors naming the file
 * and the JSON path) and writing INNERGY ids back into it atomically. The write-back re-reads the
 * file and patches only `innergy_id`, so a file rewritten meanwhile loses nothing.
 */
import fs from 'node:fs';
import { writeJsonAtomic } from '../../outputs/atomic-write.js';
import { ValidationError } from '../../engine/errors.js';
import { CanonicalProjectsFileSchema, type CanonicalProjectsFile } from './schema.js';

/** Reads and validates `canonical_projects_<date>.json`. */
export async function readCanonicalProjects(file: string): Promise<CanonicalProjectsFile> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ValidationError(`The canonical file ${file} does not exist.`, {
        action: 'Run run_ppak_export_etl first and pass the canonical_projects_<date>.json it wrote (outputs.canonical_projects).',
      });
    }
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`${file} is not valid JSON: ${(error as Error).message}.`, { action: 'Re-run run_ppak_export_etl to regenerate it.' });
  }
  const parsed = CanonicalProjectsFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ValidationError(`${file} is not a canonical projects file: ${issue.path.join('.') || '(root)'}: ${issue.message}.`, {
      action: 'Pass a canonical_projects_<date>.json written by run_ppak_export_etl (schema: schemas/canonical-projects-file.schema.json).',
    });
  }
  return parsed.data;
}

/** Sets `innergy_id` of the projects in `ids` (job number → id); true when the file changed. */
export async function writeInnergyIds(file: string, ids: ReadonlyMap<string, string>): Promise<boolean> {
  const document = await readCanonicalProjects(file);
  let changed = false;
  for (const project of document.projects) {
    const id = ids.get(project.ppak_job_number);
    if (id && project.innergy_id !== id) {
      project.innergy_id = id;
      changed = true;
    }
  }
  if (changed) await writeJsonAtomic(file, document);
  return changed;
}
