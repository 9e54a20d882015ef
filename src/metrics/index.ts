/** Prometheus metrics for every runbook (see registry.ts for the list, runs.ts for the run hook). */
export { MigrationMetrics, metrics } from './registry.js';
export { OUTCOME_KEYS, outcomeCounts, recordRunMetrics } from './runs.js';
