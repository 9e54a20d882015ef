/**
 * The fake OpenProject follows the API v3 contract our client is written against
 * (../shared/api/README.md "OpenProject" and the OpenAPI excerpt).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fakeControl } from '../../fakes/control-client.js';
import { startFakeOpenProject, type FakeOpenProject, type FakeOpenProjectOptions } from '../../fakes/openproject.js';
import { wprCustomFields, wprProjects } from '../../fakes/openproject-wpr.js';

let fake: FakeOpenProject | undefined;

async function start(options: FakeOpenProjectOptions = {}): Promise<FakeOpenProject> {
  fake = await startFakeOpenProject({ customFields: wprCustomFields(), projects: wprProjects('flowone'), ...options });
  return fake;
}

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const auth = (key: string) => `Basic ${Buffer.from(`apikey:${key}`).toString('base64')}`;

async function api(f: FakeOpenProject, path: string, init: { method?: string; body?: unknown; key?: string } = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(`${f.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: auth(init.key ?? f.apiKey), 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

const filters = (value: unknown) => `filters=${encodeURIComponent(JSON.stringify(value))}`;

function epicBody(f: FakeOpenProject, order: string, extra: Record<string, unknown> = {}) {
  const field = (name: string) => `customField${f.state.customFields.find((c) => c.name === name)!.id}`;
  return { subject: `Order ${order}`, [field('WPR Order ID')]: order, [field('WPR Product')]: 'FlowOne', _links: { type: { href: '/api/v3/types/5' } }, ...extra };
}

describe('fake OpenProject authentication and discovery', () => {
  it('answers a wrong key with 401 Unauthenticated and the root without any key', async () => {
    const f = await start();
    const denied = await api(f, '/api/v3/users/me', { key: 'wrong' });
    expect(denied.status).toBe(401);
    expect(denied.body.errorIdentifier).toBe('urn:openproject-org:api:v3:errors:Unauthenticated');
    expect((await fetch(`${f.url}/api/v3`)).status).toBe(200);
  });

  it('finds a project by identifier or id, with createWorkPackageImmediately only when the user may add work packages', async () => {
    const f = await start({ projects: [{ identifier: 'flowone' }, { identifier: 'readonly', canAdd: false }] });
    const flowone = await api(f, '/api/v3/projects/flowone');
    expect(flowone.body._links.createWorkPackageImmediately.href).toBe(`/api/v3/projects/${flowone.body.id}/work_packages`);
    expect((await api(f, `/api/v3/projects/${flowone.body.id}`)).body.identifier).toBe('flowone');
    expect((await api(f, '/api/v3/projects/readonly')).body._links.createWorkPackageImmediately).toBeUndefined();
    expect((await api(f, '/api/v3/projects/missing')).status).toBe(404);
  });

  it('serves schemas with the custom fields active for the type, list fields with their options', async () => {
    const f = await start();
    const epic = (await api(f, '/api/v3/work_packages/schemas/1-5')).body;
    const story = (await api(f, '/api/v3/work_packages/schemas/1-6')).body;
    const names = (schema: Record<string, any>) => Object.entries(schema).filter(([k]) => k.startsWith('customField')).map(([, v]) => v.name);
    expect(names(epic)).toEqual(expect.arrayContaining(['WPR Order ID', 'WPR Product']));
    expect(names(epic)).not.toContain('WPR Line Key');
    const status = Object.values(story).find((v: any) => v?.name === 'WPR Status') as any;
    expect(status.type).toBe('CustomOption');
    expect(status._embedded.allowedValues.map((o: any) => o.value)).toEqual(['Open', 'In Progress', 'Shipped', 'Cancelled']);
    expect((await api(f, '/api/v3/work_packages/schemas/1-99')).status).toBe(404);
  });
});

describe('fake OpenProject lists', () => {
  it('lists only open work packages without filters, and closed ones too with []', async () => {
    const f = await start({
      workPackages: [
        { project: 'flowone', type: 'Epic', subject: 'open' },
        { project: 'flowone', type: 'Epic', subject: 'closed', status: 'Closed' },
      ],
    });
    expect((await api(f, '/api/v3/projects/flowone/work_packages')).body.total).toBe(1);
    expect((await api(f, `/api/v3/projects/flowone/work_packages?${filters([])}`)).body.total).toBe(2);
  });

  it('filters on type, custom field values (ORed) and parent, and pages by 1-based offset with pageSize capped', async () => {
    const seeds = Array.from({ length: 7 }, (_, i) => ({ project: 'flowone', type: 'Epic', subject: `E${i}`, fields: { 'WPR Order ID': `WPO${i}` } }));
    const f = await start({ maxPageSize: 3, workPackages: [...seeds, { project: 'flowone', type: 'User story', subject: 'S', parentId: 1 }] });
    const cf = f.state.customFields.find((c) => c.name === 'WPR Order ID')!.id;
    const byOrder = await api(f, `/api/v3/projects/flowone/work_packages?${filters([{ type: { operator: '=', values: ['5'] } }, { [`customField${cf}`]: { operator: '=', values: ['WPO1', 'WPO5'] } }])}`);
    expect(byOrder.body._embedded.elements.map((e: any) => e.subject)).toEqual(['E1', 'E5']);
    const page3 = await api(f, `/api/v3/projects/flowone/work_packages?${filters([{ type: { operator: '=', values: ['5'] } }])}&offset=3&pageSize=1000`);
    expect(page3.body).toMatchObject({ total: 7, count: 1, pageSize: 3, offset: 3 });
    const children = await api(f, `/api/v3/work_packages?${filters([{ parent: { operator: '=', values: ['1'] } }])}`);
    expect(children.body._embedded.elements.map((e: any) => e.subject)).toEqual(['S']);
    expect((await api(f, `/api/v3/work_packages?${filters([{ nope: { operator: '=', values: ['1'] } }])}`)).body.errorIdentifier).toMatch(/InvalidQuery$/);
  });
});

describe('fake OpenProject writes', () => {
  it('creates with 201, renders custom fields and links, and counts notifications unless notify=false', async () => {
    const f = await start();
    const quiet = await api(f, '/api/v3/projects/flowone/work_packages?notify=false', { method: 'POST', body: epicBody(f, 'WPO1') });
    expect(quiet.status).toBe(201);
    expect(quiet.body._links.type.title).toBe('Epic');
    expect(f.state.notificationsSent).toBe(0);
    await api(f, '/api/v3/projects/flowone/work_packages', { method: 'POST', body: epicBody(f, 'WPO2') });
    expect(f.state.notificationsSent).toBe(1);
    expect(f.workPackages().map((wp) => wp.fields['WPR Order ID'])).toEqual(['WPO1', 'WPO2']);
  });

  it('answers 422 MultipleErrors naming every violated constraint, the seed\'s messages included', async () => {
    const f = await start();
    const body = { subject: '', _links: { type: { href: '/api/v3/types/6' }, parent: { href: '/api/v3/work_packages/999' } } };
    const res = await api(f, '/api/v3/projects/flowone/work_packages', { method: 'POST', body: { ...body, _links: { ...body._links, type: { href: '/api/v3/types/5' } } } });
    expect(res.status).toBe(422);
    expect(res.body.errorIdentifier).toMatch(/MultipleErrors$/);
    expect(res.body._embedded.errors.map((e: any) => e.message)).toEqual(["Subject can't be blank.", 'Parent does not exist.', "WPR Product can't be blank."]);
    const single = await api(f, '/api/v3/projects/flowone/work_packages', { method: 'POST', body: epicBody(f, 'WPO1', { _links: { type: { href: '/api/v3/types/5' }, parent: { href: '/api/v3/work_packages/42' } } }) });
    expect(single.body).toMatchObject({ errorIdentifier: 'urn:openproject-org:api:v3:errors:PropertyConstraintViolation', message: 'Parent does not exist.', _embedded: { details: { attribute: 'parent' } } });
    expect(f.state.workPackages.size).toBe(0);
  });

  it('refuses a list value that is not an option of the field', async () => {
    const f = await start();
    const status = f.state.customFields.find((c) => c.name === 'WPR Status')!;
    const res = await api(f, '/api/v3/projects/flowone/work_packages', {
      method: 'POST',
      body: { subject: 'S', _links: { type: { href: '/api/v3/types/6' }, [`customField${status.id}`]: { href: '/api/v3/custom_options/999' } } },
    });
    expect(res.body.message).toBe('WPR Status is not set to one of the allowed values.');
  });

  it('requires the current lockVersion on PATCH (409 UpdateConflict otherwise) and increments it', async () => {
    const f = await start({ workPackages: [{ project: 'flowone', type: 'Epic', subject: 'E', lockVersion: 3 }] });
    expect((await api(f, '/api/v3/work_packages/1', { method: 'PATCH', body: { subject: 'X', lockVersion: 2 } })).body.errorIdentifier).toMatch(/UpdateConflict$/);
    expect((await api(f, '/api/v3/work_packages/1', { method: 'PATCH', body: { subject: 'X' } })).status).toBe(409);
    const ok = await api(f, '/api/v3/work_packages/1?notify=false', { method: 'PATCH', body: { subject: 'X', lockVersion: 3 } });
    expect(ok.body).toMatchObject({ subject: 'X', lockVersion: 4 });
  });

  it('deletes a work package with all its descendants (204), and answers 404 for a missing one', async () => {
    const f = await start({
      workPackages: [
        { project: 'flowone', type: 'Epic', subject: 'E' },
        { project: 'flowone', type: 'User story', subject: 'S1', parentId: 1 },
        { project: 'flowone', type: 'Task', subject: 'T', parentId: 2 },
        { project: 'flowone', type: 'Epic', subject: 'other' },
      ],
    });
    expect((await api(f, '/api/v3/work_packages/1', { method: 'DELETE' })).status).toBe(204);
    expect(f.workPackages().map((wp) => wp.subject)).toEqual(['other']);
    expect((await api(f, '/api/v3/work_packages/1', { method: 'DELETE' })).status).toBe(404);
  });
});

describe('fake OpenProject rate limit, faults and control routes', () => {
  it('answers 429 with RateLimit-Limit/Remaining/Reset and no Retry-After', async () => {
    const f = await start({ rateLimit: { count: 1, windowMs: 60_000 } });
    await api(f, '/api/v3/users/me');
    const limited = await api(f, '/api/v3/users/me');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('ratelimit-limit')).toBe('1');
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect(limited.headers.get('retry-after')).toBeNull();
    expect(limited.body._type).toBe('Error');
  });

  it('commits a create whose response is lost', async () => {
    const f = await start();
    f.faults.once({ kind: 'lostResponse', match: { method: 'POST' } });
    await expect(api(f, '/api/v3/projects/flowone/work_packages', { method: 'POST', body: epicBody(f, 'WPO1') })).rejects.toThrow();
    expect(f.state.workPackages.size).toBe(1);
  });

  it('adds, edits and deletes work packages by hand through the control routes', async () => {
    const f = await start();
    const control = fakeControl(f.url);
    const call = async (method: string, path: string, body?: unknown): Promise<any> =>
      (await fetch(`${f.url}/__fake/openproject/${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })).json();
    const epic = await call('POST', 'work-packages', { project: 'flowone', type: 'Epic', subject: 'E', fields: { 'WPR Order ID': 'WPO1', 'WPR Product': 'FlowOne' } });
    await call('POST', 'work-packages', { project: 'flowone', type: 'User story', subject: 'S', parentId: epic.id, fields: { 'WPR Status': 'Open' } });
    expect((await call('PATCH', `work-packages/${epic.id}`, { subject: 'E2' })).lockVersion).toBe(1);
    expect(await call('DELETE', `work-packages/${epic.id}`)).toEqual({ deleted: [epic.id, epic.id + 1] });
    const state = await control.state<{ workPackages: unknown[] }>();
    expect(state.workPackages).toEqual([]);
    expect(f.stats().requests).toBe(0);
  });
});

describe('epoch-aligned rate-limit windows (Rack::Attack)', () => {
  it('counts in windows aligned to the epoch, so the reset is the next window boundary', async () => {
    const { FixedWindowRateLimiter } = await import('../../fakes/rate-limiter.js');
    let now = 10_700;
    const limiter = new FixedWindowRateLimiter({ count: 2, windowMs: 1000, alignToEpoch: true }, () => now);
    const req = {} as never;
    expect(limiter.take(req)!.allowed).toBe(true);
    now = 10_900;
    expect(limiter.take(req)!.allowed).toBe(true);
    const limited = limiter.take(req)!;
    expect(limited).toMatchObject({ allowed: false, resetAtMs: 11_000, resetEpochSeconds: 11 });
    now = 11_000;
    expect(limiter.take(req)!.allowed).toBe(true);
  });
});
