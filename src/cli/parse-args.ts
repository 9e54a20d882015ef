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

export function buildToolArgs(argsJson: string | undefined, pairs: readonly string[]): Record<string, unknown> {
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
    args[pair.slice(0, eq)] = coerceValue(pair.slice(eq + 1));
  }
  return args;
}
