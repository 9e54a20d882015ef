/**
 * Tests of fault injection: each fault kind's effect as a client sees it, one-shot and
 * probabilistic faults, runtime changes, and reproducibility with a seed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startFakeServer, type FakeServer, type FakeServerOptions } from '../../fakes/fake-http.js';
import { FaultController, type FaultConfig } from '../../fakes/fault-injection.js';
import type { FakeRequest } from '../../fakes/types.js';

const servers: FakeServer[] = [];
let committed: string[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  committed = [];
});

async function start(options: Partial<FakeServerOptions> = {}): Promise<FakeServer> {
  const server = await startFakeServer({
    renderError: (status, message) => ({ status, body: { Message: message, target: 'test' } }),
    loginPageHtml: '<html>login</html>',
    routes: [
      {
        method: 'POST',
        path: '/things',
        handler: (req, ctx) => {
          const name = String((req.body as { name?: unknown }).name);
          committed.push(name);
          return ctx.json(201, { name });
        },
      },
      { method: 'GET', path: '/things', handler: (_req, ctx) => ctx.json(200, { items: committed }) },
    ],
    ...options,
  });
  servers.push(server);
  return server;
}

/** Waits for an assertion to hold: event order, with a timeout far above any loaded machine's delay. */
const until = (assertion: () => void) => vi.waitFor(assertion, { timeout: 20_000, interval: 5 });

const post = (s: FakeServer, name: string, signal?: AbortSignal) =>
  fetch(`${s.url}/things`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }), signal });

/** Outcome of a request as a client sees it: a status, or 'error' for a network failure. */
async function outcome(p: Promise<Response>): Promise<number | 'error'> {
  try {
    const res = await p;
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 'error';
  }
}

describe('fault kinds', () => {
  it('status5xx answers 503 with the target error body and commits nothing', async () => {
    const s = await start();
    s.faults.once({ kind: 'status5xx' });
    const res = await post(s, 'a');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ target: 'test' });
    expect(committed).toEqual([]);
  });

  it('status5xx can answer 500', async () => {
    const s = await start();
    s.faults.once({ kind: 'status5xx', status: 500 });
    expect((await post(s, 'a')).status).toBe(500);
  });

  it('reset drops the connection before handling, so nothing is committed', async () => {
    const s = await start();
    s.faults.once({ kind: 'reset' });
    await expect(post(s, 'a')).rejects.toThrow();
    expect(committed).toEqual([]);
    expect(s.requests.entries[0]).toMatchObject({ fault: 'reset', status: null, delivered: false });
  });

  it('lostResponse commits the write but the client sees a connection error', async () => {
    const s = await start();
    s.faults.once({ kind: 'lostResponse' });
    await expect(post(s, 'a')).rejects.toThrow();
    expect(committed).toEqual(['a']);
    expect(s.requests.entries[0]).toMatchObject({ fault: 'lostResponse', status: 201, delivered: false });
  });

  it('delay holds the answer long enough for a client timeout, and the write still happens', async () => {
    const s = await start();
    s.faults.once({ kind: 'delay', delayMs: 1500 });
    const client = new AbortController();
    const outcome = post(s, 'a', client.signal).then(
      () => 'answered',
      () => `client gave up with ${committed.length} committed`,
    );
    // The client gives up once the fake has decided to hold the request (event order, no timer).
    await until(() => expect(s.requests.entries[0]?.fault).toBe('delay'));
    client.abort();
    expect(await outcome).toBe('client gave up with 0 committed');
    await until(() => expect(committed).toEqual(['a']));
    expect(s.requests.entries[0]).toMatchObject({ fault: 'delay', status: 201, delivered: false });
  });

  it('html answers 200 with a login page', async () => {
    const s = await start();
    s.faults.once({ kind: 'html' });
    const res = await post(s, 'a');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('login');
    expect(committed).toEqual([]);
  });
});

describe('fault scheduling', () => {
  it('once() with a count hits exactly the next N matching requests', async () => {
    const s = await start();
    s.faults.once({ kind: 'status5xx', match: { method: 'POST', path: '/things' }, count: 2 });
    expect(await outcome(fetch(`${s.url}/things`))).toBe(200);
    expect([await outcome(post(s, 'a')), await outcome(post(s, 'b')), await outcome(post(s, 'c'))]).toEqual([503, 503, 201]);
    expect(s.stats().faults.status5xx).toBe(2);
  });

  it('once() can match on the request body', async () => {
    const s = await start();
    s.faults.once({ kind: 'lostResponse', match: { where: (req: FakeRequest) => (req.body as { name?: string }).name === 'b' } });
    expect([await outcome(post(s, 'a')), await outcome(post(s, 'b')), await outcome(post(s, 'c'))]).toEqual([201, 'error', 201]);
    expect(committed).toEqual(['a', 'b', 'c']);
  });

  it('faults set at runtime apply immediately and clear() removes them', async () => {
    const s = await start();
    s.faults.set({ status5xx: 1 });
    expect(await outcome(post(s, 'a'))).toBe(503);
    s.faults.clear();
    expect(await outcome(post(s, 'a'))).toBe(201);
  });

  it('a per-route rule overrides the global probabilities', async () => {
    const s = await start({ faults: { status5xx: 1, routes: [{ match: { method: 'GET', path: '/things' } }] } });
    expect(await outcome(fetch(`${s.url}/things`))).toBe(200);
    expect(await outcome(post(s, 'a'))).toBe(503);
  });

  it('refuses probabilities outside [0, 1] or adding up to more than 1', () => {
    const faults = new FaultController(undefined, 1);
    expect(() => faults.set({ reset: 1.5 })).toThrow(RangeError);
    expect(() => faults.set({ reset: 0.6, status5xx: 0.6 })).toThrow(RangeError);
  });
});

describe('fault reproducibility', () => {
  const config: FaultConfig = { seed: 42, status5xx: 0.2, reset: 0.1, lostResponse: 0.1, html: 0.1 };
  const request = (name: string): FakeRequest => ({
    method: 'POST', path: '/things', query: new URLSearchParams(), headers: {}, params: {}, rawBody: JSON.stringify({ name }), body: { name },
  });
  const names = Array.from({ length: 60 }, (_, i) => `rec-${i}`);
  const kinds = (c: FaultController, order: string[]) =>
    Object.fromEntries(order.map((n) => [n, c.decide(request(n))?.kind ?? 'none']));

  it('gives the same faults to the same requests with the same seed', () => {
    const a = kinds(new FaultController(config, 1), names);
    const b = kinds(new FaultController(config, 1), names);
    expect(a).toEqual(b);
    expect(new Set(Object.values(a)).size).toBeGreaterThan(2);
  });

  it('gives different faults with a different seed', () => {
    expect(kinds(new FaultController(config, 1), names)).not.toEqual(kinds(new FaultController({ ...config, seed: 7 }, 1), names));
  });

  it('gives each record the same fault whatever the arrival order', () => {
    const forward = kinds(new FaultController(config, 1), names);
    const backward = kinds(new FaultController(config, 1), [...names].reverse());
    expect(backward).toEqual(forward);
  });

  it('draws again for a retry of an identical request', () => {
    const c = new FaultController({ seed: 3, status5xx: 0.5 }, 1);
    const fates = Array.from({ length: 20 }, () => c.decide(request('same'))?.kind ?? 'none');
    expect(new Set(fates)).toEqual(new Set(['status5xx', 'none']));
  });

  it('reproduces the same outcomes over HTTP with the same seed', async () => {
    const run = async () => {
      const s = await start({ seed: 9, faults: { status5xx: 0.3, reset: 0.2 } });
      const out: Array<number | 'error'> = [];
      for (const n of names.slice(0, 20)) out.push(await outcome(post(s, n)));
      return out;
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    expect(first).toContain('error');
    expect(first).toContain(503);
  });
});
