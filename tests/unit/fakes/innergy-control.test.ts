/**
 * Tests of the `/__fake/` control endpoints, in process and with the fake INNERGY running as a
 * separate process (`innergy-main.ts`), as end-to-end tests and benchmarks use it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fakeControl } from '../../fakes/control-client.js';
import { startFakeInnergy, type FakeInnergy, type FakeInnergyState } from '../../fakes/innergy.js';
import { spawnFakeInnergy, type SpawnedFake } from '../../fakes/spawn-fake.js';

const body = (n: number) => JSON.stringify({ Name: `P${n}`, CustomerName: 'Acme', ExternalIdentifier: `J-${n}` });
const post = (url: string, key: string, n: number) =>
  fetch(`${url}/api/projects`, { method: 'POST', headers: { 'Api-Key': key, 'content-type': 'application/json' }, body: body(n) });

describe('control endpoints (in process)', () => {
  let fake: FakeInnergy | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('serves state and stats without an Api-Key and without logging itself', async () => {
    fake = await startFakeInnergy({ projects: [{ Name: 'Seed', CustomerName: 'Acme' }] });
    await post(fake.url, fake.apiKey, 1);
    const control = fakeControl(fake.url);
    const state = await control.state<FakeInnergyState>();
    expect(state.projects.map((p) => p.Name)).toEqual(['Seed', 'P1']);
    const stats = await control.stats();
    expect(stats).toMatchObject({ requests: 1, byRoute: { 'POST /api/projects': 1 }, byStatus: { '201': 1 }, rateLimited: 0 });
  });

  it('sets and clears faults, counting the faults applied', async () => {
    fake = await startFakeInnergy();
    const control = fakeControl(fake.url);
    await control.setFaults({ once: [{ kind: 'status5xx', match: { method: 'POST', path: '/api/projects' } }] });
    expect((await post(fake.url, fake.apiKey, 1)).status).toBe(503);
    await control.setFaults({ reset: 1 });
    await expect(post(fake.url, fake.apiKey, 2)).rejects.toThrow();
    await control.clearFaults();
    expect((await post(fake.url, fake.apiKey, 3)).status).toBe(201);
    expect((await control.stats()).faults).toMatchObject({ status5xx: 1, reset: 1 });
  });

  it('refuses invalid fault settings with 400', async () => {
    fake = await startFakeInnergy();
    const res = await fetch(`${fake.url}/__fake/faults`, { method: 'POST', body: JSON.stringify({ reset: 2 }) });
    expect(res.status).toBe(400);
  });

  it('turns a rate limit on and off at runtime', async () => {
    fake = await startFakeInnergy();
    const control = fakeControl(fake.url);
    await control.setRateLimit({ count: 1, windowMs: 60_000 });
    await post(fake.url, fake.apiKey, 1);
    const limited = await post(fake.url, fake.apiKey, 2);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).not.toBeNull();
    await control.setRateLimit(null);
    expect((await post(fake.url, fake.apiKey, 3)).status).toBe(201);
    expect((await control.stats()).rateLimited).toBe(1);
  });

  it('resets records, faults and the log to the start state', async () => {
    fake = await startFakeInnergy({ projects: [{ Name: 'Seed', CustomerName: 'Acme' }] });
    const control = fakeControl(fake.url);
    await post(fake.url, fake.apiKey, 1);
    await control.setFaults({ status5xx: 1 });
    await control.reset();
    expect((await control.state<FakeInnergyState>()).projects).toHaveLength(1);
    expect((await control.stats()).requests).toBe(0);
    expect((await post(fake.url, fake.apiKey, 2)).status).toBe(201);
    expect(fake.state.projects[1]?.Id).toBe('70726a00-0000-4000-8000-000000000002');
  });
});

describe('fake INNERGY as a separate process', () => {
  let child: SpawnedFake;
  beforeAll(async () => {
    child = await spawnFakeInnergy({ apiKey: 'proc-key', projects: [{ Name: 'Seed', CustomerName: 'Acme', ExternalIdentifier: 'J-0' }] });
  });
  afterAll(async () => {
    await child?.stop();
  });

  it('announces its url and pid on one stdout line', () => {
    expect(child.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(child.pid).toBe(child.child.pid);
    expect(child.apiKey).toBe('proc-key');
  });

  it('serves the API and exposes its records through /__fake/state', async () => {
    expect((await post(child.url, 'proc-key', 1)).status).toBe(201);
    const state = await child.control.state<FakeInnergyState>();
    expect(state.projects.map((p) => p.ExternalIdentifier)).toEqual(['J-0', 'J-1']);
    expect((await child.control.stats()).byRoute).toEqual({ 'POST /api/projects': 1 });
  });

  it('commits a lost-response write that a later reader can see', async () => {
    await child.control.setFaults({ once: [{ kind: 'lostResponse', match: { method: 'POST' } }] });
    await expect(post(child.url, 'proc-key', 2)).rejects.toThrow();
    const state = await child.control.state<FakeInnergyState>();
    expect(state.projects.map((p) => p.ExternalIdentifier)).toContain('J-2');
  });

  it('exits on SIGTERM', async () => {
    await child.stop('SIGTERM');
    expect(child.child.exitCode ?? child.child.signalCode).not.toBeNull();
    await expect(fetch(`${child.url}/__fake/stats`)).rejects.toThrow();
  });
});
