import { describe, expect, it, vi, type TestContext } from 'vitest';
import { HttpStatusError, parseResetValue, resetDelayMs, TokenBucket } from '../../../src/http/index.js';
import type { Logger } from '../../../src/logging/logger.js';
import { fastClient } from './helpers/client.js';
import { ManualClock } from './helpers/manual-clock.js';
import { gap, startLocalServer, type LocalServer } from './helpers/local-server.js';

/** Starts a server closed when the (possibly concurrent) test finishes. */
async function serve(context: TestContext, script: Parameters<typeof startLocalServer>[0]): Promise<LocalServer> {
  const server = await startLocalServer(script);
  context.onTestFinished(() => server.close());
  return server;
}

const ok = { body: { ok: true } };

/** Waits for an assertion to hold: event order, with a timeout far above any loaded machine's delay. */
const until = (assertion: () => void) => vi.waitFor(assertion, { timeout: 20_000, interval: 5 });

describe('reset headers', () => {
  it('reads delta seconds, epoch seconds and HTTP dates', () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    expect(parseResetValue('2', now)).toBe(2000);
    expect(parseResetValue(String(now / 1000 + 5), now)).toBe(5000);
    expect(parseResetValue('Sun, 01 Jun 2025 12:00:03 GMT', now)).toBe(3000);
    expect(parseResetValue('Sun, 01 Jun 2025 11:00:00 GMT', now)).toBe(0);
    expect(parseResetValue('soon', now)).toBeUndefined();
    expect(resetDelayMs(new Headers({ 'x-ratelimit-reset': '1' }), now)).toBe(1000);
    expect(resetDelayMs(new Headers({ 'retry-after': '3', 'ratelimit-reset': '9' }), now)).toBe(3000);
    expect(resetDelayMs(new Headers(), now)).toBeUndefined();
  });
});

describe.concurrent('rate limiting against a local server', () => {
  it('respects Retry-After: 2 and waits before retrying', async (context) => {
    const server = await serve(context, [{ status: 429, headers: { 'retry-after': '2' } }, ok]);
    const client = fastClient(server.url);
    const response = await client.get<{ ok: boolean }>('/api/materials');
    expect(response.body.ok).toBe(true);
    expect(server.requests).toHaveLength(2);
    expect(gap(server.requests, 0, 1)).toBeGreaterThanOrEqual(1900);
    expect(client.stats()).toMatchObject({ requests: 2, retries: 1, rateLimited: 1 });
  });

  it('retries a POST that got 429', async (context) => {
    const server = await serve(context, [{ status: 429, headers: { 'retry-after': '1' } }, { status: 201, body: { Id: 7 } }]);
    const client = fastClient(server.url);
    const response = await client.post<{ Id: number }>('/api/projects', { json: { Name: 'A' } });
    expect(response.status).toBe(201);
    expect(response.body.Id).toBe(7);
    expect(server.requests.map((r) => r.method)).toEqual(['POST', 'POST']);
    expect(server.requests[1]!.body).toBe('{"Name":"A"}');
    expect(gap(server.requests, 0, 1)).toBeGreaterThanOrEqual(900);
  });

  it('honours RateLimit-Reset given as epoch seconds', async (context) => {
    let resetAt = 0;
    const server = await serve(context, (_request, index) => {
      if (index > 0) return ok;
      resetAt = Math.ceil(Date.now() / 1000) + 1;
      return { status: 429, headers: { 'ratelimit-limit': '10', 'ratelimit-remaining': '0', 'ratelimit-reset': String(resetAt) }, body: { _type: 'Error', errorIdentifier: 'urn:openproject-org:api:v3:errors:Throttled' } };
    });
    const client = fastClient(server.url, { target: 'OpenProject' });
    await client.get('/api/v3/work_packages');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.at).toBeGreaterThanOrEqual(resetAt * 1000 - 50);
  });

  it('honours X-RateLimit-Reset', async (context) => {
    const server = await serve(context, [{ status: 429, headers: { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' } }, ok]);
    const client = fastClient(server.url, { target: 'DevRev' });
    await client.post('/works.list', { json: {}, retryable: true });
    expect(gap(server.requests, 0, 1)).toBeGreaterThanOrEqual(900);
  });

  it('honours Retry-After given as an HTTP date', async (context) => {
    let retryAt = 0;
    const server = await serve(context, (_request, index) => {
      if (index > 0) return ok;
      retryAt = (Math.floor(Date.now() / 1000) + 2) * 1000;
      return { status: 429, headers: { 'retry-after': new Date(retryAt).toUTCString() } };
    });
    const client = fastClient(server.url);
    await client.get('/api/materials');
    expect(server.requests[1]!.at).toBeGreaterThanOrEqual(retryAt - 50);
    expect(gap(server.requests, 0, 1)).toBeGreaterThanOrEqual(900);
  });

  it('waits for Retry-After on a 503 before retrying a GET', async (context) => {
    const server = await serve(context, [{ status: 503, headers: { 'retry-after': '1' } }, ok]);
    const client = fastClient(server.url);
    await client.get('/api/materials');
    expect(gap(server.requests, 0, 1)).toBeGreaterThanOrEqual(900);
  });

  it('takes a token from the rate limit before every request', async (context) => {
    const server = await serve(context, [ok]);
    const clock = new ManualClock();
    const bucket = new TokenBucket({ count: 20, windowMs: 1000 }, { clock });
    const client = fastClient(server.url, { bucket });
    const all = Promise.all(Array.from({ length: 6 }, (_, i) => client.get(`/item/${i}`)));
    await until(() => expect(bucket.waiting).toBe(5));
    await until(() => expect(server.requests).toHaveLength(1));
    // 20/s: the bucket's clock releases one request per 50 ms, and none before
    for (let sent = 2; sent <= 6; sent += 1) {
      await clock.advance(49);
      expect(bucket.taken).toBe(sent - 1);
      await clock.advance(1);
      expect(bucket.taken).toBe(sent);
      await until(() => expect(server.requests).toHaveLength(sent));
    }
    await all;
    expect(server.requests).toHaveLength(6);
  });

  it('holds every later request of the target until the reset a 429 named', async (context) => {
    const server = await serve(context, (request) => {
      const first = !server.requests.slice(0, -1).some((r) => r.url === '/first');
      return request.url === '/first' && first ? { status: 429, headers: { 'retry-after': '1' } } : ok;
    });
    let sawRetry!: () => void;
    const retrying = new Promise<void>((resolve) => (sawRetry = resolve));
    const logger = { warn: () => sawRetry() } as unknown as Logger;
    const client = fastClient(server.url, { logger });
    const first = client.get('/first');
    await retrying; // the client has taken in the 429 (it logs its retry after pausing the bucket)
    const others = Array.from({ length: 3 }, (_, i) => client.get(`/other/${i}`));
    await Promise.all([first, ...others]);
    const throttledAt = server.requests[0]!.at;
    expect(server.requests[0]!.url).toBe('/first');
    expect(server.requests).toHaveLength(5);
    for (const request of server.requests.slice(1)) {
      expect(request.at - throttledAt).toBeGreaterThanOrEqual(900);
    }
    expect(client.stats().rateLimited).toBe(1);
  });

  it('gives up with a transient error when the server asks to wait longer than maxRetryAfterMs', async (context) => {
    const server = await serve(context, [{ status: 429, headers: { 'retry-after': '600' } }, ok]);
    const client = fastClient(server.url, { maxRetryAfterMs: 1000 });
    const failure = client.get('/api/materials');
    await expect(failure).rejects.toBeInstanceOf(HttpStatusError);
    await expect(failure).rejects.toMatchObject({ kind: 'transient', status: 429, outcome: 'rejected' });
    await expect(failure).rejects.toThrow(/asked to wait 600 s, longer than the 1 s/);
    await expect(failure).rejects.toMatchObject({ action: expect.stringMatching(/INNERGY_RATE_LIMIT/) });
    expect(server.requests).toHaveLength(1);
  });

  it('reports a persistent 429 as a transient error after the retries', async (context) => {
    const server = await serve(context, [{ status: 429 }]);
    const client = fastClient(server.url, { maxRetries: 2 });
    const failure = client.post('/api/projects', { json: {} });
    await expect(failure).rejects.toMatchObject({ kind: 'transient', status: 429, retries: 2, outcome: 'rejected' });
    await expect(failure).rejects.toThrow(/INNERGY answered 429 Too Many Requests to POST http:\/\/127\.0\.0\.1:\d+\/api\/projects after 2 retries/);
    expect(server.requests).toHaveLength(3);
    expect(client.stats().rateLimited).toBe(3);
  });
});
