import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../../src/engine/errors.js';
import { fastClient } from './helpers/client.js';
import { useLocalServer } from './helpers/local-server.js';

const serve = useLocalServer();

function abortAfter(ms: number): AbortSignal {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), ms);
  return controller.signal;
}

describe('cancellation', () => {
  it('a cancelled signal rejects a request waiting for a token with CancelledError', async () => {
    const s = await serve([{ body: {} }]);
    const client = fastClient(s.url, { rateLimit: { count: 1, windowMs: 60_000 } });
    await client.get('/first'); // takes the only token for a minute
    const started = Date.now();
    const waiting = client.get('/second', { signal: abortAfter(100) });
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(s.requests).toHaveLength(1);
    expect(client.bucket.waiting).toBe(0);
    expect(client.stats().failures).toBe(0);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const s = await serve([{ body: {} }]);
    await expect(fastClient(s.url).get('/x', { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError);
    expect(s.requests).toHaveLength(0);
  });

  it('cancels a backoff delay between retries', async () => {
    const s = await serve([{ status: 429, headers: { 'retry-after': '30' } }, { body: {} }]);
    const started = Date.now();
    const failure = fastClient(s.url).get('/x', { signal: abortAfter(150) });
    await expect(failure).rejects.toBeInstanceOf(CancelledError);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(s.requests).toHaveLength(1);
  });

  it('cancels a request in flight', async () => {
    const s = await serve([{ delayMs: 5000, body: {} }]);
    const started = Date.now();
    const failure = fastClient(s.url, { timeoutMs: 10_000 }).post('/api/projects', { json: {}, signal: abortAfter(100) });
    await expect(failure).rejects.toBeInstanceOf(CancelledError);
    await expect(failure).rejects.toThrow(/POST request to INNERGY .* was cancelled/);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('does not count a cancelled request against the circuit breaker', async () => {
    const s = await serve([{ delayMs: 2000, body: {} }]);
    const client = fastClient(s.url, { circuitBreaker: { failureThreshold: 1 } });
    await expect(client.get('/x', { signal: abortAfter(50) })).rejects.toBeInstanceOf(CancelledError);
    expect(client.breaker.state).toBe('closed');
  });
});
