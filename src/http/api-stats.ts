/** The `api` block of a run result: what a run asked of a target's API, from its client's counters. */
import type { HttpStats } from './types.js';

export interface ApiStats {
  requests: number;
  by_method: Record<string, number>;
  retries: number;
  rate_limited: number;
}

/** A client's counters in result form (snake_case keys). */
export function apiStats(stats: HttpStats): ApiStats {
  return { requests: stats.requests, by_method: { ...stats.byMethod } as Record<string, number>, retries: stats.retries, rate_limited: stats.rateLimited };
}
