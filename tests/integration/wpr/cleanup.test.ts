/**
 * Duplicate cleanup against the fake OpenProject: groups, keep the newest, move children off the
 * doomed epic before deleting it (OpenProject deletes descendants), no story lost, plan approval.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CleanupResult } from '../../../src/pipelines/wpr/cleanup.js';
import { startFakeOpenProject, type FakeOpenProject, type FakeWorkPackageSeed } from '../../fakes/openproject.js';
import { wprCustomFields, wprProjects } from '../../fakes/openproject-wpr.js';
import { openWprBench, type WprBench } from '../../helpers/wpr-runs.js';

let fake: FakeOpenProject;
let bench: WprBench;

const epic = (order: string, extra: Partial<FakeWorkPackageSeed> = {}): FakeWorkPackageSeed => ({ project: 'flowone', type: 'Epic', subject: `${order} – Acme`, fields: { 'WPR Order ID': order, 'WPR Product': 'FlowOne' }, ...extra });
const story = (order: string, item: number, parentId: number, extra: Partial<FakeWorkPackageSeed> = {}): FakeWorkPackageSeed => ({
  project: 'flowone', type: 'User story', subject: `${order}-${item}`, parentId, fields: { 'WPR Order ID': order, 'WPR Line Key': `${order}-${item}` }, ...extra,
});

beforeEach(async () => {
  fake = await startFakeOpenProject({
    customFields: wprCustomFields(),
    projects: wprProjects('flowone'),
    workPackages: [
      epic('WPO1', { id: 1 }),
      story('WPO1', 1, 1, { id: 2 }),
      story('WPO1', 2, 1, { id: 3 }),
      epic('WPO1', { id: 4 }),
      story('WPO1', 2, 4, { id: 5 }),
      story('WPO1', 3, 4, { id: 6 }),
      { id: 7, project: 'flowone', type: 'Task', subject: 'Check the wiring', parentId: 2 },
      epic('WPO2', { id: 8 }),
      story('WPO2', 1, 8, { id: 9 }),
    ],
  });
  bench = openWprBench(fake);
});

afterEach(async () => {
  await bench.close();
  await fake.close();
});

const result = (run: { result: unknown }) => run.result as CleanupResult;

describe('wpr cleanup', () => {
  it('lists the duplicate groups in a dry run and writes nothing', async () => {
    const dry = await bench.cleanup({});
    expect(dry.status).toBe('succeeded');
    expect(result(dry)).toMatchObject({ projects: ['flowone'], groups: 2, duplicates: 2, reparented: 1 });
    expect(result(dry).kept).toEqual([
      { role: 'epic', project: 'flowone', key: 'WPO1', basis: 'WPR Order ID', kept_id: '4', duplicate_ids: ['1'] },
      { role: 'story', project: 'flowone', key: 'WPO1-2', basis: 'WPR Line Key', kept_id: '5', duplicate_ids: ['3'] },
    ]);
    expect(fake.requests.entries.every((entry) => entry.method === 'GET')).toBe(true);
  });

  it('moves the children of the doomed epic under the kept one before deleting, so no story is lost', async () => {
    const dry = await bench.cleanup({});
    const applied = await bench.cleanup({ dryRun: false, planId: dry.plan_id! });
    expect(applied.status).toBe('succeeded');
    expect(result(applied)).toMatchObject({ groups: 2, duplicates: 2, reparented: 1, failures: 0 });
    expect(result(applied).deleted.map((d) => d.id)).toEqual(['3', '1']);
    const wps = fake.workPackages();
    expect(wps.map((wp) => [wp.id, wp.parentId])).toEqual([
      [2, 4],
      [4, null],
      [5, 4],
      [6, 4],
      [7, 2],
      [8, null],
      [9, 8],
    ]);
    const keys = wps.filter((wp) => wp.type === 'User story').map((wp) => wp.fields['WPR Line Key']).sort();
    expect(keys).toEqual(['WPO1-1', 'WPO1-2', 'WPO1-3', 'WPO2-1']);
    const order = fake.requests.entries.filter((e) => e.method !== 'GET').map((e) => `${e.method} ${e.path}`);
    expect(order.indexOf('DELETE /api/v3/work_packages/1')).toBeGreaterThan(order.indexOf('PATCH /api/v3/work_packages/2'));
  });

  it('refuses an approved plan when the projects changed since the dry run', async () => {
    const dry = await bench.cleanup({});
    fake.addWorkPackage(epic('WPO2'));
    const applied = await bench.cleanup({ dryRun: false, planId: dry.plan_id! });
    expect(applied.error).toMatchObject({ kind: 'stale_plan' });
    expect(fake.workPackages()).toHaveLength(10);
  });

  it('does not delete a duplicate whose children could not be moved', async () => {
    const dry = await bench.cleanup({});
    fake.faults.once({ kind: 'status5xx', status: 422, match: { method: 'PATCH', path: '/api/v3/work_packages/2' } });
    const applied = await bench.cleanup({ dryRun: false, planId: dry.plan_id! });
    expect(result(applied).failures).toBe(2);
    expect(fake.workPackages().map((wp) => wp.id)).toEqual([1, 2, 4, 5, 6, 7, 8, 9]);
    expect(result(applied).failure_samples.map((f) => f.error).join(' ')).toMatch(/still has child work package\(s\) #2/);
  });

  it('finds nothing more to do once the duplicates are gone', async () => {
    const run = await bench.cleanup({ projects: ['flowone'] });
    const applied = await bench.cleanup({ dryRun: false, planId: run.plan_id! });
    const again = await bench.cleanup({ projects: ['flowone'] });
    expect(result(again)).toMatchObject({ groups: 0, duplicates: 0 });
    expect(result(applied).duplicates).toBe(2);
  });
});
