/** The fake DevRev follows the published contract: auth, cursors, tenant fields, limits, faults. */
import { afterEach, describe, expect, it } from 'vitest';
import { seedIssues, startFakeDevRev, type FakeDevRev, type FakeDevRevOptions } from '../../fakes/devrev.js';

let fake: FakeDevRev | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(options: FakeDevRevOptions = {}): Promise<FakeDevRev> {
  fake = await startFakeDevRev(options);
  return fake;
}

async function call(route: string, body: unknown, token = 'test-devrev-token'): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await fetch(`${fake!.url}/${route}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

describe('fake DevRev', () => {
  it('refuses an unknown token with 401 unauthenticated', async () => {
    await start();
    const answer = await call('works.list', {}, 'wrong');
    expect(answer.status).toBe(401);
    expect(answer.body.type).toBe('unauthenticated');
  });

  it('pages works.list by cursor until no next_cursor is given', async () => {
    await start({ issues: seedIssues(230, 3) });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const answer = await call('works.list', { type: ['issue'], limit: 100, ...(cursor ? { cursor } : {}) });
      expect(answer.status).toBe(200);
      seen.push(...answer.body.works.map((w: { display_id: string }) => w.display_id));
      cursor = answer.body.next_cursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(230);
  });

  it('caps pages at 100 and defaults to 50', async () => {
    await start({ issues: seedIssues(160, 1) });
    expect((await call('works.list', { limit: 500 })).body.works).toHaveLength(100);
    expect((await call('works.list', {})).body.works).toHaveLength(50);
  });

  it('refuses a cursor made for other filters', async () => {
    await start({ issues: seedIssues(120, 2) });
    const first = await call('works.list', { type: ['issue'] });
    const answer = await call('works.list', { type: ['ticket'], cursor: first.body.next_cursor });
    expect(answer.status).toBe(400);
    expect(answer.body.type).toBe('bad_request');
  });

  it('filters works by creator and by custom field value', async () => {
    await start({ issues: seedIssues(6, 3, (i) => (i === 2 ? { tnt__creator_group: 'Ops' } : {})) });
    const byCreator = await call('works.list', { created_by: ['DEVU-1'] });
    expect(byCreator.body.works.map((w: { display_id: string }) => w.display_id)).toEqual(['ISS-1', 'ISS-4']);
    const byField = await call('works.list', { custom_fields: { tnt__creator_group: ['Ops'] } });
    expect(byField.body.works.map((w: { display_id: string }) => w.display_id)).toEqual(['ISS-2']);
  });

  it('refuses a tenant field written without custom_schema_spec', async () => {
    await start({ issues: seedIssues(1, 1) });
    const answer = await call('works.update', { id: 'ISS-1', type: 'issue', custom_fields: { tnt__creator_group: 'Ops' } });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ type: 'bad_request' });
    expect(fake!.valueOf('ISS-1')).toBeUndefined();
    expect(fake!.state.updateCounts).toEqual({});
  });

  it('writes a tenant field with custom_schema_spec {tenant_fragment: true}, by display id or DON', async () => {
    await start({ issues: seedIssues(2, 1) });
    const spec = { custom_schema_spec: { tenant_fragment: true } };
    const first = await call('works.update', { id: 'ISS-1', type: 'issue', custom_fields: { tnt__creator_group: 'Ops' }, ...spec });
    expect(first.status).toBe(200);
    expect(first.body.work.custom_fields.tnt__creator_group).toBe('Ops');
    await call('works.update', { id: fake!.state.issues[1]!.id, custom_fields: { tnt__creator_group: 'Dev' }, ...spec });
    await call('works.update', { id: 'ISS-1', custom_fields: { tnt__creator_group: 'Ops' }, ...spec });
    expect(fake!.valueOf('ISS-2')).toBe('Dev');
    expect(fake!.state.updateCounts).toEqual({ 'ISS-1': 2, 'ISS-2': 1 });
    expect(fake!.state.changeCounts).toEqual({ 'ISS-1': 1, 'ISS-2': 1 });
  });

  it('refuses an undefined tenant field, a non-text value and an unknown work', async () => {
    await start({ issues: seedIssues(1, 1) });
    const spec = { custom_schema_spec: { tenant_fragment: true } };
    expect((await call('works.update', { id: 'ISS-1', custom_fields: { tnt__nope: 'x' }, ...spec })).body.type).toBe('invalid_field');
    expect((await call('works.update', { id: 'ISS-1', custom_fields: { tnt__creator_group: 5 }, ...spec })).body.type).toBe('unexpected_json_type');
    const missing = await call('works.update', { id: 'ISS-99', custom_fields: { tnt__creator_group: 'x' }, ...spec });
    expect(missing.status).toBe(404);
    expect(missing.body.type).toBe('not_found');
  });

  it('answers 403 forbidden to a read-only token that updates a work', async () => {
    await start({ issues: seedIssues(1, 1), tokens: ['rw', 'ro'], readOnlyTokens: ['ro'] });
    expect((await call('works.list', {}, 'ro')).status).toBe(200);
    const answer = await call('works.update', { id: 'ISS-1' }, 'ro');
    expect(answer.status).toBe(403);
    expect(answer.body.type).toBe('forbidden');
  });

  it('lists groups and their members by cursor', async () => {
    await start({ groups: [{ name: 'Everyone', is_default: true, members: [1, 2, 3] }, { name: 'Ops', members: Array.from({ length: 120 }, (_, i) => i + 1) }] });
    const groups = await call('groups.list', {});
    expect(groups.body.groups.map((g: { name: string }) => g.name)).toEqual(['Everyone', 'Ops']);
    expect(groups.body.groups[0].members).toBeUndefined();
    const ops = groups.body.groups[1].id as string;
    const first = await call('groups.members.list', { group: ops, limit: 100 });
    expect(first.body.members).toHaveLength(100);
    expect(first.body.members[0].member).toMatchObject({ type: 'dev_user', display_id: 'DEVU-1' });
    const second = await call('groups.members.list', { group: ops, limit: 100, cursor: first.body.next_cursor });
    expect(second.body.members).toHaveLength(20);
    expect(second.body.next_cursor).toBeUndefined();
  });

  it('reports the tenant fields of issues in the aggregated schema', async () => {
    await start();
    const answer = await call('schemas.aggregated.get', { leaf_type: 'issue', custom_schema_spec: { tenant_fragment: true } });
    expect(answer.body.schema.custom_fields.map((f: { name: string }) => f.name)).toEqual(['tnt__creator_group']);
  });

  it('limits each token in its own window with X-RateLimit-* headers and a DevRev 429 body', async () => {
    await start({ tokens: ['a', 'b'], rateLimit: { count: 2, windowMs: 300_000 } });
    const first = await call('dev-users.self', {}, 'a');
    expect(first.headers.get('x-ratelimit-limit')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000 + 290);
    await call('dev-users.self', {}, 'a');
    const limited = await call('dev-users.self', {}, 'a');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ type: 'too_many_requests' });
    expect(limited.body.retry_after).toBeGreaterThan(290);
    expect(limited.headers.get('retry-after')).toBe(String(limited.body.retry_after));
    expect((await call('dev-users.self', {}, 'b')).status).toBe(200);
  });

  it('commits an update whose response is lost', async () => {
    await start({ issues: seedIssues(1, 1) });
    fake!.faults.once({ kind: 'lostResponse', match: { path: '/works.update' } });
    await expect(call('works.update', { id: 'ISS-1', custom_fields: { tnt__creator_group: 'Ops' }, custom_schema_spec: { tenant_fragment: true } })).rejects.toThrow();
    expect(fake!.valueOf('ISS-1')).toBe('Ops');
  });

  it('generates issues after the seeded ones', async () => {
    await start({ issues: [{ number: 1, created_by: 'DEVU-9' }], generate: { issues: 3, users: 2 } });
    expect(fake!.state.issues.map((i) => `${i.display_id}:${i.created_by.display_id}`)).toEqual(['ISS-1:DEVU-9', 'ISS-2:DEVU-1', 'ISS-3:DEVU-2', 'ISS-4:DEVU-1']);
  });
});
