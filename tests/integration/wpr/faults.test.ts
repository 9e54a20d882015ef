/**
 * The WPR apply under faults: 20 % of OpenProject's answers are 5xx, resets or responses lost after
 * the write committed. Runs converge (re-run until succeeded without failures) to exactly one epic per
 * order and one story per line, each under its own epic — no duplicates.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WprApplyResult } from '../../../src/pipelines/wpr/apply-result.js';
import { startFakeOpenProject, type FakeOpenProject } from '../../fakes/openproject.js';
import { wprCustomFields, wprProjects } from '../../fakes/openproject-wpr.js';
import { openWprBench, type WprBench } from '../../helpers/wpr-runs.js';
import { wprOrders } from '../../helpers/wpr-lines.js';

let fake: FakeOpenProject;
let bench: WprBench;

beforeEach(async () => {
  fake = await startFakeOpenProject({ customFields: wprCustomFields(), projects: wprProjects('flowone'), seed: 7 });
  bench = openWprBench(fake);
});

afterEach(async () => {
  await bench.close();
  await fake.close();
});

describe('wpr apply under faults', () => {
  it('converges to every epic and story exactly once, under the right epic, with 20 % injected faults', async () => {
    await bench.batch('b1', wprOrders(20, 3));
    fake.faults.set({ status5xx: 0.08, reset: 0.06, lostResponse: 0.06 });
    const runs: string[] = [];
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const run = await bench.apply({ batchId: 'b1', workers: 4 });
      const result = run.result as WprApplyResult | null;
      runs.push(`${run.status}:${result?.failures ?? '-'}`);
      if (run.status === 'succeeded' && result?.failures === 0 && result.orders_changed === 0) break;
    }
    expect(runs.at(-1), runs.join(' ')).toBe('succeeded:0');
    expect(fake.faults.applied.lostResponse + fake.faults.applied.status5xx + fake.faults.applied.reset).toBeGreaterThan(10);
    const wps = fake.workPackages();
    const epics = wps.filter((wp) => wp.type === 'Epic');
    const stories = wps.filter((wp) => wp.type === 'User story');
    expect(new Set(epics.map((wp) => wp.fields['WPR Order ID'])).size).toBe(20);
    expect(epics).toHaveLength(20);
    expect(new Set(stories.map((wp) => wp.fields['WPR Line Key'])).size).toBe(60);
    expect(stories).toHaveLength(60);
    for (const story of stories) expect(epics.find((epic) => epic.id === story.parentId)!.fields['WPR Order ID']).toBe(story.fields['WPR Order ID']);
  });
});
