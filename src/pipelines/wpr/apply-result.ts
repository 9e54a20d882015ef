/**
 * The result of a WPR apply (delta or backfill), in the seed's terms: `orders`, `orders_changed`,
 * `created`, `updated`, `failures`, `warnings` (counts, as the seed's summary printed them), the
 * per-product breakdown (unmapped products with `project: null`), `unmapped_products[]`, the
 * per-order lines, and bounded samples. Counts mean "would" in a dry run.
 */
import type { Intent } from '../../engine/ledger/intent-store.js';
import type { PlanOutcome } from '../../engine/plan-apply.js';
import type { ApiStats } from '../../http/index.js';
import type { WorkPackagePayload } from '../../targets/openproject/index.js';
import { boundedList } from '../../transform/warnings.js';
import type { Selection } from './select.js';

/** Counts of one kind of work package. */
export interface KindCounts {
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
}

/** Per-product counts. */
export interface ProductCounts {
  project: string | null;
  orders: number;
  orders_changed: number;
  created: number;
  updated: number;
  failures: number;
}

/** What `wpr_delta_apply` and `wpr_backfill` return (besides the run keys). */
export interface WprApplyResult extends Record<string, unknown> {
  batch_id: string;
  registry: string;
  orders: number;
  orders_changed: number;
  created: number;
  updated: number;
  unchanged: number;
  failures: number;
  warnings: number;
  reconciled: number;
  epics: KindCounts;
  stories: KindCounts;
  per_product: Record<string, ProductCounts>;
  unmapped_products: Array<{ product: string; orders: number; lines: number }>;
  order_lines: string[];
  failure_samples: Array<{ key: string; error: string }>;
  warning_messages: string[];
  api: ApiStats;
}

/** The final action of every planned item: as planned (dry run), else as its intent ended. */
export type FinalAction = 'create' | 'update' | 'unchanged' | 'skip' | 'failed' | 'not done';

/** Final actions by `<kind>:<key>`. */
export function finalActions(outcome: PlanOutcome<WorkPackagePayload>, intents: ReadonlyMap<string, ReadonlyMap<string, Intent>> | undefined): Map<string, FinalAction> {
  const out = new Map<string, FinalAction>();
  for (const item of outcome.items) {
    const id = `${item.data.kind}:${item.key}`;
    const planned = item.action as FinalAction;
    if (!intents || (item.action !== 'create' && item.action !== 'update')) {
      out.set(id, planned);
      continue;
    }
    const intent = intents.get(item.data.kind)?.get(item.key);
    out.set(id, intent?.state === 'acked' ? (intent.op as FinalAction) : intent && intent.state !== 'planned' ? 'failed' : 'not done');
  }
  return out;
}

/** Counts of one kind from final actions. */
export function kindCounts(actions: ReadonlyMap<string, FinalAction>, kind: string): KindCounts {
  const counts: KindCounts = { created: 0, updated: 0, unchanged: 0, failed: 0 };
  for (const [id, action] of actions) {
    if (!id.startsWith(`${kind}:`)) continue;
    if (action === 'create') counts.created += 1;
    else if (action === 'update') counts.updated += 1;
    else if (action === 'unchanged') counts.unchanged += 1;
    else if (action === 'failed' || action === 'skip') counts.failed += 1;
  }
  return counts;
}

/** Per-product counts: the selection's order counts plus the writes of each product's orders. */
export function perProductCounts(selection: Selection, actions: ReadonlyMap<string, FinalAction>, productOfItem: ReadonlyMap<string, string>): Record<string, ProductCounts> {
  const out: Record<string, ProductCounts> = {};
  const sorted = [...selection.perProduct.values()].sort((a, b) => b.orders - a.orders || a.product.localeCompare(b.product));
  for (const entry of sorted.slice(0, 100)) out[entry.product] = { project: entry.project, orders: entry.orders, orders_changed: entry.orders_changed, created: 0, updated: 0, failures: 0 };
  for (const [id, action] of actions) {
    const counts = out[productOfItem.get(id) ?? ''];
    if (!counts) continue;
    if (action === 'create') counts.created += 1;
    else if (action === 'update') counts.updated += 1;
    else if (action === 'failed' || action === 'skip') counts.failures += 1;
  }
  return out;
}

/** Failure samples: skipped items (with their reason) and failed writes (with the server's message). */
export function failureSamples(outcome: PlanOutcome<WorkPackagePayload>, actions: ReadonlyMap<string, FinalAction>, max = 20): Array<{ key: string; error: string }> {
  const skipped = outcome.items.filter((item) => item.action === 'skip').map((item) => ({ key: item.key, error: item.reason ?? 'skipped' }));
  const failed = outcome.failures.filter((failure) => [...actions].some(([id, action]) => action === 'failed' && id.endsWith(`:${failure.key}`)));
  return [...skipped, ...failed].slice(0, max);
}

/** The Markdown body of the run report: summary, every order line, every unmapped product, samples. */
export function applyMarkdown(result: WprApplyResult, lines: readonly string[], unmapped: ReadonlyArray<{ product: string; orders: number; lines: number }>, warnings: readonly string[]): string {
  const out = [
    '## Summary',
    '',
    '| key | value |',
    '|---|---|',
    ...(['batch_id', 'orders', 'orders_changed', 'created', 'updated', 'unchanged', 'failures', 'warnings', 'reconciled'] as const).map((key) => `| ${key} | ${String(result[key])} |`),
    '',
    '## Per product',
    '',
    '| product | project | orders | changed | created | updated | failures |',
    '|---|---|---|---|---|---|---|',
    ...Object.entries(result.per_product).map(([product, c]) => `| ${product} | ${c.project ?? '[None]'} | ${c.orders} | ${c.orders_changed} | ${c.created} | ${c.updated} | ${c.failures} |`),
    '',
  ];
  if (lines.length) out.push('## Orders', '', '```', ...lines, '```', '');
  if (unmapped.length) out.push('## Unmapped products (skipped)', '', ...unmapped.map((u) => `- ${u.product}: ${u.orders} order(s), ${u.lines} line(s)`), '');
  if (result.failure_samples.length) out.push('## Failures (sample)', '', ...result.failure_samples.map((f) => `- ${f.key}: ${f.error}`), '');
  if (warnings.length) out.push('## Warnings', '', ...boundedList([...warnings], 200).map((w) => `- ${w}`), '');
  return out.join('\n');
}
