import { afterEach, describe, expect, it } from 'vitest';
import { TransientError } from '../../../src/engine/errors.js';
import { CircuitBreaker, CircuitOpenError, HttpStatusError } from '../../../src/http/index.js';
import { fastClient } from './helpers/client.js';
import { startLocalServer, type LocalServer } from './helpers/local-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures and says the run will be interrupted', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 10_000, target: 'DevRev' });
    for (let i = 0; i < 3; i += 1) {
      breaker.check();
      breaker.recordFailure();
    }
    expect(breaker.state).toBe('open');
    let thrown: unknown;
    try {
      breaker.check();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CircuitOpenError);
    expect(thrown).toBeInstanceOf(TransientError);
    expect((thrown as CircuitOpenError).message).toMatch(/DevRev has failed 3 times in a row, so the run will be interrupted/);
    expect((thrown as CircuitOpenError).kind).toBe('transient');
  });

  it('resets the count on any success', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 2 });
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
    expect(breaker.consecutiveFailures).toBe(1);
  });

  it('lets exactly one trial through after the cooldown and reopens when it fails', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 50 });
    breaker.recordFailure();
    expect(() => breaker.check()).toThrow(CircuitOpenError);
    await sleep(70);
    expect(breaker.state).toBe('half_open');
    breaker.check(); // the trial
    expect(() => breaker.check()).toThrow(CircuitOpenError);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    await sleep(70);
    breaker.check();
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
  });

  it('frees the trial slot when the trial request is cancelled', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 20 });
    breaker.recordFailure();
    await sleep(40);
    breaker.check();
    breaker.recordNeutral();
    expect(() => breaker.check()).not.toThrow();
  });
});

describe('circuit breaker in the client', () => {
  let server: LocalServer;
  afterEach(() => server.close());

  it('opens the circuit after N consecutive failures and lets a trial request through after the cooldown', async () => {
    let healthy = false;
    server = await startLocalServer(() => (healthy ? { body: { ok: true } } : { status: 503 }));
    const client = fastClient(server.url, { maxRetries: 1, circuitBreaker: { failureThreshold: 3, cooldownMs: 300 } });

    for (let i = 0; i < 3; i += 1) {
      await expect(client.get('/api/projects')).rejects.toBeInstanceOf(HttpStatusError);
    }
    expect(server.requests).toHaveLength(6); // 3 requests × (1 attempt + 1 retry)

    const refused = client.get('/api/projects');
    await expect(refused).rejects.toBeInstanceOf(CircuitOpenError);
    await expect(refused).rejects.toThrow(/INNERGY has failed 3 times in a row/);
    expect(server.requests).toHaveLength(6); // nothing sent while open

    healthy = true;
    await sleep(350);
    const trial = await client.get<{ ok: boolean }>('/api/projects');
    expect(trial.body.ok).toBe(true);
    expect(client.breaker.state).toBe('closed');
    await expect(client.get('/api/projects')).resolves.toMatchObject({ status: 200 });
  });

  it('does not count a 4xx answer as a failure of the target', async () => {
    server = await startLocalServer([{ status: 503 }, { status: 404, body: { message: 'nope' } }, { status: 503 }]);
    const client = fastClient(server.url, { maxRetries: 0, circuitBreaker: { failureThreshold: 2 } });
    await expect(client.get('/a')).rejects.toBeInstanceOf(HttpStatusError);
    await expect(client.get('/b')).rejects.toMatchObject({ status: 404 });
    await expect(client.get('/c')).rejects.toMatchObject({ status: 503 });
    expect(client.breaker.state).toBe('closed');
  });
});
