import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../../src/engine/ledger/ledger.js';
import { applyCall, composePlan, executePlan, planRecords, samplePlan, type RecordMapper } from '../../../src/engine/plan-apply.js';
import { ProgressTracker } from '../../../src/engine/progress.js';
import { getLogger, setLogLevel } from '../../../src/logging/logger.js';
import { FakeRemote, type Payload } from './helpers/fake-target.js';
import { makeTempDir } from './helpers/temp.js';

interface Row {
  key: string;
  name: string;
  bad?: boolean;
}
interface Current {
  id: string;
  name: string;
}

const mapper = (current: Record<string, Current>): RecordMapper<Row, Payload, Current> => ({
  kind: 'project',
  key: (row) => row.key,
  payload: (row) => ({ key: row.key, name: row.name }),
  skipReason: (row) => (row.bad ? 'missing customer' : undefined),
  current: (_row, key) => current[key],
  idOf: (c) => c.id,
  changes: (desired, c) => (desired.name === c.name ? [] : ['name']),
});

describe('planRecords', () => {
  it.each([
    ['absent from the target', { key: 'A', name: 'a' }, {}, { action: 'create', reason: 'not in FAKE' }],
    ['equal on the target', { key: 'A', name: 'a' }, { A: { id: 'T-1', name: 'a' } }, { action: 'unchanged', target_id: 'T-1' }],
    ['different on the target', { key: 'A', name: 'b' }, { A: { id: 'T-1', name: 'a' } }, { action: 'update', target_id: 'T-1', reason: 'changed: name', data: expect.objectContaining({ changed: ['name'] }) }],
    ['one the target would refuse', { key: 'A', name: 'a', bad: true }, {}, { action: 'skip', reason: 'missing customer' }],
  ])('plans a record %s', (_case, row, current, expected) => {
    const { items } = planRecords([row], mapper(current as Record<string, Current>), { system: 'FAKE' });
    expect(items).toEqual([expect.objectContaining(expected)]);
  });

  it('skips a second record with the same key, keeping the first', () => {
    const { items } = planRecords([{ key: 'A', name: 'a' }, { key: 'A', name: 'b' }], mapper({}), { system: 'FAKE' });
    expect(items.map((i) => [i.action, i.reason])).toEqual([
      ['create', 'not in FAKE'],
      ['skip', 'duplicate project key A in the input (kept the first)'],
    ]);
  });

  it('lets the mapper choose the action for absent and changed records', () => {
    const custom = { ...mapper({ B: { id: 'T-2', name: 'x' } }), absent: () => ({ action: 'unchanged' as const, reason: 'inactive' }), changed: () => 'deactivate' as const };
    const { items } = planRecords([{ key: 'A', name: 'a' }, { key: 'B', name: 'b' }], custom, { system: 'FAKE' });
    expect(items.map((i) => i.action)).toEqual(['unchanged', 'deactivate']);
  });

  it('leaves volatile fields out of content hashes', () => {
    const withStamp: RecordMapper<Row, Payload & { stamp: string }, Current> = { ...mapper({}), payload: (row) => ({ key: row.key, name: row.name, stamp: String(Math.random()) }) };
    const once = planRecords([{ key: 'A', name: 'a' }], withStamp, { system: 'FAKE', volatileFields: ['stamp'] });
    const twice = planRecords([{ key: 'A', name: 'a' }], withStamp, { system: 'FAKE', volatileFields: ['stamp'] });
    expect(once.items[0]!.content_hash).toBe(twice.items[0]!.content_hash);
  });
});

describe('composePlan', () => {
  const plan = (rows: Row[], current: Record<string, Current>) => composePlan('tool', [planRecords(rows, mapper(current), { system: 'FAKE' })]);

  it('gives the same inputs and target the same plan id', () => {
    expect(plan([{ key: 'A', name: 'a' }], {}).planId).toBe(plan([{ key: 'A', name: 'a' }], {}).planId);
  });

  it('changes the plan id when the inputs or only the target change', () => {
    const base = plan([{ key: 'A', name: 'a' }], { A: { id: 'T-1', name: 'z' } });
    expect(plan([{ key: 'A', name: 'b' }], { A: { id: 'T-1', name: 'z' } }).planId).not.toBe(base.planId);
    expect(plan([{ key: 'A', name: 'a' }], { A: { id: 'T-1', name: 'y' } }).planId).not.toBe(base.planId);
    expect(plan([{ key: 'A', name: 'a' }], { A: { id: 'T-1', name: 'y' } }).inputs).toBe(base.inputs);
  });
});

describe('executePlan', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let ledger: Ledger;
  let remote: FakeRemote;
  beforeEach(() => {
    setLogLevel('error');
    tmp = makeTempDir();
    ledger = Ledger.open(tmp.dir);
    remote = new FakeRemote();
  });
  afterEach(() => {
    ledger.close();
    tmp.cleanup();
  });
  const ctx = () => ({ runId: 'r-1', ledger, signal: new AbortController().signal, progress: new ProgressTracker(0), logger: getLogger(), resume: false });

  it('counts what a dry run would do and writes nothing', async () => {
    const existing = remote.seed({ key: 'B', name: 'old' });
    const plan = composePlan('tool', [planRecords([{ key: 'A', name: 'a' }, { key: 'B', name: 'new' }, { key: 'C', name: 'c', bad: true }], mapper({ B: { id: existing, name: 'old' } }), { system: 'FAKE' })]);
    const outcome = await executePlan({ ctx: ctx(), plan, dryRun: true, phases: [{ label: 'w', target: remote }] });
    expect(outcome.counts).toMatchObject({ create: 1, update: 1, skip: 1, failed: 0 });
    expect(remote.calls).toEqual([]);
    expect(ledger.plans.get(plan.planId)?.item_count).toBe(3);
  });

  it('tallies an apply from the acknowledged writes: failures count as failed, not as done', async () => {
    remote.fail('create', 'B', 422);
    const plan = composePlan('tool', [planRecords([{ key: 'A', name: 'a' }, { key: 'B', name: 'b' }], mapper({}), { system: 'FAKE' })]);
    const outcome = await executePlan({ ctx: ctx(), plan, dryRun: false, planId: plan.planId, phases: [{ label: 'w', target: remote }] });
    expect(outcome.counts).toMatchObject({ create: 1, failed: 1 });
    expect(outcome.failures).toEqual([expect.objectContaining({ key: 'B' })]);
    expect(outcome.ids.get('project')?.get('A')).toBe(remote.idsOf('A')[0]);
  });

  it('refuses a plan id that is not the current plan (stale)', async () => {
    const plan = composePlan('tool', [planRecords([{ key: 'A', name: 'a' }], mapper({}), { system: 'FAKE' })]);
    await expect(executePlan({ ctx: ctx(), plan, dryRun: false, planId: 'f'.repeat(32), phases: [{ label: 'w', target: remote }] })).rejects.toMatchObject({ kind: 'stale_plan' });
    expect(remote.calls).toEqual([]);
  });
});

describe('samplePlan and applyCall', () => {
  it('samples at most 20 records, failures first, then skips, writes, unchanged', () => {
    const rows = Array.from({ length: 30 }, (_, i) => ({ key: `K${i}`, name: 'n', bad: i === 29 }));
    const { items } = planRecords(rows, mapper({ K0: { id: 'T-0', name: 'n' } }), { system: 'FAKE' });
    const sample = samplePlan(items, { key: 'job_number', id: 'innergy_id' }, new Map([['K5', 'T-5']]), [{ key: 'K7', error: 'boom' }]);
    expect(sample).toHaveLength(20);
    expect(sample[0]).toMatchObject({ job_number: 'K7', action: 'failed', reason: 'boom' });
    expect(sample[1]).toMatchObject({ job_number: 'K29', action: 'skip' });
    expect(sample.find((s) => s.job_number === 'K5')?.innergy_id).toBe('T-5');
    expect(sample.some((s) => s.action === 'unchanged')).toBe(false);
  });

  it('writes the apply call an agent can copy', () => {
    expect(applyCall('run_x', { file: '/a.json' }, 'abc')).toBe('run_x {"file": "/a.json", "dry_run": false, "plan_id": "abc"}');
  });
});
