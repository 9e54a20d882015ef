/** The OpenProject client against the fake: auth, paging, filters, writes, locking, errors, rate limits. */
import { afterEach, describe, expect, it } from 'vitest';
import { AuthError } from '../../../src/engine/errors.js';
import { OpenProjectClient, UpdateConflictError, WorkPackageGoneError, WorkPackageRejectedError, equals, normalizeBaseUrl } from '../../../src/targets/openproject/index.js';
import { startFakeOpenProject, type FakeOpenProject, type FakeOpenProjectOptions } from '../../fakes/openproject.js';
import { wprCustomFields, wprProjects } from '../../fakes/openproject-wpr.js';
import { opClient } from '../../helpers/openproject.js';

let fake: FakeOpenProject | undefined;

async function start(options: FakeOpenProjectOptions = {}): Promise<FakeOpenProject> {
  fake = await startFakeOpenProject({ customFields: wprCustomFields(), projects: wprProjects('flowone'), ...options });
  return fake;
}

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const write = { operation: 'create' as const, what: 'Epic', key: 'WPO1', project: 'flowone' };
const cfId = (f: FakeOpenProject, name: string) => `customField${f.state.customFields.find((c) => c.name === name)!.id}`;
const epics = (n: number, extra: Record<string, unknown> = {}) =>
  Array.from({ length: n }, (_, i) => ({ project: 'flowone', type: 'Epic', subject: `E${i + 1}`, fields: { 'WPR Order ID': `WPO${i + 1}` }, ...extra }));

describe('OpenProjectClient reads', () => {
  it('sends basic auth apikey:<key> and turns a refused key into an AuthError naming OPENPROJECT_API_KEY', async () => {
    const f = await start();
    expect((await opClient(f).me()).name).toBe('WPR Agent');
    const error = await opClient({ url: f.url, apiKey: 'wrong-key' }).me().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).action).toContain('OPENPROJECT_API_KEY');
    expect((error as AuthError).message).not.toContain('wrong-key');
  });

  it('accepts a base URL given with /api/v3 and a trailing slash', async () => {
    const f = await start();
    expect(normalizeBaseUrl(`${f.url}/api/v3/`)).toBe(f.url);
    expect((await opClient({ url: `${f.url}/api/v3`, apiKey: f.apiKey }).root())._type).toBe('Root');
  });

  it('reads every page with offset paging, asking for pageSize 1000, closed work packages included', async () => {
    const f = await start({ maxPageSize: 4, workPackages: [...epics(9), ...epics(2, { status: 'Closed' })] });
    const all = await opClient(f).listWorkPackages(1, [equals('type', [5])]);
    expect(all).toHaveLength(11);
    const gets = f.requests.filter({ method: 'GET', path: '/api/v3/projects/:id/work_packages' });
    expect(gets.map((entry) => entry.query.offset)).toEqual(['1', '2', '3']);
    expect(gets.every((entry) => entry.query.pageSize === '1000' && JSON.parse(entry.query.filters!).length === 1)).toBe(true);
  });

  it('answers undefined for a project or work package that does not exist', async () => {
    const f = await start();
    expect(await opClient(f).project('nope')).toBeUndefined();
    expect(await opClient(f).getWorkPackage(404)).toBeUndefined();
  });
});

describe('OpenProjectClient writes', () => {
  it('creates with notify=false', async () => {
    const f = await start();
    const created = await opClient(f).createWorkPackage(1, { subject: 'E', [cfId(f, 'WPR Product')]: 'FlowOne', _links: { type: { href: '/api/v3/types/5' } } }, write);
    expect(created.id).toBe(1);
    expect(f.requests.filter({ method: 'POST' })[0]!.query.notify).toBe('false');
    expect(f.state.notificationsSent).toBe(0);
  });

  it('turns a 422 into a record-level WorkPackageRejectedError carrying every server message', async () => {
    const f = await start();
    const error = await opClient(f)
      .createWorkPackage(1, { subject: '', _links: { type: { href: '/api/v3/types/5' }, parent: { href: '/api/v3/work_packages/77' } } }, write)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WorkPackageRejectedError);
    const rejected = error as WorkPackageRejectedError;
    expect(rejected.violations.map((v) => v.message)).toEqual(["Subject can't be blank.", 'Parent does not exist.', "WPR Product can't be blank."]);
    expect(rejected.message).toBe("OpenProject refused to create Epic WPO1 in project flowone: Subject can't be blank; Parent does not exist; WPR Product can't be blank.");
    expect(rejected.action).toMatch(/required custom field/);
  });

  it('patches with the given lockVersion, and on 409 reads the work package again and retries once', async () => {
    const f = await start({ workPackages: [{ project: 'flowone', type: 'Epic', subject: 'E', lockVersion: 5 }] });
    const updated = await opClient(f).updateWorkPackage(1, { subject: 'New' }, 2, { ...write, operation: 'update' });
    expect(updated).toMatchObject({ subject: 'New', lockVersion: 6 });
    expect(f.requests.entries.map((e) => `${e.method} ${e.status}`)).toEqual(['PATCH 409', 'GET 200', 'PATCH 200']);
    expect(f.requests.filter({ method: 'PATCH' }).every((e) => e.query.notify === 'false')).toBe(true);
  });

  it('reads the lockVersion first when none is known', async () => {
    const f = await start({ workPackages: [{ project: 'flowone', type: 'Epic', subject: 'E', lockVersion: 2 }] });
    await opClient(f).updateWorkPackage(1, { subject: 'New' }, undefined, { ...write, operation: 'update' });
    expect(f.requests.entries.map((e) => `${e.method} ${e.status}`)).toEqual(['GET 200', 'PATCH 200']);
  });

  it('gives up with an UpdateConflictError when the work package changes again between refetch and retry', async () => {
    const f = await start({ workPackages: [{ project: 'flowone', type: 'Epic', subject: 'E' }] });
    f.faults.once({ kind: 'status5xx', status: 409, match: { method: 'PATCH' }, count: 2 });
    const error = await opClient(f).updateWorkPackage(1, { subject: 'New' }, 0, { ...write, operation: 'update' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpdateConflictError);
  });

  it('says a cached id is stale when the work package is gone (404), and deletes idempotently', async () => {
    const f = await start({ workPackages: [{ project: 'flowone', type: 'Epic', subject: 'E' }] });
    const error = await opClient(f).updateWorkPackage(9, { subject: 'x' }, 0, { ...write, operation: 'update' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WorkPackageGoneError);
    expect((error as WorkPackageGoneError).action).toMatch(/ignore_cached_identity/);
    expect(await opClient(f).deleteWorkPackage(1, { operation: 'delete', what: 'Epic' })).toBe('deleted');
    expect(await opClient(f).deleteWorkPackage(1, { operation: 'delete', what: 'Epic' })).toBe('gone');
  });
});

describe('OpenProjectClient rate limits and faults', () => {
  it('waits for RateLimit-Reset after a 429 and then succeeds', async () => {
    const f = await start({ rateLimit: { count: 2, windowMs: 1000 } });
    const client = new OpenProjectClient({ baseUrl: f.url, apiKey: f.apiKey, rateLimit: { count: 1000, windowMs: 1000 }, maxRetries: 3 });
    for (let i = 0; i < 3; i += 1) await client.me();
    expect(client.stats().rateLimited).toBe(1);
    expect(f.stats().rateLimited).toBe(1);
  });

  it('retries a PATCH whose response was lost: the repeat meets 409 and is resolved by a refetch', async () => {
    const f = await start({ workPackages: [{ project: 'flowone', type: 'Epic', subject: 'E' }] });
    f.faults.once({ kind: 'lostResponse', match: { method: 'PATCH' } });
    const updated = await opClient(f).updateWorkPackage(1, { subject: 'New' }, 0, { ...write, operation: 'update' });
    expect(updated.subject).toBe('New');
    expect(f.state.workPackages.get(1)!.lockVersion).toBe(2);
  });

  it('does not repeat a create after a 5xx (its outcome is unknown)', async () => {
    const f = await start();
    f.faults.once({ kind: 'status5xx', match: { method: 'POST' } });
    const error = await opClient(f).createWorkPackage(1, { subject: 'E' }, write).catch((caught: unknown) => caught);
    expect((error as { outcome?: string }).outcome).toBe('unknown');
    expect(f.requests.count({ method: 'POST' })).toBe(1);
  });
});
