/**
 * Tests of the fake-server toolkit itself: routing, body handling, latency, rate-limit header
 * styles, request log and prompt shutdown.
 */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer, type FakeServerOptions } from '../../fakes/fake-http.js';

let server: FakeServer | undefined;

async function start(options: FakeServerOptions): Promise<FakeServer> {
  server = await startFakeServer(options);
  return server;
}

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const echo: FakeServerOptions['routes'] = [
  {
    method: 'GET',
    path: '/items/:id',
    handler: (req, ctx) => ctx.json(200, { id: req.params.id, q: req.query.get('q') }),
  },
  { method: 'POST', path: '/items', handler: (req, ctx) => ctx.json(201, { got: req.body }) },
  { method: 'GET', path: '/page', handler: (_req, ctx) => ctx.html(200, '<p>hi</p>') },
  { method: 'GET', path: '/plain', handler: (_req, ctx) => ctx.text(200, 'ok') },
];

describe('fake-http routing', () => {
  it('listens on 127.0.0.1 with a free port', async () => {
    const s = await start({ routes: echo });
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(s.port).toBeGreaterThan(0);
  });

  it('captures path parameters and query parameters', async () => {
    const s = await start({ routes: echo });
    const res = await fetch(`${s.url}/items/a%20b?q=x`);
    expect(await res.json()).toEqual({ id: 'a b', q: 'x' });
  });

  it('parses JSON bodies', async () => {
    const s = await start({ routes: echo });
    const res = await fetch(`${s.url}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ got: { a: 1 } });
  });

  it('answers malformed JSON with 400 through the error renderer', async () => {
    const s = await start({ routes: echo, renderError: (status, message) => ({ status, body: { oops: message } }) });
    const res = await fetch(`${s.url}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(res.status).toBe(400);
    expect(await res.json()).toHaveProperty('oops');
  });

  it('refuses bodies over the size limit with 413', async () => {
    const s = await start({ routes: echo, bodyLimitBytes: 100 });
    const res = await fetch(`${s.url}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: 'x'.repeat(500) }) });
    expect(res.status).toBe(413);
  });

  it('sends HTML and text with their content types', async () => {
    const s = await start({ routes: echo });
    expect((await fetch(`${s.url}/page`)).headers.get('content-type')).toContain('text/html');
    expect((await fetch(`${s.url}/plain`)).headers.get('content-type')).toContain('text/plain');
  });

  it('answers unknown routes with 404 unless a notFound handler is given', async () => {
    const s = await start({ routes: echo });
    expect((await fetch(`${s.url}/nope`)).status).toBe(404);
    await s.close();
    const t = await start({ routes: echo, notFound: (_req, ctx) => ctx.html(200, 'login') });
    expect((await fetch(`${t.url}/nope`)).status).toBe(200);
  });

  it('lets a before hook short-circuit every route', async () => {
    const s = await start({ routes: echo, before: (req, ctx) => (req.headers['x-key'] === 'k' ? undefined : ctx.json(401, {})) });
    expect((await fetch(`${s.url}/plain`)).status).toBe(401);
    expect((await fetch(`${s.url}/plain`, { headers: { 'x-key': 'k' } })).status).toBe(200);
  });
});

describe('fake-http latency', () => {
  it('waits latencyMs before answering', async () => {
    const s = await start({ routes: echo, latencyMs: 120 });
    const t0 = performance.now();
    await (await fetch(`${s.url}/plain`)).text();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
  });

  it('applies latency changed at runtime', async () => {
    const s = await start({ routes: echo });
    s.setLatency(100, 20);
    const t0 = performance.now();
    await (await fetch(`${s.url}/plain`)).text();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(90);
  });
});

describe('fake-http rate limiting', () => {
  it('answers 429 with Retry-After once the window is used up and counts the 429s', async () => {
    const s = await start({ routes: echo, rateLimit: { count: 2, windowMs: 10_000 } });
    expect((await fetch(`${s.url}/plain`)).status).toBe(200);
    expect((await fetch(`${s.url}/plain`)).status).toBe(200);
    const limited = await fetch(`${s.url}/plain`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(9);
    expect(s.stats().rateLimited).toBe(1);
    expect(s.rateLimiter.limitedCount).toBe(1);
  });

  it('sends RateLimit-Limit, -Remaining and -Reset in epoch seconds without Retry-After in the ratelimit style', async () => {
    const s = await start({ routes: echo, rateLimit: { count: 1, windowMs: 60_000, headerStyle: 'ratelimit', body: () => ({ _type: 'Error', errorIdentifier: 'urn:openproject-org:api:v3:errors:Throttled' }) } });
    await fetch(`${s.url}/plain`);
    const res = await fetch(`${s.url}/plain`);
    expect(res.status).toBe(429);
    expect(res.headers.get('ratelimit-limit')).toBe('1');
    expect(res.headers.get('ratelimit-remaining')).toBe('0');
    const reset = Number(res.headers.get('ratelimit-reset'));
    expect(reset).toBeGreaterThan(Date.now() / 1000 + 50);
    expect(reset).toBeLessThan(Date.now() / 1000 + 70);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(await res.json()).toMatchObject({ errorIdentifier: 'urn:openproject-org:api:v3:errors:Throttled' });
  });

  it('sends X-RateLimit headers on every response and Retry-After on the 429 in the x-ratelimit style', async () => {
    const s = await start({ routes: echo, rateLimit: { count: 2, windowMs: 300_000, headerStyle: 'x-ratelimit', body: (i) => ({ type: 'too_many_requests', retry_after: i.retryAfterSeconds }) } });
    const first = await fetch(`${s.url}/plain`);
    expect(first.headers.get('x-ratelimit-limit')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(first.headers.get('retry-after')).toBeNull();
    await fetch(`${s.url}/plain`);
    const limited = await fetch(`${s.url}/plain`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(290);
    expect(await limited.json()).toMatchObject({ type: 'too_many_requests' });
  });

  it('opens a new window after windowMs, not before', async () => {
    let now = 1_000_000;
    const s = await start({ routes: echo, rateLimit: { count: 2, windowMs: 100 }, now: () => now });
    const status = async () => (await fetch(`${s.url}/plain`)).status;
    expect([await status(), await status(), await status()]).toEqual([200, 200, 429]);
    now += 99;
    expect(await status()).toBe(429);
    now += 1;
    expect([await status(), await status(), await status()]).toEqual([200, 200, 429]);
    expect(s.rateLimiter.limitedCount).toBe(3);
  });

  it('keeps separate windows per key when keyBy is given', async () => {
    const s = await start({ routes: echo, rateLimit: { count: 1, windowMs: 60_000, keyBy: (req) => String(req.headers['x-user']) } });
    expect((await fetch(`${s.url}/plain`, { headers: { 'x-user': 'a' } })).status).toBe(200);
    expect((await fetch(`${s.url}/plain`, { headers: { 'x-user': 'b' } })).status).toBe(200);
    expect((await fetch(`${s.url}/plain`, { headers: { 'x-user': 'a' } })).status).toBe(429);
  });
});

describe('fake-http request log and shutdown', () => {
  it('logs method, path, query, status and timestamp of every request', async () => {
    const s = await start({ routes: echo });
    await fetch(`${s.url}/items/1?q=z`);
    await fetch(`${s.url}/items/2`);
    await fetch(`${s.url}/items`, { method: 'POST', body: '{}' });
    expect(s.requests.count({ method: 'GET', path: '/items/:id' })).toBe(2);
    expect(s.requests.count({ path: '/items' })).toBe(1);
    const [first] = s.requests.entries;
    expect(first).toMatchObject({ method: 'GET', path: '/items/1', query: { q: 'z' }, status: 200, route: '/items/:id', fault: null, delivered: true });
    expect(first?.timestamp).toBeGreaterThan(Date.now() - 10_000);
    expect(s.stats().byRoute).toEqual({ 'GET /items/:id': 2, 'POST /items': 1 });
  });

  it('does not log control requests', async () => {
    const s = await start({ routes: echo });
    await fetch(`${s.url}/__fake/stats`);
    expect(s.requests.count()).toBe(0);
  });

  it('closes its keep-alive connections instead of waiting for them to time out', async () => {
    const s = await start({ routes: echo });
    const agent = new http.Agent({ keepAlive: true });
    const socketClosed = new Promise<void>((resolve, reject) => {
      const request = http.get(`${s.url}/plain`, { agent }, (res) => {
        res.resume();
        res.on('end', () => {
          // The socket goes back to the agent's pool, open; close() must end it.
          void s.close();
          server = undefined;
        });
      });
      request.on('socket', (socket) => socket.once('close', () => resolve()));
      request.on('error', reject);
    });
    await socketClosed;
    agent.destroy();
  });

  it('closes while a request is still waiting out its latency, failing that request', async () => {
    // Ten minutes of latency: a close that waited for it would run into the test's timeout.
    const s = await start({ routes: echo, latencyMs: 600_000 });
    const pending = fetch(`${s.url}/plain`).catch((err: unknown) => err);
    await waitUntilLogged(s);
    await s.close();
    server = undefined;
    expect(await pending).toBeInstanceOf(Error);
  });
});

/** Resolves once the fake has logged a request (it is then waiting out its latency). */
async function waitUntilLogged(s: FakeServer): Promise<void> {
  while (s.requests.count() === 0) await new Promise((r) => setTimeout(r, 5));
}
