/** The epic and story Targets over the fake: writes, bulk lookups, content comparison, check. */
import { afterEach, describe, expect, it } from 'vitest';
import { WorkPackageValueError } from '../../../src/targets/openproject/index.js';
import { startFakeOpenProject, type FakeOpenProject, type FakeOpenProjectOptions } from '../../fakes/openproject.js';
import { wprCustomFields, wprProjects } from '../../fakes/openproject-wpr.js';
import { wprTargets, type WprTargets } from '../../helpers/openproject.js';
import { wprLine, wprOrders } from '../../helpers/wpr-lines.js';

let fake: FakeOpenProject | undefined;

async function start(options: FakeOpenProjectOptions = {}): Promise<FakeOpenProject> {
  fake = await startFakeOpenProject({ customFields: wprCustomFields(), projects: wprProjects('flowone', 'niam'), ...options });
  return fake;
}

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const signal = new AbortController().signal;

/** Creates every planned epic and its stories; returns epic key → id. */
async function createAll(t: WprTargets): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const order of t.orders) {
    const epicId = await t.epics.create(order.epic.payload, { signal });
    ids.set(order.epic.key, epicId);
    for (const story of order.stories) await t.stories.create(story.payload, { signal, parentId: epicId });
  }
  return ids;
}

describe('WPR work package Targets', () => {
  it('creates epics and their stories with the parent link, the WPR keys and every mapped field', async () => {
    const f = await start();
    const t = await wprTargets(f, wprOrders(2, 2));
    await createAll(t);
    const wps = f.workPackages();
    expect(wps.map((wp) => `${wp.type}:${wp.parentId ?? '-'}:${wp.subject}`)).toEqual([
      'Epic:-:WPO00000001 – Acme Corp',
      'User story:1:WPO00000001-10 Item 10 of WPO00000001',
      'User story:1:WPO00000001-20 Item 20 of WPO00000001',
      'Epic:-:WPO00000002 – Acme Corp',
      'User story:4:WPO00000002-10 Item 10 of WPO00000002',
      'User story:4:WPO00000002-20 Item 20 of WPO00000002',
    ]);
    expect(wps[0]!.fields).toEqual({ 'WPR Order ID': 'WPO00000001', 'WPR Order Date': '2024-03-01', 'WPR Customer': 'Acme Corp', 'WPR Product': 'FlowOne' });
    expect(wps[1]!.fields).toMatchObject({ 'WPR Order ID': 'WPO00000001', 'WPR Line Key': 'WPO00000001-10', 'WPR Quantity': 1, 'WPR Status': 'Open' });
    expect(f.state.notificationsSent).toBe(0);
  });

  it('finds what it wrote by key in one filtered read per project and role, and sees it as unchanged', async () => {
    const f = await start();
    const t = await wprTargets(f, wprOrders(3, 2));
    const epicIds = await createAll(t);
    f.requests.clear();
    const epics = await t.epics.readState(new Set(t.orders.map((o) => o.epic.key)), signal);
    const stories = await t.stories.readState(new Set(t.orders.flatMap((o) => o.stories.map((s) => s.key))), signal);
    expect(f.requests.count()).toBe(2);
    for (const order of t.orders) {
      const held = epics.get(order.epic.key)![0]!;
      expect(held.id).toBe(epicIds.get(order.epic.key));
      expect(t.epics.hashOf(t.epics.heldContentOf(held))).toBe(t.epics.hashOf(t.epics.contentOf(order.epic.payload, null)));
      for (const story of order.stories) {
        const heldStory = stories.get(story.key)![0]!;
        expect(heldStory.parentId).toBe(held.id);
        expect(t.stories.heldContentOf(heldStory)).toEqual(t.stories.contentOf(story.payload, held.id));
      }
    }
  });

  it('counts closed work packages as existing and answers the highest id of duplicates', async () => {
    const f = await start();
    const t = await wprTargets(f, wprOrders(1, 1));
    const key = t.orders[0]!.epic.key;
    const seed = { project: 'flowone', type: 'Epic', subject: 'dup', fields: { 'WPR Order ID': 'WPO00000001', 'WPR Product': 'FlowOne' } };
    f.addWorkPackage({ ...seed, status: 'Closed' });
    f.addWorkPackage(seed);
    f.addWorkPackage({ ...seed, fields: { 'WPR Order ID': 'OTHER', 'WPR Product': 'FlowOne' } });
    expect(await t.epics.lookup(new Set([key, 'unknown@flowone']), signal)).toEqual(new Map([[key, '2']]));
    expect((await t.epics.readState(new Set([key]), signal)).get(key)!.map((held) => held.id)).toEqual(['2', '1']);
  });

  it('updates with the lockVersion read by the plan, and sees a changed value as a change', async () => {
    const f = await start();
    const t = await wprTargets(f, wprOrders(1, 1));
    await createAll(t);
    const story = t.orders[0]!.stories[0]!;
    const [held] = (await t.stories.readState(new Set([story.key]), signal)).get(story.key)!;
    const changed = { ...story.payload, fields: { ...story.payload.fields, 'WPR Quantity': 5, 'WPR Status': 'Shipped' }, lockVersion: held!.lockVersion };
    expect(t.stories.hashOf(t.stories.contentOf(changed, held!.parentId))).not.toBe(t.stories.hashOf(t.stories.heldContentOf(held!)));
    f.requests.clear();
    await t.stories.update(held!.id, changed, { signal, parentId: held!.parentId! });
    expect(f.requests.entries.map((e) => e.method)).toEqual(['PATCH']);
    const [after] = (await t.stories.readState(new Set([story.key]), signal)).get(story.key)!;
    expect(t.stories.heldContentOf(after!)).toEqual(t.stories.contentOf(changed, held!.parentId));
  });

  it('refuses a value that does not fit its field before sending anything', async () => {
    const f = await start();
    const t = await wprTargets(f, [wprLine({ order: 'WPO1', item: 1, fields: { quantity: 'twelve' } })]);
    const [order] = t.orders;
    expect(t.stories.problemsOf(order!.stories[0]!.payload)).toEqual(['"twelve" is not a number for "WPR Quantity"']);
    f.requests.clear();
    await expect(t.stories.create(order!.stories[0]!.payload, { signal, parentId: '1' })).rejects.toBeInstanceOf(WorkPackageValueError);
    expect(f.requests.count()).toBe(0);
  });

  it('answers a replacement id when the work package to update was deleted: found again by key, else created', async () => {
    const f = await start();
    const t = await wprTargets(f, wprOrders(1, 1));
    const ids = await createAll(t);
    const order = t.orders[0]!;
    const epicId = ids.get(order.epic.key)!;
    const copy = f.addWorkPackage({ project: 'flowone', type: 'Epic', subject: 'copy', fields: { 'WPR Order ID': order.orderId, 'WPR Product': 'FlowOne' } });
    f.state.workPackages.delete(Number(epicId));
    expect(await t.epics.update(epicId, order.epic.payload, { signal })).toBe(String(copy.id));
    expect(f.workPackages().find((wp) => wp.id === copy.id)!.subject).toBe(order.epic.payload.subject);
    f.state.workPackages.delete(copy.id);
    const created = await t.epics.update(String(copy.id), order.epic.payload, { signal });
    expect(f.workPackages().filter((wp) => wp.type === 'Epic').map((wp) => String(wp.id))).toEqual([created]);
  });

  it('resolves a delete of a work package that is already gone', async () => {
    const f = await start();
    const t = await wprTargets(f, wprOrders(1, 1));
    const ids = await createAll(t);
    const id = [...ids.values()][0]!;
    await t.epics.delete!(id, { signal });
    await t.epics.delete!(id, { signal });
    expect(f.workPackages()).toEqual([]);
  });

  it('checks URL, key and the permission to add work packages in each project', async () => {
    const f = await start({ projects: [...wprProjects('flowone'), { identifier: 'niam', canAdd: false }] });
    const t = await wprTargets(f, wprOrders(1, 1));
    const check = await t.epics.check(signal);
    expect(check.ok).toBe(true);
    expect(check.findings.map((finding) => finding.check)).toEqual(['url', 'credentials', 'project:flowone']);
  });
});
