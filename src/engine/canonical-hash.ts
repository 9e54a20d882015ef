/**
 * Change detection: canonical JSON (sorted keys, volatile fields excluded, no whitespace) and its
 * SHA-256. Two records with the same meaningful content always hash the same, whatever their key
 * order, so an unchanged record costs zero writes on a re-run. Which fields are volatile (never a
 * real change: our own timestamps, back-references, a target's lock version) is each target's and
 * format's own list, passed in by the caller.
 */
import { createHash } from 'node:crypto';

/** Serialises a JSON-like value with sorted keys; `undefined` members are dropped, as JSON does. */
export function canonicalJson(value: unknown, volatile: readonly string[] = []): string {
  const skip = new Set(volatile);
  const walk = (node: unknown, top: boolean): unknown => {
    if (Array.isArray(node)) return node.map((item) => walk(item, false));
    if (node && typeof node === 'object' && !(node instanceof Date)) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(node).sort()) {
        if (top && skip.has(key)) continue;
        const item = (node as Record<string, unknown>)[key];
        if (item !== undefined) out[key] = walk(item, false);
      }
      return out;
    }
    return node;
  };
  return JSON.stringify(walk(value, true));
}

/** SHA-256 (hex) of a string. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** SHA-256 of the canonical JSON of a record, excluding the given top-level volatile fields. */
export function contentHash(value: unknown, volatile: readonly string[] = []): string {
  return sha256(canonicalJson(value, volatile));
}
