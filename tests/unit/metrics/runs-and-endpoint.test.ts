/** Run metrics from run-finished events, and the metrics endpoints (loopback port, methods). */
import { afterEach, describe, expect, it } from 'vitest';
import winston from 'winston';
import { ConfigError } from '../../../src/engine/errors.js';
import type { FinishedRun } from '../../../src/engine/run-manager.js';
import { MigrationMetrics, outcomeCounts, recordRunMetrics } from '../../../src/metrics/index.js';
import { serveMetricsPort, type MetricsServer } from '../../../src/server/metrics-endpoint.js';

const logger = winston.createLogger({ transports: [new winston.transports.Console({ silent: true })] });
let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('run metrics', () => {
  it('reads record outcomes from the result keys tools share', () => {
    expect(outcomeCounts({ created: 3, updated: 0, unchanged: 7, failed: 1, rows: 11, projects: { read: 4 }, skipped: '2' })).toEqual({ created: 3, unchanged: 7, failed: 1 });
    expect(outcomeCounts(null)).toEqual({});
  });

  it('counts every finished run, and the records of applied runs only', async () => {
    const metrics = new MigrationMetrics();
    let emit: (event: FinishedRun) => void = () => {};
    recordRunMetrics({ onFinished: (listener) => ((emit = listener), () => {}) }, metrics);
    const run = (dry_run: boolean, status: string) => ({ run: { tool: 'devrev_backfill', status, dry_run, result: { updated: 5, unchanged: 2 } }, durationSeconds: 3 }) as unknown as FinishedRun;
    emit(run(true, 'succeeded'));
    emit(run(false, 'succeeded'));
    emit(run(false, 'interrupted'));
    const text = await metrics.text();
    expect(text).toContain('migration_runs_total{tool="devrev_backfill",status="succeeded"} 2');
    expect(text).toContain('migration_runs_total{tool="devrev_backfill",status="interrupted"} 1');
    expect(text).toContain('migration_records_total{tool="devrev_backfill",outcome="updated"} 10');
    expect(text).toContain('migration_run_duration_seconds_count{tool="devrev_backfill",status="succeeded"} 2');
  });
});

describe('metrics port', () => {
  it('binds to loopback only', async () => {
    await expect(serveMetricsPort('0.0.0.0', 0, logger)).rejects.toBeInstanceOf(ConfigError);
  });

  it('answers GET /metrics, 405 to other methods and 404 to other paths', async () => {
    server = await serveMetricsPort('127.0.0.1', 0, logger);
    const ok = await fetch(server.url);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('# TYPE migration_records_total counter');
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
    expect((await fetch(server.url.replace('/metrics', '/mcp'))).status).toBe(404);
  });
});
