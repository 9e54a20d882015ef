/**
 * Small text helpers for the CSV reader: blank-row detection (per row, no allocation when the row
 * is not blank), CSV re-serialisation of a row (for rejects) and truncation for messages.
 */
import { csvLine } from '../../outputs/csv-writer.js';

/** True when every cell is empty or whitespace (a blank line, or a row of bare commas). */
export function isBlankRecord(cells: readonly string[]): boolean {
  for (let i = 0; i < cells.length; i++) {
    if (cells[i]!.trim() !== '') return false;
  }
  return true;
}

/** Cuts a long text for messages and reject files, saying how much was left out. */
export function truncate(text: string, max = 2000): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** A row of values as one CSV line (no line end), quoted by the one CSV writer's rule; used to show a source row verbatim. */
export function formatCsvRow(cells: readonly string[]): string {
  return csvLine(cells, { neutralise: false });
}

/**
 * Repairs a quoted value followed by stray spaces (`"Smith, Jane"  ,`): csv-parse (with
 * relax_quotes and without rtrim, whose error path drops the rest of a chunk) keeps the quotes and
 * the spaces, giving `"Smith, Jane"  `; this returns `Smith, Jane`. Any other value is returned as is.
 */
export function unwrapSpacedQuotes(value: string): string {
  const trimmed = value.trimEnd();
  return trimmed.length >= 2 && trimmed.length < value.length && trimmed.charCodeAt(0) === 34 && trimmed.endsWith('"')
    ? trimmed.slice(1, -1)
    : value;
}
