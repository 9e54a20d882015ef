/**
 * Loading JSON configuration files (column maps, registries, field overrides): parsed with
 * jsonc-parser, which gives the position of a syntax error, and validated with a zod schema. Every
 * failure is a ConfigError that names the file, the line and the JSON path, and says how to fix it.
 */
import fs from 'node:fs';
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { z } from 'zod';
import { ConfigError } from '../engine/errors.js';

/** What a config file is for, in messages. */
export interface JsonConfigOptions {
  /** What the file holds, e.g. "the PPak column map". */
  what: string;
  /** How to fix a content error, e.g. "each product maps to an OpenProject project identifier". */
  hint?: string;
  /** Where the file normally lives, for the "missing file" action. */
  missingAction?: string;
}

/** Line and column (1-based) of an offset. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split('\n').length;
  return { line, column: before.length - before.lastIndexOf('\n') };
}

/** A JSON path written for people: `registry."Flow One"`, `columns.order_id.headers[2]`. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((part, index) => {
      if (typeof part === 'number') return `[${part}]`;
      const name = String(part);
      const plain = /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
      return index === 0 ? plain : `.${plain}`;
    })
    .join('')
    .replace(/\.\[/g, '[');
}

/** Parses and validates the text of a JSON config file. */
export function parseJsonConfig<S extends z.ZodType>(text: string, file: string, schema: S, options: JsonConfigOptions): z.infer<S> {
  const source = text.replace(/^\uFEFF/, '');
  const errors: ParseError[] = [];
  const tree = parseTree(source, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0 || tree === undefined) {
    const first = errors[0];
    const { line, column } = positionOf(source, first?.offset ?? 0);
    const what = first ? printParseErrorCode(first.error) : 'EmptyContent';
    throw new ConfigError(`${file} is not valid JSON (line ${line}, column ${column}: ${what}).`, {
      action: `Fix the JSON syntax of ${file} at line ${line}, column ${column} and run again.`,
      details: { file, line, column },
    });
  }
  const parsed = schema.safeParse(JSON.parse(source) as unknown);
  if (parsed.success) return parsed.data as z.infer<S>;
  const issue = parsed.error.issues[0]!;
  const key = formatJsonPath(issue.path);
  const node = nearestNode(tree, issue.path);
  const line = positionOf(source, node.offset).line;
  throw new ConfigError(`${file} line ${line}: '${key}' is invalid: ${issue.message}.`, {
    action: `Fix '${key}' in ${file} (${options.what})${options.hint ? `: ${options.hint}` : ''}, then run again.`,
    details: { file, line, key },
  });
}

/** Reads, parses and validates a JSON config file. */
export async function loadJsonConfig<S extends z.ZodType>(file: string, schema: S, options: JsonConfigOptions): Promise<z.infer<S>> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(`Cannot read ${options.what} ${file} (${code}).`, {
      action: options.missingAction ?? `Create ${file}, or point MIGRATION_CONFIG_DIR at the folder that holds it.`,
      details: { file },
    });
  }
  return parseJsonConfig(text, file, schema, options);
}

/** The deepest node along `path` that exists (the whole document when none does). */
function nearestNode(tree: Node, path: readonly PropertyKey[]): Node {
  for (let length = path.length; length > 0; length -= 1) {
    const segments = path.slice(0, length).map((part) => (typeof part === 'number' ? part : String(part)));
    const node = findNodeAtLocation(tree, segments);
    if (node) return node.parent?.type === 'property' ? node.parent : node;
  }
  return tree;
}
