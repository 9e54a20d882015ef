import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/logging/logger.js';
import { fastClient } from './helpers/client.js';
import { useLocalServer } from './helpers/local-server.js';

const serve = useLocalServer();

describe('stats and logging', () => {
  it('counts every attempt sent, by method, with retries, 429s and failures', async () => {
    const s = await serve((request, index) => {
      if (request.url === '/flaky' && index === 0) return { status: 503 };
      if (request.url === '/throttled' && request.method === 'POST' && !s.requests.slice(0, -1).some((r) => r.url === '/throttled')) {
        return { status: 429, headers: { 'retry-after': '0' } };
      }
      if (request.url === '/missing') return { status: 404 };
      return { status: 201, body: {} };
    });
    const client = fastClient(s.url);
    await client.get('/flaky');
    await client.post('/throttled', { json: {} });
    await client.put('/item/1', { json: {} });
    await client.delete('/item/1');
    await expect(client.patch('/missing', { json: {} })).rejects.toMatchObject({ status: 404 });
    expect(client.stats()).toEqual({
      requests: 7,
      retries: 2,
      rateLimited: 1,
      failures: 1,
      byMethod: { GET: 2, POST: 2, PUT: 1, DELETE: 1, PATCH: 1 },
    });
    expect(s.requests).toHaveLength(7);
  });

  it('returns a snapshot that later requests do not change', async () => {
    const s = await serve([{ body: {} }]);
    const client = fastClient(s.url);
    const before = client.stats();
    await client.get('/x');
    expect(before.requests).toBe(0);
    expect(before.byMethod).toEqual({});
  });

  it('logs each retry at warn with the URL, status and delay', async () => {
    const s = await serve([{ status: 503 }, { status: 429, headers: { 'retry-after': '0' } }, { body: {} }]);
    const entries: Array<{ message: string; meta: Record<string, unknown> }> = [];
    const logger = { warn: (message: string, meta: Record<string, unknown>) => entries.push({ message, meta }) } as unknown as Logger;
    await fastClient(s.url, { logger, retryDelayMs: 20 }).get('/api/materials');
    expect(entries).toHaveLength(2);
    expect(entries[0]!.message).toMatch(/^INNERGY: retrying GET http:\/\/127\.0\.0\.1:\d+\/api\/materials after 503 Service Unavailable in \d+ ms \(retry 1 of 5\)$/);
    expect(entries[0]!.meta).toMatchObject({ target: 'INNERGY', method: 'GET', status: 503, retry: 1 });
    expect(entries[0]!.meta.delayMs).toBeGreaterThanOrEqual(10);
    expect(entries[0]!.meta.delayMs).toBeLessThanOrEqual(20);
    expect(entries[1]!.meta).toMatchObject({ status: 429, delayMs: 0, retry: 2 });
  });
});
