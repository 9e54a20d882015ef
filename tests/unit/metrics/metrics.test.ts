/** Prometheus metrics: names per convention, run/record/alert counters, and HTTP metrics fed by every client. */
import { afterEach, describe, expect, it } from 'vitest';
import { MigrationMetrics } from '../../../src/metrics/index.js';
import { createHttpClient } from '../../../src/http/index.js';
import { DevRevClient } from '../../../src/targets/devrev/index.js';
import { seedIssues, startFakeDevRev, type FakeDevRev } from '../../fakes/devrev.js';

let fake: FakeDevRev | undefined;
const unsubscribers: Array<() => void> = [];
afterEach(async () => {
  unsubscribers.splice(0).forEach((off) => off());
  await fake?.close();
  fake = undefined;
});

function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((pair) => line.includes(pair))) return Number(line.split(' ').pop());
  }
  return undefined;
}

describe('migration metrics', () => {
  it('follows Prometheus naming: migration_ prefix, _total counters, base units', async () => {
    const metrics = new MigrationMetrics();
    metrics.collectProcessMetrics();
    const names = (await metrics.registry.getMetricsAsJSON()).map((m) => ({ name: m.name, type: String(m.type) }));
    for (const { name, type } of names) {
      expect(name).toMatch(/^migration_[a-z0-9_]+$/);
      if (type === 'counter') expect(name).toMatch(/_total$/);
    }
    expect(names.map((n) => n.name)).toEqual(expect.arrayContaining(['migration_records_total', 'migration_run_duration_seconds', 'migration_http_response_bytes_total', 'migration_process_resident_memory_bytes']));
  });

  it('counts records by tool and outcome, runs, batches and alerts', async () => {
    const metrics = new MigrationMetrics();
    metrics.recordRecords('devrev_backfill', { updated: 7, unchanged: 3, failed: 0 });
    metrics.recordRecords('devrev_backfill', { updated: 1 });
    metrics.recordRun('devrev_backfill', 'succeeded', 12.5);
    metrics.recordBatch('devrev_backfill', 0.4);
    metrics.recordAlert('devrev_backfill', 'slow_batch');
    const text = await metrics.text();
    expect(sample(text, 'migration_records_total', { tool: 'devrev_backfill', outcome: 'updated' })).toBe(8);
    expect(sample(text, 'migration_records_total', { outcome: 'failed' })).toBeUndefined();
    expect(sample(text, 'migration_runs_total', { tool: 'devrev_backfill', status: 'succeeded' })).toBe(1);
    expect(sample(text, 'migration_run_duration_seconds_sum', { tool: 'devrev_backfill' })).toBe(12.5);
    expect(sample(text, 'migration_batch_duration_seconds_count', { tool: 'devrev_backfill' })).toBe(1);
    expect(sample(text, 'migration_alerts_total', { kind: 'slow_batch' })).toBe(1);
    expect(metrics.contentType).toContain('text/plain');
  });

  it('records every HTTP client: statuses, 429s, retries, network errors, bytes, window and breaker', async () => {
    const metrics = new MigrationMetrics();
    unsubscribers.push(metrics.observeHttp());
    fake = await startFakeDevRev({ issues: seedIssues(3, 1), rateLimit: { count: 50, windowMs: 60_000 } });
    const client = new DevRevClient({ baseUrl: fake.url, token: 'test-devrev-token', rateLimit: { count: 1000, windowMs: 1000 }, maxRetries: 3 });
    fake.faults.once({ kind: 'reset', match: { path: '/works.list' } });
    await client.firstIssues(1);
    await client.firstIssues(1);
    await client.firstIssues(1);
    const once = new DevRevClient({ baseUrl: fake.url, token: 'test-devrev-token', rateLimit: { count: 1000, windowMs: 1000 }, maxRetries: 0 });
    fake.faults.once({ kind: 'reset', match: { path: '/works.list' } });
    await expect(once.firstIssues(1)).rejects.toThrow();
    const text = await metrics.text();
    expect(sample(text, 'migration_http_requests_total', { target: 'DevRev', method: 'POST', status: '200' })).toBe(3);
    expect(sample(text, 'migration_http_request_duration_seconds_count', { target: 'DevRev' })).toBe(4);
    expect(sample(text, 'migration_http_requests_total', { target: 'DevRev', status: 'error' })).toBe(1);
    expect(sample(text, 'migration_http_retries_total', { target: 'DevRev' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'migration_http_response_bytes_total', { target: 'DevRev' })).toBeGreaterThan(100);
    expect(sample(text, 'migration_rate_limit_limit', { target: 'DevRev' })).toBe(50);
    expect(sample(text, 'migration_rate_limit_remaining', { target: 'DevRev' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'migration_circuit_breaker_state', { target: 'DevRev' })).toBe(0);
  });

  it('counts 429 answers', async () => {
    const metrics = new MigrationMetrics();
    unsubscribers.push(metrics.observeHttp());
    fake = await startFakeDevRev({ rateLimit: { count: 1, windowMs: 1000 } });
    const http = createHttpClient({ target: 'Paced', baseUrl: fake.url, headers: { authorization: 'Bearer test-devrev-token' }, rateLimit: { count: 100, windowMs: 1000 }, adaptivePacing: false });
    await http.post('dev-users.self', { json: {} });
    await http.post('dev-users.self', { json: {} });
    const text = await metrics.text();
    expect(sample(text, 'migration_http_rate_limited_total', { target: 'Paced' })).toBe(1);
    expect(sample(text, 'migration_http_requests_total', { target: 'Paced', status: '429' })).toBe(1);
  });
});
