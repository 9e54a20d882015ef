/** The DevRev client, creator-group Target, group directory and connection check against the fake DevRev. */
import { afterEach, describe, expect, it } from 'vitest';
import { AuthError, ConfigError } from '../../../src/engine/errors.js';
import { creatorGroupTarget, DevRevClient, readGroupDirectory } from '../../../src/targets/devrev/index.js';
import { seedIssues, startFakeDevRev, type FakeDevRev, type FakeDevRevOptions } from '../../fakes/devrev.js';

let fake: FakeDevRev | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const signal = new AbortController().signal;
const FIELD = 'tnt__creator_group';

async function setup(options: FakeDevRevOptions = {}, token = 'test-devrev-token') {
  fake = await startFakeDevRev({ tokens: ['test-devrev-token', 'ro-token'], readOnlyTokens: ['ro-token'], ...options });
  const client = new DevRevClient({ baseUrl: fake.url, token, rateLimit: { count: 1000, windowMs: 1000 }, maxRetries: 3, timeoutMs: 2000 });
  return { fake, client, target: creatorGroupTarget(client, { field: FIELD }) };
}

describe('DevRev creator-group target', () => {
  it('reads current values in pages of works.list, never one works.get per issue', async () => {
    const { fake, target } = await setup({ issues: seedIssues(250, 4, (i) => (i % 2 ? { [FIELD]: 'Ops' } : {})) });
    const index = await target.readIssues(signal);
    expect(index.get('ISS-1')).toMatchObject({ value: 'Ops', creatorKeys: [expect.stringContaining(':devu/1'), 'DEVU-1'] });
    expect(index.get('ISS-2')?.value).toBeUndefined();
    expect(index.get(fake.state.issues[0]!.id)).toBe(index.get('ISS-1'));
    expect(fake.requests.count({ path: '/works.list' })).toBe(3);
    expect(fake.requests.count({ path: '/works.get' })).toBe(0);
  });

  it('looks issues up by display id (any case) or DON in one paged read', async () => {
    const { fake, target } = await setup({ issues: seedIssues(3, 1) });
    const found = await target.lookup(new Set(['iss-2', fake.state.issues[2]!.id, 'ISS-99']), signal);
    expect([...found.keys()].sort()).toEqual([fake.state.issues[2]!.id, 'iss-2'].sort());
    expect(found.get('iss-2')).toBe(fake.state.issues[1]!.id);
  });

  it('writes the tenant field with custom_schema_spec {tenant_fragment: true}', async () => {
    const { fake, target } = await setup({ issues: seedIssues(1, 1) });
    await target.update(fake.state.issues[0]!.id, { value: 'Platform' }, { signal });
    expect(fake.valueOf('ISS-1')).toBe('Platform');
    expect(fake.state.updateCounts).toEqual({ 'ISS-1': 1 });
  });

  it('re-sends an update whose answer was lost: the value is set, no error reaches the caller', async () => {
    const { fake, target } = await setup({ issues: seedIssues(1, 1) });
    fake.faults.once({ kind: 'lostResponse', match: { path: '/works.update' } });
    await target.update(fake.state.issues[0]!.id, { value: 'Ops' }, { signal });
    expect(fake.valueOf('ISS-1')).toBe('Ops');
    expect(fake.state.updateCounts['ISS-1']).toBe(2);
    expect(fake.state.changeCounts['ISS-1']).toBe(1);
  });

  it('retries a 503 and a reset connection', async () => {
    const { fake, target } = await setup({ issues: seedIssues(1, 1) });
    fake.faults.once({ kind: 'status5xx', status: 503, match: { path: '/works.update' } });
    fake.faults.once({ kind: 'reset', match: { path: '/works.update' } });
    await target.update(fake.state.issues[0]!.id, { value: 'Ops' }, { signal });
    expect(fake.valueOf('ISS-1')).toBe('Ops');
  });

  it('waits out a 429 with Retry-After and goes on', async () => {
    const { fake, client } = await setup({ issues: seedIssues(1, 1), rateLimit: { count: 1, windowMs: 1200 } });
    const started = Date.now();
    await client.firstIssues(1, signal);
    await client.firstIssues(1, signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fake.server.rateLimiter.limitedCount).toBeLessThanOrEqual(1);
  });

  it('turns a refused token into an AuthError naming DEVREV_API_TOKEN', async () => {
    const { target } = await setup({ issues: seedIssues(1, 1) }, 'wrong-token');
    const error = await target.readIssues(signal).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).action).toContain('DEVREV_API_TOKEN');
    expect(String((error as Error).message)).not.toContain('wrong-token');
  });

  it('refuses to create issues', async () => {
    const { target } = await setup();
    await expect(target.create({ value: 'x' }, { signal })).rejects.toThrow(/never creates/);
  });

  it('needs DEVREV_API_TOKEN', () => {
    expect(() => DevRevClient.fromConfig({ devrev: { baseUrl: undefined, secret: undefined, rateLimit: { count: 1, windowMs: 1000 } } })).toThrow(ConfigError);
  });
});

describe('DevRev group directory', () => {
  it('reads every group and its members in pages, leaving default groups out', async () => {
    const { fake, client } = await setup({
      groups: [
        { name: 'Everyone', is_default: true, members: [1, 2, 3] },
        { name: 'Ops', members: Array.from({ length: 150 }, (_, i) => i + 1) },
        { name: 'Billing', members: [2] },
      ],
    });
    const directory = await readGroupDirectory(client, signal);
    expect(directory.groups.map((g) => g.name)).toEqual(['Ops', 'Billing']);
    expect(directory.skippedDefault).toBe(1);
    expect(directory.groupsOf('DEVU-1').map((g) => g.name)).toEqual(['Ops']);
    expect(directory.groupsOf('devu-2').map((g) => g.name)).toEqual(['Ops', 'Billing']);
    expect(directory.groupsOf('DEVU-150').map((g) => g.name)).toEqual(['Ops']);
    expect(directory.groupsOf('DEVU-999')).toEqual([]);
    expect(fake.requests.count({ path: '/groups.members.list' })).toBe(3);
  });
});

describe('DevRev connection check', () => {
  it('passes URL, credentials, reads, the tenant field and the window, without writing', async () => {
    const { fake, target } = await setup({ issues: seedIssues(2, 1), rateLimit: { count: 100, windowMs: 300_000 } });
    const result = await target.check(signal);
    expect(result.ok).toBe(true);
    expect(result.findings.map((f) => f.check)).toEqual(['url', 'credentials', 'works_read', 'groups_read', 'custom_field', 'permissions', 'rate_limit']);
    expect(result.findings.find((f) => f.check === 'rate_limit')?.detail).toMatch(/\d+ of 100 requests left/);
    expect(fake.requests.count({ path: '/works.update' })).toBe(0);
  });

  it('proves update permission only when asked, with a works.update that changes nothing', async () => {
    const { fake, client } = await setup({ issues: seedIssues(1, 1) }, 'ro-token');
    const result = await creatorGroupTarget(client, { field: FIELD, probeUpdate: true }).check(signal);
    expect(result.ok).toBe(false);
    expect(result.findings.find((f) => f.check === 'permissions')).toMatchObject({ ok: false, detail: expect.stringContaining('403') });
    expect(fake.state.changeCounts).toEqual({});
  });

  it('says when issues lack the tenant field', async () => {
    const { target } = await setup({ issues: seedIssues(1, 1), tenantFields: ['tnt__other'] });
    const result = await target.check(signal);
    expect(result.findings.find((f) => f.check === 'custom_field')).toMatchObject({ ok: false, detail: expect.stringContaining('DEVREV_CREATOR_GROUP_FIELD') });
  });

  it('tells a refused token from a wrong base URL', async () => {
    const { target } = await setup({}, 'wrong-token');
    const refused = await target.check(signal);
    expect(refused.findings.slice(0, 2)).toMatchObject([{ check: 'url', ok: true }, { check: 'credentials', ok: false }]);
    const wrongUrl = new DevRevClient({ baseUrl: `${fake!.url}/nope`, token: 'test-devrev-token', rateLimit: { count: 1000, windowMs: 1000 }, maxRetries: 0 });
    const result = await creatorGroupTarget(wrongUrl, { field: FIELD }).check(signal);
    expect(result.findings[0]).toMatchObject({ check: 'url', ok: false });
    expect(result.findings).toHaveLength(2);
  });
});
