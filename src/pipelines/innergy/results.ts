/** Small helpers shared by the INNERGY tools' results: bounded warnings and API call counts. */
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
