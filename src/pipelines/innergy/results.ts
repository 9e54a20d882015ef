/** Small helpers shared by the INNERGY tools' results: bounded warnings and API call counts. */
import type { PlanItem } from '../../engine/ledger/plan-store.js';
import type { InnergyClient } from '../../targets/innergy/client.js';

export interface ApiStats {
  requests: number;
  by_method: Record<string, number>;
  retries: number;
  rate_limited: number;
}

/** API calls this run made to INNERGY (for reports and benchmarks). */
export function apiStats(client: InnergyClient): ApiStats {
  const stats = client.stats();
  return { requests: stats.requests, by_method: { ...stats.byMethod } as Record<string, number>, retries: stats.retries, rate_limited: stats.rateLimited };
}

/** At most `max` warnings, then one line counting the rest. */
export function boundedWarnings(warnings: readonly string[], max = 50): string[] {
  return warnings.length <= max ? [...warnings] : [...warnings.slice(0, max), `… and ${warnings.length - max} more`];
}

/** One record of a result's bounded sample. */
export interface PlanSample {
  action: string;
  innergy_id: string | null;
  reason?: string;
  changed_fields?: string[];
}

/**
 * Up to 20 plan items for a result, failures first, then skips, then writes, then unchanged
 * ones; each keyed by `keyField` (job_number, sku) with its INNERGY id, reason and changed fields.
 */
export function samplePlan<K extends string>(
  items: readonly PlanItem<{ changed?: string[] }>[],
  keyField: K,
  ids: ReadonlyMap<string, string>,
  failures: readonly { key: string; error: string }[] = [],
): (PlanSample & Record<K, string>)[] {
  const failed = new Map(failures.map((f) => [f.key, f.error]));
  const rank = (item: PlanItem) => (failed.has(item.key) ? 0 : item.action === 'skip' ? 1 : item.action === 'unchanged' ? 3 : 2);
  return [...items]
    .sort((a, b) => rank(a) - rank(b))
    .slice(0, 20)
    .map((item) => {
      const sample = { [keyField]: item.key, action: failed.has(item.key) ? 'failed' : item.action, innergy_id: ids.get(item.key) ?? item.target_id ?? null } as PlanSample & Record<K, string>;
      const reason = failed.get(item.key) ?? item.reason;
      if (reason) sample.reason = reason;
      if (item.data.changed) sample.changed_fields = item.data.changed;
      return sample;
    });
}
