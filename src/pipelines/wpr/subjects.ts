/**
 * Subjects and descriptions of the WPR work packages. An epic is titled by its order and customer
 * (or product); a story by its line key and line description. Columns that no custom field
 * receives are kept in the description (as a short Markdown list), so nothing of the report is lost.
 */
import type { WprColumns } from '../../config/wpr-columns.js';
import type { WprLine, WprValue } from '../../stores/batch-store.js';

/** OpenProject's subject limit. */
export const SUBJECT_MAX = 255;

const CORE = new Set(['order_id', 'line_item', 'product', 'description']);

function clip(text: string): string {
  const single = /\s\s|[\t\n\r]|^\s|\s$/.test(text) ? text.replace(/\s+/g, ' ').trim() : text;
  return single.length <= SUBJECT_MAX ? single : `${single.slice(0, SUBJECT_MAX - 1)}…`;
}

function display(value: WprValue): string {
  return typeof value === 'number' ? String(value) : (value ?? '').trim();
}

/** Columns no custom field receives, per level (computed once per column map). */
const extrasOf = new WeakMap<WprColumns, Record<'order' | 'line', Array<[string, string]>>>();

function extraLines(line: WprLine, columns: WprColumns, level: 'order' | 'line'): string[] {
  let extras = extrasOf.get(columns);
  if (!extras) {
    extras = { order: [], line: [] };
    for (const [column, spec] of Object.entries(columns)) if (!spec.op_field && !CORE.has(column)) extras[spec.level].push([column, spec.headers[0]!]);
    extrasOf.set(columns, extras);
  }
  const out: string[] = [];
  for (const [column, header] of extras[level]) {
    const value = display(line.fields[column] ?? null);
    if (value) out.push(`- ${header}: ${value}`);
  }
  return out;
}

/** Subject and description of an order's epic. */
export function epicText(orderId: string, lines: readonly WprLine[], columns: WprColumns): { subject: string; description: string } {
  const first = lines[0]!;
  const customer = display(first.fields.customer ?? null);
  const label = customer || first.product.trim();
  const extras = extraLines(first, columns, 'order');
  const count = `${lines.length} line${lines.length === 1 ? '' : 's'}`;
  return {
    subject: clip(label ? `${orderId} – ${label}` : orderId),
    description: [`WPR order ${orderId} (${first.product.trim() || 'no product'}), ${count}.`, ...(extras.length ? ['', ...extras] : [])].join('\n'),
  };
}

/** Subject and description of a line's story. */
export function storyText(line: WprLine, columns: WprColumns): { subject: string; description: string | null } {
  const text = display(line.fields.description ?? null);
  const extras = [`- Line Item: ${line.line_item}`, ...extraLines(line, columns, 'line')];
  return {
    subject: clip(text ? `${line.line_key} ${text}` : `${line.line_key} ${line.product}`),
    description: [text, ...(text ? [''] : []), ...extras].join('\n'),
  };
}
