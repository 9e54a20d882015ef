/** Adaptive pacing: keeping inside the window the server reports in X-RateLimit-* / RateLimit-* headers. */
import { describe, expect, it, type TestContext } from 'vitest';
import { readRateLimitWindow, TokenBucket, WindowBudget } from '../../../src/http/index.js';
import { fastClient } from './helpers/client.js';
import { startLocalServer, type LocalServer } from './helpers/local-server.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');

describe('readRateLimitWindow', () => {
  it('reads X-RateLimit-Limit/Remaining/Reset with the reset in epoch seconds', () => {
    const headers = new Headers({ 'x-ratelimit-limit': '1000', 'x-ratelimit-remaining': '900', 'x-ratelimit-reset': String(NOW / 1000 + 60) });
    expect(readRateLimitWindow(headers, NOW)).toEqual({ limit: 1000, remaining: 900, resetAtMs: NOW + 60_000 });
  });

  it('reads the RateLimit-* family with the reset in delta seconds', () => {
    const headers = new Headers({ 'ratelimit-limit': '10', 'ratelimit-remaining': '3', 'ratelimit-reset': '5' });
    expect(readRateLimitWindow(headers, NOW)).toEqual({ limit: 10, remaining: 3, resetAtMs: NOW + 5000 });
  });

  it('is undefined without a remaining count or a readable reset', () => {
    expect(readRateLimitWindow(new Headers({ 'x-ratelimit-limit': '10' }), NOW)).toBeUndefined();
    expect(readRateLimitWindow(new Headers({ 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': 'soon' }), NOW)).toBeUndefined();
    expect(readRateLimitWindow(new Headers(), NOW)).toBeUndefined();
  });
});

describe('WindowBudget', () => {
  it('lets requests go at once while no window is known', () => {
    expect(new WindowBudget().waitMs(NOW, NOW - 1)).toBe(0);
  });

  it('leaves the pace to the client-side rate while most of the window is left', () => {
    const budget = new WindowBudget(0);
    budget.observe({ limit: 100, remaining: 80, resetAtMs: NOW + 300_000 }, 0, NOW);
    expect(budget.waitMs(NOW, NOW)).toBe(0);
  });

  it('spreads the requests left evenly over the time to the reset once half the window is spent', () => {
    const budget = new WindowBudget(0);
    budget.observe({ limit: 100, remaining: 10, resetAtMs: NOW + 10_000 }, 0, NOW);
    // 10 requests over 10 s: about one per second after the last one.
    const wait = budget.waitMs(NOW, NOW);
    expect(wait).toBeGreaterThan(850);
    expect(wait).toBeLessThan(1000);
  });

  it('waits for the reset when only the reserve is left', () => {
    const budget = new WindowBudget(2);
    budget.observe({ limit: 100, remaining: 2, resetAtMs: NOW + 4000 }, 0, NOW);
    expect(budget.waitMs(NOW, NOW - 10_000)).toBe(4000);
    expect(budget.current(NOW + 4000)).toBeUndefined();
    expect(budget.waitMs(NOW + 4000, NOW)).toBe(0);
  });

  it('subtracts requests sent after the observed one, which the server has not counted yet', () => {
    const budget = new WindowBudget(0);
    budget.observe({ limit: 50, remaining: 20, resetAtMs: NOW + 60_000 }, 5, NOW);
    expect(budget.current(NOW)?.remaining).toBe(15);
  });

  it('keeps the lowest estimate within a window and ignores late answers from an older one', () => {
    const budget = new WindowBudget(0);
    budget.observe({ limit: 50, remaining: 20, resetAtMs: NOW + 60_000 }, 0, NOW);
    budget.observe({ limit: 50, remaining: 30, resetAtMs: NOW + 60_000 }, 0, NOW);
    expect(budget.current(NOW)?.remaining).toBe(20);
    budget.observe({ limit: 50, remaining: 45, resetAtMs: NOW + 120_000 }, 0, NOW);
    expect(budget.current(NOW)).toEqual({ limit: 50, remaining: 45, resetAtMs: NOW + 120_000 });
    budget.observe({ limit: 50, remaining: 1, resetAtMs: NOW + 60_000 }, 0, NOW);
    expect(budget.current(NOW)?.remaining).toBe(45);
  });

  it('counts each request spent in the window', () => {
    const budget = new WindowBudget(0);
    budget.observe({ limit: 5, remaining: 5, resetAtMs: NOW + 1000 }, 0, NOW);
    budget.spend(NOW);
    budget.spend(NOW);
    expect(budget.current(NOW)?.remaining).toBe(3);
  });
});

describe('TokenBucket with a reported window', () => {
  it('holds takers until the reset once the window is spent', async () => {
    const bucket = new TokenBucket({ count: 1000, windowMs: 1000 }, { windowReserve: 0 });
    const start = Date.now();
    bucket.observeWindow({ limit: 3, remaining: 0, resetAtMs: start + 300 });
    await bucket.take();
    expect(Date.now() - start).toBeGreaterThanOrEqual(290);
  });

  it('numbers its takes', async () => {
    const bucket = new TokenBucket({ count: 1000, windowMs: 1000 }, { burst: 5 });
    expect(await bucket.take()).toBe(1);
    expect(await bucket.take()).toBe(2);
    expect(bucket.taken).toBe(2);
  });
});

/** A server with a fixed window of `count` requests that reports it on every answer (DevRev style). */
async function windowServer(context: TestContext, count: number, windowMs: number): Promise<LocalServer & { limited: () => number }> {
  let windowStart = 0;
  let used = 0;
  let limited = 0;
  const server = await startLocalServer(() => {
    const now = Date.now();
    if (now >= windowStart + windowMs) {
      windowStart = now;
      used = 0;
    }
    const allowed = used < count;
    if (allowed) used += 1;
    else limited += 1;
    const headers = {
      'x-ratelimit-limit': String(count),
      'x-ratelimit-remaining': String(Math.max(0, count - used)),
      // Milliseconds precision through an HTTP date would be lost; delta seconds, rounded up, as servers do.
      'x-ratelimit-reset': String(Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000))),
    };
    return allowed ? { headers, body: { ok: true } } : { status: 429, headers: { ...headers, 'retry-after': '1' }, body: { type: 'too_many_requests' } };
  });
  context.onTestFinished(() => server.close());
  return Object.assign(server, { limited: () => limited });
}

describe('an HTTP client facing a reported window', () => {
  it('slows down before the window is spent instead of running into 429s', async (context) => {
    const server = await windowServer(context, 12, 1500);
    // The client-side limit alone (200/s) would spend the 12-request window at once.
    const client = fastClient(server.url, { target: 'DevRev', rateLimit: { count: 200, windowMs: 1000 } });
    await Promise.all(Array.from({ length: 20 }, () => client.post('/works.list', { json: {}, retryable: true })));
    expect(server.limited()).toBe(0);
    expect(client.stats().rateLimited).toBe(0);
    expect(server.requests).toHaveLength(20);
    // The first window's budget is spread over its length rather than spent in one burst.
    const first = server.requests[0]!.at;
    const inFirst300ms = server.requests.filter((r) => r.at - first < 300).length;
    expect(inFirst300ms).toBeLessThan(10);
  });

  it('can be turned off for a target', async (context) => {
    const server = await windowServer(context, 1000, 60_000);
    const client = fastClient(server.url, { target: 'DevRev', adaptivePacing: false });
    await client.post('/works.list', { json: {}, retryable: true });
    expect(client.bucket.window).toBeUndefined();
  });

  it('exposes the window it keeps inside', async (context) => {
    const server = await windowServer(context, 1000, 60_000);
    const client = fastClient(server.url, { target: 'DevRev' });
    await client.post('/works.list', { json: {}, retryable: true });
    expect(client.bucket.window).toMatchObject({ limit: 1000, remaining: 999 });
  });
});
