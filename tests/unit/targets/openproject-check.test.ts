/** The OpenProject connection check reports each finding with what to fix, and never writes. */
import { afterEach, describe, expect, it } from 'vitest';
import { checkConnection } from '../../../src/targets/openproject/index.js';
import { startFakeOpenProject, type FakeOpenProject, type FakeOpenProjectOptions } from '../../fakes/openproject.js';
import { wprCustomFields, wprProjects } from '../../fakes/openproject-wpr.js';
import { noOverrides, opClient } from '../../helpers/openproject.js';

let fake: FakeOpenProject | undefined;

async function start(options: FakeOpenProjectOptions = {}): Promise<FakeOpenProject> {
  fake = await startFakeOpenProject({ customFields: wprCustomFields(), projects: wprProjects('flowone'), ...options });
  return fake;
}

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const needs = (fields: string[]) =>
  new Map([['flowone', { products: ['FlowOne'], epic: { fields, values: new Map() }, story: { fields: ['WPR Order ID', 'WPR Line Key'], values: new Map() } }]]);

describe('checkConnection', () => {
  it('passes URL, credentials and project permissions, naming the user and project', async () => {
    const f = await start();
    const result = await checkConnection(opClient(f), ['flowone']);
    expect(result.ok).toBe(true);
    expect(result.findings.map((x) => x.detail)).toEqual([
      `${f.url} answers as the OpenProject API v3 ("Fake OpenProject").`,
      'The API key belongs to WPR Agent.',
      'Project "Flowone" (#1): the key\'s user may add work packages.',
    ]);
    expect(f.requests.entries.every((entry) => entry.method === 'GET')).toBe(true);
  });

  it('says when the key is refused, and stops there', async () => {
    const f = await start();
    const result = await checkConnection(opClient({ url: f.url, apiKey: 'nope-nope' }), ['flowone']);
    expect(result.ok).toBe(false);
    expect(result.findings.at(-1)).toMatchObject({ check: 'credentials', ok: false });
    expect(result.findings.at(-1)!.detail).toMatch(/OpenProject refused the API key \(401\): check OPENPROJECT_API_KEY/);
  });

  it('says when the URL answers a web page instead of the API', async () => {
    const f = await start();
    f.faults.once({ kind: 'html' });
    const result = await checkConnection(opClient(f, { maxRetries: 0 }), ['flowone']);
    expect(result.findings).toEqual([expect.objectContaining({ check: 'url', ok: false, detail: expect.stringMatching(/web page, not the API: set OPENPROJECT_URL/) })]);
  });

  it('says when OpenProject cannot be reached', async () => {
    const f = await start();
    const url = f.url;
    await f.close();
    fake = undefined;
    const result = await checkConnection(opClient({ url, apiKey: 'k-123456' }, { maxRetries: 0 }), ['flowone']);
    expect(result.findings[0]).toMatchObject({ check: 'url', ok: false });
    expect(result.findings[0]!.detail).toMatch(/could not be reached/);
  });

  it('reports a missing project, a missing permission and an empty registry', async () => {
    const f = await start({ projects: [{ identifier: 'readonly', canAdd: false }] });
    const result = await checkConnection(opClient(f), ['missing', 'readonly']);
    expect(result.findings.slice(2).map((x) => [x.check, x.ok])).toEqual([
      ['project:missing', false],
      ['project:readonly', false],
    ]);
    expect(result.findings[3]!.detail).toMatch(/"Add work packages" permission/);
    expect((await checkConnection(opClient(f), [])).findings.at(-1)!.detail).toMatch(/No project is registered/);
  });

  it('with the data\'s needs, reports custom fields that cannot be resolved', async () => {
    const f = await start();
    const result = await checkConnection(opClient(f), ['flowone'], undefined, { overrides: noOverrides(), needs: needs(['WPR Order ID', 'WPR Region']) });
    expect(result.ok).toBe(false);
    const failed = result.findings.filter((x) => !x.ok);
    expect(failed.map((x) => x.check)).toEqual(['custom_fields', 'custom_fields']);
    expect(failed[0]!.detail).toContain('custom field "WPR Region" is not active for Epic');
    expect(failed[1]!.detail).toContain('custom field "WPR Product" (customField3) is required for Epic');
    const good = await checkConnection(opClient(f), ['flowone'], undefined, { overrides: noOverrides(), needs: needs(['WPR Order ID', 'WPR Product']) });
    expect(good.findings.at(-1)!.detail).toBe('Types, custom fields and list options resolved in 1 project.');
  });
});
