/**
 * Change detection: canonical JSON (sorted keys, volatile fields excluded, no whitespace) and its
 * SHA-256. Two records with the same meaningful content always hash the same, whatever their key
 * order, so an unchanged record costs zero writes on a re-run.
 */
import { createHash } from 'node:crypto';

/** Fields that never indicate a real change (timestamps of our own runs, back-references). */
export const DEFAULT_VOLATILE_FIELDS: readonly string[] = ['generated_at', 'source', 'innergy_id', '_links', 'lockVersion'];

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

/** SHA-256 of the canonical JSON of a record, excluding top-level volatile fields. */
export function contentHash(value: unknown, volatile: readonly string[] = DEFAULT_VOLATILE_FIELDS): string {
  return sha256(canonicalJson(value, volatile));
}
