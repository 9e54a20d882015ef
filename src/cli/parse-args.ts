/** Parses `--args '<json>'` and repeated `--arg key=value` into one tool-arguments object. */
import { UsageError } from './output.js';

/** A value as JSON when it parses (numbers, booleans, arrays, objects, null), else the raw string. */
export function coerceValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * `--args` JSON plus `--arg key=value` pairs. A pair's value is JSON when it parses (true, 5,
 * ["a"]), except for arguments `isText` says are strings: those keep the text as written, so a
 * numeric-looking job number or SKU stays a string.
 */
export function buildToolArgs(argsJson: string | undefined, pairs: readonly string[], isText: (key: string) => boolean = () => false): Record<string, unknown> {
  let args: Record<string, unknown> = {};
  if (argsJson !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(argsJson);
    } catch (error) {
      throw new UsageError(`--args is not valid JSON: ${(error as Error).message}`);
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError('--args must be a JSON object, e.g. --args \'{"dry_run": true}\'');
    args = parsed as Record<string, unknown>;
  }
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--arg expects key=value, got "${pair}"`);
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    args[key] = isText(key) ? value : coerceValue(value);
  }
  return args;
}

/** Whether a JSON Schema property accepts only strings (type "string", possibly optional). */
export function isStringSchema(schema: unknown): boolean {
  const type = (schema as { type?: unknown } | undefined)?.type;
  return type === 'string' || (Array.isArray(type) && type.every((t) => t === 'string' || t === 'null'));
}
