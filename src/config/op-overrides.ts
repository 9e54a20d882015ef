/**
 * OpenProject overrides (DESIGN §4), all optional — by default everything is discovered from the
 * instance's work package schemas:
 * - `op_field_id_overrides.json`: custom field name → `customFieldN` (or N), when discovery by
 *   name cannot work (two fields with one name, a renamed field);
 * - `op_custom_option_overrides.json`: field name → value → custom option id, when a value in the
 *   data is spelled differently from the option in OpenProject;
 * - `op_types.json`: the type names used for orders and lines (`Epic`, `User story` by default),
 *   optionally per project.
 * A missing file is an empty one; an invalid file is a ConfigError naming the file, line and key.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { loadJsonConfig } from './json-file.js';

export const FIELD_ID_OVERRIDES_FILE = 'op_field_id_overrides.json';
export const OPTION_OVERRIDES_FILE = 'op_custom_option_overrides.json';
export const TYPES_FILE = 'op_types.json';

const fieldRef = z
  .union([z.number().int().positive(), z.string().trim().regex(/^(customField)?\d+$/, 'write customFieldN (e.g. customField12) or the number N')])
  .transform((value) => `customField${String(value).replace(/^customField/, '')}`);

const optionRef = z
  .union([z.number().int().positive(), z.string().trim().regex(/^(\/api\/v3\/custom_options\/)?\d+$/, 'write the custom option id (e.g. 17) or its href /api/v3/custom_options/17')])
  .transform((value) => Number(String(value).replace(/^\/api\/v3\/custom_options\//, '')));

export const FieldIdOverridesSchema = z.record(z.string(), z.union([z.string(), z.number()])).transform((record, ctx) => {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(record)) {
    if (name === '$comment') continue;
    const parsed = fieldRef.safeParse(value);
    if (!parsed.success) ctx.addIssue({ code: 'custom', path: [name], message: parsed.error.issues[0]!.message });
    else out[name.trim()] = parsed.data;
  }
  return out;
});

export const OptionOverridesSchema = z
  .record(z.string(), z.union([z.string(), z.record(z.string(), z.union([z.string(), z.number()]))]))
  .transform((record, ctx) => {
    const out: Record<string, Record<string, number>> = {};
    for (const [field, values] of Object.entries(record)) {
      if (field === '$comment') continue;
      if (typeof values === 'string') {
        ctx.addIssue({ code: 'custom', path: [field], message: 'expected an object of value → option id' });
        continue;
      }
      const options: Record<string, number> = {};
      for (const [value, id] of Object.entries(values)) {
        const parsed = optionRef.safeParse(id);
        if (!parsed.success) ctx.addIssue({ code: 'custom', path: [field, value], message: parsed.error.issues[0]!.message });
        else options[value] = parsed.data;
      }
      out[field.trim()] = options;
    }
    return out;
  });

const typeNames = z.object({ epic: z.string().trim().min(1).optional(), story: z.string().trim().min(1).optional() }).strict();

export const TypesFileSchema = z
  .object({ $comment: z.string().optional(), epic: z.string().trim().min(1).optional(), story: z.string().trim().min(1).optional(), projects: z.record(z.string(), typeNames).optional() })
  .strict();

/** Type names per role, with per-project exceptions. */
export interface TypeNames {
  epic: string;
  story: string;
  projects: Record<string, { epic?: string; story?: string }>;
}

/** Default type names (OpenProject's agile defaults). */
export const DEFAULT_TYPE_NAMES: TypeNames = { epic: 'Epic', story: 'User story', projects: {} };

/** Everything the overrides files say. */
export interface OpenProjectOverrides {
  /** Custom field name → `customFieldN`. */
  fieldIds: Record<string, string>;
  /** Field name → value → custom option id. */
  options: Record<string, Record<string, number>>;
  types: TypeNames;
  /** Files that were read (absent ones are left out). */
  files: string[];
}

/** The type name of a role in a project. */
export function typeNameFor(types: TypeNames, project: string, role: 'epic' | 'story'): string {
  return types.projects[project]?.[role] ?? types[role];
}

async function optional<S extends z.ZodType>(file: string, schema: S, what: string, hint: string): Promise<z.infer<S> | undefined> {
  if (!fs.existsSync(file)) return undefined;
  return loadJsonConfig(file, schema, { what, hint });
}

/** Loads the three override files from the config folder (missing files count as empty). */
export async function loadOpenProjectOverrides(configDir: string): Promise<OpenProjectOverrides> {
  const fieldsFile = path.join(configDir, FIELD_ID_OVERRIDES_FILE);
  const optionsFile = path.join(configDir, OPTION_OVERRIDES_FILE);
  const typesFile = path.join(configDir, TYPES_FILE);
  const fieldIds = await optional(fieldsFile, FieldIdOverridesSchema, 'the OpenProject custom field id overrides', 'map a custom field name to customFieldN, e.g. {"WPR Product": "customField12"}');
  const options = await optional(optionsFile, OptionOverridesSchema, 'the OpenProject custom option overrides', 'map field name → value → option id, e.g. {"WPR Status": {"Open": 17}}');
  const types = await optional(typesFile, TypesFileSchema, 'the OpenProject type names', 'give the type names, e.g. {"epic": "Epic", "story": "User story", "projects": {"niam": {"story": "Story"}}}');
  return {
    fieldIds: fieldIds ?? {},
    options: options ?? {},
    types: {
      epic: types?.epic ?? DEFAULT_TYPE_NAMES.epic,
      story: types?.story ?? DEFAULT_TYPE_NAMES.story,
      projects: types?.projects ?? {},
    },
    files: [fieldsFile, optionsFile, typesFile].filter((file) => fs.existsSync(file)),
  };
}
