/**
 * The product → OpenProject project registry (`product_project_registry.json`):
 * `{"registry": {"<product name>": "<project identifier>"}}`. Product names are matched case- and
 * whitespace-insensitively ("Flow One", "flowone" and "FLOWONE " are one product), so the seed's
 * hand-written case variations are no longer needed (they still load). Two spellings of one
 * product that point at different projects are a ConfigError naming both lines.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../engine/errors.js';
import { loadJsonConfig, positionOf } from './json-file.js';

/** File name of the registry in the config folder. */
export const PRODUCT_REGISTRY_FILE = 'product_project_registry.json';

export const ProductRegistryFileSchema = z
  .object({
    $comment: z.string().optional(),
    registry: z.record(
      z.string().trim().min(1, 'a product name is empty'),
      z
        .string()
        .trim()
        .min(1, 'the project identifier is empty')
        .regex(/^[^\s/?#]+$/, 'a project identifier has no spaces or slashes (use the identifier from the project URL, e.g. flowone)'),
    ),
  })
  .strict();

/** The product name as the registry compares it: NFKC, lower case, no whitespace at all. */
export function normalizeProductName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}

/** A loaded registry. */
export interface ProductRegistry {
  /** The file it came from. */
  readonly file: string;
  /** The project identifier of a product, or undefined when the product is not mapped. */
  projectOf(product: string): string | undefined;
  /** Every project identifier the registry names (sorted, distinct). */
  projects(): string[];
  /** Entries as written (for fingerprints). */
  readonly entries: Readonly<Record<string, string>>;
}

/** Builds a registry from its entries; `file` and `text` locate conflicts in messages. */
export function buildProductRegistry(entries: Record<string, string>, file: string, text = ''): ProductRegistry {
  const byName = new Map<string, { name: string; project: string }>();
  for (const [name, project] of Object.entries(entries)) {
    const key = normalizeProductName(name);
    const earlier = byName.get(key);
    if (earlier && earlier.project !== project) {
      const line = (product: string) => positionOf(text, Math.max(0, text.indexOf(JSON.stringify(product)))).line;
      throw new ConfigError(
        `${file}: products "${earlier.name}" (line ${line(earlier.name)}) and "${name}" (line ${line(name)}) are the same product once case and spaces are ignored, but map to different projects (${earlier.project}, ${project}).`,
        { action: `Keep one of the two entries in ${file} (product names match case- and whitespace-insensitively).`, details: { file } },
      );
    }
    byName.set(key, { name, project });
  }
  const projects = [...new Set([...byName.values()].map((entry) => entry.project))].sort();
  const seen = new Map<string, string | undefined>();
  return {
    file,
    entries,
    projectOf: (product) => {
      if (seen.has(product)) return seen.get(product);
      const project = byName.get(normalizeProductName(product))?.project;
      if (seen.size < 10_000) seen.set(product, project);
      return project;
    },
    projects: () => [...projects],
  };
}

/** Loads and validates a registry file. */
export async function loadProductRegistry(file: string): Promise<ProductRegistry> {
  const parsed = await loadJsonConfig(file, ProductRegistryFileSchema, {
    what: 'the product → project registry',
    hint: 'each product name maps to an OpenProject project identifier, e.g. {"registry": {"FlowOne": "flowone"}}',
    missingAction: `Create ${path.basename(file)} (the repository has a default in config/) or pass registry with its path.`,
  });
  const text = await fs.promises.readFile(file, 'utf8').catch(() => '');
  return buildProductRegistry(parsed.registry, file, text);
}
