import { describe, expect, it } from 'vitest';
import { HttpStatusError, NetworkError } from '../../../src/http/index.js';
import { fastClient } from './helpers/client.js';
import { gap, refusedUrl, startLocalServer, useLocalServer } from './helpers/local-server.js';

const serve = useLocalServer();

const ok = { body: { ok: true } };

describe('retries', () => {
  it('retries a 503 on GET with exponential backoff and succeeds', async () => {
    const s = await serve([{ status: 503 }, { status: 502 }, { status: 500 }, ok]);
    const client = fastClient(s.url, { retryDelayMs: 40 });
    const response = await client.get<{ ok: boolean }>('/api/materials');
    expect(response.body.ok).toBe(true);
    expect(s.requests).toHaveLength(4);
    // equal jitter: each wait is 50–100% of 40, 80, 160 ms
    expect(gap(s.requests, 0, 1)).toBeGreaterThanOrEqual(18);
    expect(gap(s.requests, 1, 2)).toBeGreaterThanOrEqual(38);
    expect(gap(s.requests, 2, 3)).toBeGreaterThanOrEqual(78);
    expect(client.stats()).toMatchObject({ requests: 4, retries: 3, failures: 0, byMethod: { GET: 4 } });
  });

  it('gives up after maxRetries and names the retries in the message', async () => {
    const s = await serve([{ status: 503 }]);
    const client = fastClient(s.url);
    const failure = client.post('/api/projects', { json: { Name: 'x' }, retryable: true });
    await expect(failure).rejects.toBeInstanceOf(HttpStatusError);
    await expect(failure).rejects.toThrow(
      new RegExp(`^INNERGY answered 503 Service Unavailable to POST ${s.url.replace(/\./g, '\\.')}/api/projects after 5 retries\\.$`),
    );
    await expect(failure).rejects.toMatchObject({ kind: 'transient', status: 503, retries: 5, outcome: 'unknown' });
    expect(s.requests).toHaveLength(6);
  });

  it('does not retry a POST that failed with 503 and reports the outcome as unknown', async () => {
    const s = await serve([{ status: 503, body: { message: 'busy' } }, ok]);
    const client = fastClient(s.url);
    const failure = client.post('/api/projects', { json: { Name: 'x' } });
    await expect(failure).rejects.toMatchObject({ kind: 'transient', status: 503, outcome: 'unknown', retries: 0 });
    await expect(failure).rejects.toThrow(/not retried: repeating a POST blindly could apply it twice/);
    await expect(failure).rejects.toMatchObject({ action: expect.stringMatching(/may have applied/) });
    expect(s.requests).toHaveLength(1);
  });

  it('does not retry a PATCH by default but does when asked to', async () => {
    const s = await serve([{ status: 500 }, { status: 500 }, ok]);
    const client = fastClient(s.url, { target: 'OpenProject' });
    await expect(client.patch('/api/v3/work_packages/1', { json: { lockVersion: 3 } })).rejects.toMatchObject({ status: 500 });
    expect(s.requests).toHaveLength(1);
    await expect(client.patch('/api/v3/work_packages/1', { json: { lockVersion: 3 }, retryable: true })).resolves.toMatchObject({ status: 200 });
    expect(s.requests).toHaveLength(3);
  });

  it('does not retry a GET when the request says it is not retryable', async () => {
    const s = await serve([{ status: 503 }, ok]);
    const client = fastClient(s.url);
    await expect(client.get('/x', { retryable: false })).rejects.toMatchObject({ status: 503 });
    expect(s.requests).toHaveLength(1);
  });

  it('retries a connection reset on GET', async () => {
    const s = await serve([{ destroy: 'reset' }, ok]);
    const client = fastClient(s.url);
    const response = await client.get<{ ok: boolean }>('/api/materials');
    expect(response.body.ok).toBe(true);
    expect(s.requests).toHaveLength(2);
  });

  it('retries a connection closed before the answer (UND_ERR_SOCKET) on GET', async () => {
    const s = await serve([{ destroy: 'close' }, ok]);
    const client = fastClient(s.url);
    await expect(client.get('/api/materials')).resolves.toMatchObject({ status: 200 });
    expect(s.requests).toHaveLength(2);
  });

  it('retries a GET whose body was cut off mid-way', async () => {
    const s = await serve([{ body: { Items: [1, 2, 3, 4, 5, 6, 7, 8] }, destroy: 'mid-body' }, { body: { Items: [1] } }]);
    const client = fastClient(s.url);
    const response = await client.get<{ Items: number[] }>('/api/materials');
    expect(response.body.Items).toEqual([1]);
    expect(s.requests).toHaveLength(2);
  });

  it('does not retry a POST whose connection was reset and reports the outcome as unknown', async () => {
    const s = await serve([{ destroy: 'reset' }, ok]);
    const client = fastClient(s.url);
    const failure = client.post('/api/projects', { json: {} });
    await expect(failure).rejects.toBeInstanceOf(NetworkError);
    await expect(failure).rejects.toMatchObject({ kind: 'transient', outcome: 'unknown', code: 'ECONNRESET' });
    await expect(failure).rejects.toThrow(/connection reset \(ECONNRESET\).*not retried/);
    expect(s.requests).toHaveLength(1);
  });

  it('reports a refused connection as not sent, retrying it even for a POST', async () => {
    const url = await refusedUrl();
    const client = fastClient(url, { maxRetries: 2 });
    const failure = client.post('/api/projects', { json: {} });
    await expect(failure).rejects.toBeInstanceOf(NetworkError);
    await expect(failure).rejects.toMatchObject({ outcome: 'not_sent', code: 'ECONNREFUSED', retries: 2 });
    await expect(failure).rejects.toThrow(/INNERGY could not be reached for POST .*connection refused \(ECONNREFUSED\) after 2 retries/);
    expect(client.stats()).toMatchObject({ requests: 3, retries: 2, failures: 1 });
  });

  it('retries a timed-out GET and reports a timed-out POST as unknown', async () => {
    const s = await serve([{ delayMs: 400, body: { late: true } }, ok]);
    const client = fastClient(s.url, { timeoutMs: 150 });
    await expect(client.get('/slow')).resolves.toMatchObject({ body: { ok: true } });
    expect(s.requests).toHaveLength(2);

    const s2 = await startLocalServer([{ delayMs: 400 }]);
    try {
      const failure = fastClient(s2.url, { timeoutMs: 150 }).post('/api/projects', { json: {} });
      await expect(failure).rejects.toMatchObject({ outcome: 'unknown', code: 'TIMEOUT' });
      await expect(failure).rejects.toThrow(/INNERGY did not answer POST .* within 150 ms/);
      expect(s2.requests).toHaveLength(1);
    } finally {
      await s2.close();
    }
  });
});
