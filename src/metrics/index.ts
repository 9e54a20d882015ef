/** Prometheus metrics for every runbook (see registry.ts for the list). */
export { MigrationMetrics, metrics } from './registry.js';
