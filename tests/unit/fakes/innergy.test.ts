/**
 * Tests that the fake INNERGY follows the contract our client is written against
 * (DESIGN §11 "INNERGY fields", api/README.md "INNERGY").
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeInnergy, type FakeInnergy, type FakeInnergyOptions } from '../../fakes/innergy.js';

let fake: FakeInnergy | undefined;

async function start(options: FakeInnergyOptions = {}): Promise<FakeInnergy> {
  fake = await startFakeInnergy(options);
  return fake;
}

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function api(f: FakeInnergy, path: string, init: { method?: string; body?: unknown; key?: string } = {}): Promise<Response> {
  return fetch(`${f.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { 'Api-Key': init.key ?? f.apiKey, 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

const project = (n: number, extra: Record<string, unknown> = {}) => ({
  Number: `J-${n}`,
  Name: `Project ${n}`,
  CustomerName: 'Acme',
  Status: 'Active',
  Phase: 'Design',
  StartDate: '2024-01-15',
  DueDate: '2024-03-01',
  ContractAmount: { Value: 1000 + n, OriginalValue: 1000 + n, CurrencyCode: 'USD' },
  ExternalIdentifier: `J-${n}`,
  ...extra,
});

const material = { Sku: 'PP-DOOR-001', Name: 'Door', Category: 'Doors', Unit: 'ea', UnitCost: { Value: 12.5 }, Active: true, ExternalIdentifier: 'PP-DOOR-001' };

describe('fake INNERGY authentication', () => {
  it('answers a wrong Api-Key with HTTP 200 and the HTML login page', async () => {
    const f = await start();
    const res = await api(f, '/api/projects', { key: 'wrong' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('<form');
  });

  it('answers a missing Api-Key with HTTP 200 HTML and commits nothing', async () => {
    const f = await start();
    const res = await fetch(`${f.url}/api/projects`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(project(1)) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(f.state.projects).toHaveLength(0);
  });

  it('ignores a Bearer token: only the Api-Key header authenticates', async () => {
    const f = await start();
    const res = await fetch(`${f.url}/api/projects`, { headers: { authorization: `Bearer ${f.apiKey}` } });
    expect(res.headers.get('content-type')).toContain('text/html');
  });

  it('answers 401 with a JSON error body when authStyle is 401', async () => {
    const f = await start({ authStyle: '401', apiKey: 'k1' });
    const res = await api(f, '/api/projects', { key: 'nope' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ Message: expect.any(String), Errors: [] });
  });

  it('answers an unknown /api route with HTTP 200 HTML even with a good key', async () => {
    const f = await start();
    for (const path of ['/api/nothing', '/api/materials/123']) {
      const res = await api(f, path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
    }
  });
});

describe('fake INNERGY records', () => {
  it('creates a material with 201, a server-assigned Id and PascalCase money', async () => {
    const f = await start();
    const res = await api(f, '/api/materials', { method: 'POST', body: material });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ ...material, Id: expect.any(String), UnitCost: { Value: 12.5, OriginalValue: 12.5, CurrencyCode: 'USD' } });
    expect(res.headers.get('location')).toBe(`/api/materials/${String(body.Id)}`);
    expect(f.state.materials).toHaveLength(1);
  });

  it('lists records as {Items} in creation order without paging fields', async () => {
    const f = await start({ projects: [project(1), project(2)] });
    await api(f, '/api/projects', { method: 'POST', body: project(3) });
    const body = (await (await api(f, '/api/projects')).json()) as { Items: Array<{ Number: string }> };
    expect(Object.keys(body)).toEqual(['Items']);
    expect(body.Items.map((p) => p.Number)).toEqual(['J-1', 'J-2', 'J-3']);
    expect(Object.keys(body.Items[0] ?? {}).sort()).toEqual(
      ['Id', 'Number', 'Name', 'CustomerName', 'Status', 'Phase', 'StartDate', 'DueDate', 'ContractAmount', 'ExternalIdentifier'].sort(),
    );
  });

  it('updates a project with PUT and reads it back by id', async () => {
    const f = await start({ projects: [project(1)] });
    const id = f.state.projects[0]?.Id ?? '';
    const put = await api(f, `/api/projects/${id}`, { method: 'PUT', body: project(1, { Status: 'Closed' }) });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ Id: id, Status: 'Closed' });
    expect(await (await api(f, `/api/projects/${id}`)).json()).toMatchObject({ Id: id, Status: 'Closed' });
  });

  it('updates a material with PUT and answers 404 with the error body for an unknown id', async () => {
    const f = await start({ materials: [material] });
    const id = f.state.materials[0]?.Id ?? '';
    expect((await api(f, `/api/materials/${id}`, { method: 'PUT', body: { ...material, Active: false } })).status).toBe(200);
    expect(f.state.materials[0]?.Active).toBe(false);
    const missing = await api(f, '/api/materials/nope', { method: 'PUT', body: material });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ Message: "Material 'nope' was not found.", Errors: [] });
    expect((await api(f, '/api/projects/nope')).status).toBe(404);
  });

  it('echoes dates as .NET date-times when dateStyle is datetime', async () => {
    const f = await start({ dateStyle: 'datetime' });
    const body = await (await api(f, '/api/projects', { method: 'POST', body: project(1) })).json();
    expect(body).toMatchObject({ StartDate: '2024-01-15T00:00:00' });
  });

  it('lets duplicates of an ExternalIdentifier be created and reports them', async () => {
    const f = await start();
    await api(f, '/api/projects', { method: 'POST', body: project(1) });
    await api(f, '/api/projects', { method: 'POST', body: project(1) });
    await api(f, '/api/projects', { method: 'POST', body: project(2) });
    expect(f.state.projects).toHaveLength(3);
    expect(f.projectsByExternalId().get('J-1')).toHaveLength(2);
    expect(f.duplicateExternalIds('projects')).toEqual([{ externalIdentifier: 'J-1', ids: [f.state.projects[0]?.Id, f.state.projects[1]?.Id] }]);
    expect(f.duplicateExternalIds('materials')).toEqual([]);
  });

  it('restores the seed records on reset', async () => {
    const f = await start({ projects: [project(1)] });
    await api(f, '/api/projects', { method: 'POST', body: project(2) });
    f.reset();
    expect(f.state.projects.map((p) => p.Number)).toEqual(['J-1']);
    expect(f.requests.count()).toBe(0);
  });
});

describe('fake INNERGY paging', () => {
  it('answers page and pageSize with {Items, Page, PageSize, TotalCount}', async () => {
    const f = await start({ projects: [1, 2, 3, 4, 5].map((n) => project(n)) });
    const body = (await (await api(f, '/api/projects?page=2&pageSize=2')).json()) as { Items: Array<{ Number: string }> };
    expect(body).toMatchObject({ Page: 2, PageSize: 2, TotalCount: 5 });
    expect(body.Items.map((p) => p.Number)).toEqual(['J-3', 'J-4']);
    const last = (await (await api(f, '/api/projects?page=3&pageSize=2')).json()) as { Items: unknown[] };
    expect(last.Items).toHaveLength(1);
    const beyond = (await (await api(f, '/api/projects?page=9&pageSize=2')).json()) as { Items: unknown[] };
    expect(beyond.Items).toEqual([]);
  });

  it('caps pageSize at maxPageSize', async () => {
    const f = await start({ maxPageSize: 3, materials: [1, 2, 3, 4].map((n) => ({ ...material, Sku: `S${n}` })) });
    const body = (await (await api(f, '/api/materials?page=1&pageSize=1000')).json()) as { Items: unknown[]; PageSize: number; TotalCount: number };
    expect(body.PageSize).toBe(3);
    expect(body.Items).toHaveLength(3);
    expect(body.TotalCount).toBe(4);
  });

  it('refuses a non-numeric page with 400', async () => {
    const f = await start();
    const res = await api(f, '/api/projects?page=x&pageSize=10');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ Errors: [{ Field: 'page' }] });
  });
});

describe('fake INNERGY validation', () => {
  it('refuses a project without Name or CustomerName with 400 {Message, Errors[{Field, Message}]}', async () => {
    const f = await start();
    const res = await api(f, '/api/projects', { method: 'POST', body: { Number: 'J-1' } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { Message: string; Errors: Array<{ Field: string; Message: string }> };
    expect(body.Message).toBe('The request is invalid.');
    expect(body.Errors.map((e) => e.Field)).toEqual(['Name', 'CustomerName']);
    expect(body.Errors[0]?.Message).toContain('required');
    expect(f.state.projects).toHaveLength(0);
  });

  it('refuses a material without Sku, also on PUT', async () => {
    const f = await start({ materials: [material] });
    const { Sku: _sku, ...noSku } = material;
    const post = await api(f, '/api/materials', { method: 'POST', body: noSku });
    expect(post.status).toBe(400);
    expect(await post.json()).toMatchObject({ Errors: [{ Field: 'Sku' }] });
    const put = await api(f, `/api/materials/${f.state.materials[0]?.Id ?? ''}`, { method: 'PUT', body: noSku });
    expect(put.status).toBe(400);
  });

  it('refuses money sent as a bare number and an invalid date', async () => {
    const f = await start();
    const res = await api(f, '/api/projects', { method: 'POST', body: project(1, { ContractAmount: 5, StartDate: '01/15/2024' }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { Errors: Array<{ Field: string }> }).Errors.map((e) => e.Field)).toEqual(['StartDate', 'ContractAmount']);
  });

  it('refuses malformed JSON with the INNERGY error body', async () => {
    const f = await start();
    const res = await fetch(`${f.url}/api/projects`, { method: 'POST', headers: { 'Api-Key': f.apiKey, 'content-type': 'application/json' }, body: '{' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ Message: 'The request is invalid.' });
  });
});

describe('fake INNERGY resilience behaviour', () => {
  it('answers 429 with Retry-After and the error body when over the rate limit', async () => {
    const f = await start({ rateLimit: { count: 2, windowMs: 5000 } });
    await api(f, '/api/projects');
    await api(f, '/api/projects');
    const res = await api(f, '/api/projects');
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(4);
    expect(await res.json()).toEqual({ Message: expect.stringContaining('Too many requests'), Errors: [] });
    expect(f.stats().rateLimited).toBe(1);
  });

  it('commits a project under lostResponse while the client sees a socket error', async () => {
    const f = await start();
    f.faults.once({ kind: 'lostResponse', match: { method: 'POST', path: '/api/projects' } });
    await expect(api(f, '/api/projects', { method: 'POST', body: project(1) })).rejects.toThrow(TypeError);
    expect(f.projectsByExternalId().get('J-1')).toHaveLength(1);
  });

  it('commits nothing under reset', async () => {
    const f = await start();
    f.faults.once({ kind: 'reset', match: { method: 'POST' } });
    await expect(api(f, '/api/projects', { method: 'POST', body: project(1) })).rejects.toThrow(TypeError);
    expect(f.state.projects).toHaveLength(0);
  });

  it('answers a 5xx fault with the INNERGY error body', async () => {
    const f = await start({ faults: { status5xx: 1, status: 500 } });
    const res = await api(f, '/api/materials');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ Message: 'An error has occurred.', Errors: [] });
  });

  it('applies latencyMs to every answer', async () => {
    const f = await start({ latencyMs: 100 });
    const t0 = performance.now();
    await (await api(f, '/api/materials')).text();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(90);
  });
});
