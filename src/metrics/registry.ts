/**
 * Prometheus metrics for every runbook (prom-client), named per Prometheus conventions
 * (`migration_` prefix, base units, `_total` counters, `_seconds`, `_bytes`):
 *
 * | metric | labels | what |
 * |---|---|---|
 * | `migration_records_total` | tool, outcome | records processed, by outcome (updated, unchanged, skipped, failed, invalid…) |
 * | `migration_runs_total` | tool, status | runs finished |
 * | `migration_run_duration_seconds` | tool, status | run durations (histogram) |
 * | `migration_batch_duration_seconds` | tool | batch durations (histogram) |
 * | `migration_alerts_total` | tool, kind | alerts raised |
 * | `migration_http_requests_total` | target, method, status | HTTP attempts answered (`status` = code) or not (`status` = `error`) |
 * | `migration_http_request_duration_seconds` | target, method | attempt durations (histogram) |
 * | `migration_http_response_bytes_total` | target | response body bytes received |
 * | `migration_http_rate_limited_total` | target | 429 answers |
 * | `migration_http_retries_total` | target | attempts that were retries |
 * | `migration_circuit_breaker_state` | target | 0 closed, 1 half-open, 2 open |
 * | `migration_rate_limit_remaining` / `migration_rate_limit_limit` | target | the server's window, as last reported |
 *
 * plus the process metrics of prom-client (`migration_process_cpu_seconds_total`,
 * `migration_process_resident_memory_bytes`, `migration_nodejs_eventloop_lag_seconds`, …) — the
 * seed's "system resource usage". One registry per process; `MigrationMetrics` can be built
 * alone for tests.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { circuitBreakers } from '../http/circuit-breaker.js';
import { observeHttp, type HttpAttemptEvent } from '../http/observers.js';
import { readRateLimitWindow } from '../http/rate-limit-headers.js';

const BREAKER_STATE = { closed: 0, half_open: 1, open: 2 } as const;

/** The metrics of one registry, and the calls that feed them. */
export class MigrationMetrics {
  readonly registry = new Registry();
  readonly records = new Counter({ name: 'migration_records_total', help: 'Records processed by migration tools, by outcome.', labelNames: ['tool', 'outcome'] as const, registers: [this.registry] });
  readonly runs = new Counter({ name: 'migration_runs_total', help: 'Runs finished, by final status.', labelNames: ['tool', 'status'] as const, registers: [this.registry] });
  readonly runDuration = new Histogram({
    name: 'migration_run_duration_seconds',
    help: 'Duration of finished runs.',
    labelNames: ['tool', 'status'] as const,
    buckets: [1, 5, 15, 60, 300, 900, 3600, 14_400],
    registers: [this.registry],
  });
  readonly batchDuration = new Histogram({
    name: 'migration_batch_duration_seconds',
    help: 'Duration of processing batches.',
    labelNames: ['tool'] as const,
    buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300],
    registers: [this.registry],
  });
  readonly alerts = new Counter({ name: 'migration_alerts_total', help: 'Alerts raised by runs.', labelNames: ['tool', 'kind'] as const, registers: [this.registry] });
  readonly httpRequests = new Counter({ name: 'migration_http_requests_total', help: 'HTTP attempts to targets, by answer status (or "error").', labelNames: ['target', 'method', 'status'] as const, registers: [this.registry] });
  readonly httpDuration = new Histogram({
    name: 'migration_http_request_duration_seconds',
    help: 'Duration of HTTP attempts to targets.',
    labelNames: ['target', 'method'] as const,
    buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly httpBytes = new Counter({ name: 'migration_http_response_bytes_total', help: 'Response body bytes received from targets.', labelNames: ['target'] as const, registers: [this.registry] });
  readonly rateLimited = new Counter({ name: 'migration_http_rate_limited_total', help: 'HTTP 429 answers from targets.', labelNames: ['target'] as const, registers: [this.registry] });
  readonly retries = new Counter({ name: 'migration_http_retries_total', help: 'HTTP attempts that were retries.', labelNames: ['target'] as const, registers: [this.registry] });
  readonly breaker = new Gauge({
    name: 'migration_circuit_breaker_state',
    help: 'Circuit breaker state per target (the worst of its clients): 0 closed, 1 half-open, 2 open.',
    labelNames: ['target'] as const,
    registers: [this.registry],
    collect() {
      const worst = new Map<string, number>();
      for (const breaker of circuitBreakers()) worst.set(breaker.target, Math.max(worst.get(breaker.target) ?? 0, BREAKER_STATE[breaker.state]));
      for (const [target, state] of worst) this.set({ target }, state);
    },
  });
  readonly rateRemaining = new Gauge({ name: 'migration_rate_limit_remaining', help: "Requests left in the target's rate-limit window, as last reported.", labelNames: ['target'] as const, registers: [this.registry] });
  readonly rateLimit = new Gauge({ name: 'migration_rate_limit_limit', help: "Size of the target's rate-limit window, as last reported.", labelNames: ['target'] as const, registers: [this.registry] });

  /** Adds process metrics (CPU, memory, event loop lag, handles) to the registry. */
  collectProcessMetrics(): void {
    collectDefaultMetrics({ register: this.registry, prefix: 'migration_' });
  }

  /** Counts records of a tool by outcome (zero counts are left out). */
  recordRecords(tool: string, counts: Readonly<Record<string, number | undefined>>): void {
    for (const [outcome, count] of Object.entries(counts)) if (count && count > 0) this.records.inc({ tool, outcome }, count);
  }

  /** Records a finished run. */
  recordRun(tool: string, status: string, seconds: number): void {
    this.runs.inc({ tool, status });
    this.runDuration.observe({ tool, status }, seconds);
  }

  /** Records one finished batch. */
  recordBatch(tool: string, seconds: number): void {
    this.batchDuration.observe({ tool }, seconds);
  }

  /** Records an alert. */
  recordAlert(tool: string, kind: string): void {
    this.alerts.inc({ tool, kind });
  }

  /** Feeds the HTTP metrics from one attempt reported by an HTTP client. */
  recordHttp(event: HttpAttemptEvent): void {
    const { target, method } = event;
    this.httpRequests.inc({ target, method, status: event.status === undefined ? 'error' : String(event.status) });
    if (event.durationMs !== undefined) this.httpDuration.observe({ target, method }, event.durationMs / 1000);
    if (event.bytes) this.httpBytes.inc({ target }, event.bytes);
    if (event.retry) this.retries.inc({ target });
    if (event.status === 429) this.rateLimited.inc({ target });
    const window = event.headers ? readRateLimitWindow(event.headers) : undefined;
    if (window) {
      this.rateRemaining.set({ target }, window.remaining);
      this.rateLimit.set({ target }, window.limit);
    }
  }

  /** Subscribes to every HTTP client's attempts; returns the unsubscribe function. */
  observeHttp(): () => void {
    return observeHttp((event) => this.recordHttp(event));
  }

  /** The exposition text (`GET /metrics`). */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** Content type of {@link text}. */
  get contentType(): string {
    return this.registry.contentType;
  }
}

let processMetrics: MigrationMetrics | undefined;

/** The process's metrics: built on first use, with process metrics and the HTTP observer attached. */
export function metrics(): MigrationMetrics {
  if (!processMetrics) {
    processMetrics = new MigrationMetrics();
    processMetrics.collectProcessMetrics();
    processMetrics.observeHttp();
  }
  return processMetrics;
}
