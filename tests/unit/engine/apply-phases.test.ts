import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPhases, type ApplyItem } from '../../../src/engine/apply.js';
import { contentHash } from '../../../src/engine/canonical-hash.js';
import { Ledger } from '../../../src/engine/ledger/ledger.js';
import { ProgressTracker } from '../../../src/engine/progress.js';
import { getLogger, setLogLevel } from '../../../src/logging/logger.js';
import { FakeRemote, type Payload } from './helpers/fake-target.js';
import { makeTempDir } from './helpers/temp.js';

let tmp: ReturnType<typeof makeTempDir>;
let ledger: Ledger;
let epics: FakeRemote;
let stories: FakeRemote;
beforeEach(() => {
  setLogLevel('error');
  tmp = makeTempDir();
  ledger = Ledger.open(tmp.dir);
  epics = new FakeRemote('epic');
  stories = new FakeRemote('story', epics.records);
});
afterEach(() => {
  ledger.close();
  tmp.cleanup();
});

const ctx = () => ({ runId: 'r-1', ledger, signal: new AbortController().signal, progress: new ProgressTracker(0), logger: getLogger() });
const item = (key: string, op: ApplyItem<Payload>['op'], targetId: string | null = null, parent?: string): ApplyItem<Payload> => {
  const payload = { key, name: key };
  return { key, op, targetId, payload, contentHash: contentHash(payload), parent: parent ? { kind: 'epic', key: parent } : undefined };
};
const parentOf = (key: string) => [...epics.records.values()].find((r) => r.key === key)?.parentId;
const idOf = (key: string) => [...epics.records].find(([, r]) => r.key === key)?.[0];

describe('applyPhases', () => {
  it('creates parents first and gives each child its parent id', async () => {
    const reports = await applyPhases(ctx(), [
      { label: 'epics', target: epics, items: [item('E-1', 'create'), item('E-2', 'create')] },
      { label: 'stories', target: stories, items: [item('S-1', 'create', null, 'E-1'), item('S-2', 'create', null, 'E-2'), item('S-3', 'create', null, 'E-1')] },
    ]);
    expect(parentOf('S-1')).toBe(idOf('E-1'));
    expect(parentOf('S-2')).toBe(idOf('E-2'));
    expect(parentOf('S-3')).toBe(idOf('E-1'));
    expect(reports.map((r) => r.kind)).toEqual(['epic', 'story']);
    expect(reports[1]!.ids.size).toBe(3);
  });

  it('gives children the id of a parent that needed no write', async () => {
    const existing = epics.seed({ key: 'E-1', name: 'E-1' });
    await applyPhases(ctx(), [
      { label: 'epics', target: epics, items: [item('E-1', 'none', existing)] },
      { label: 'stories', target: stories, items: [item('S-1', 'create', null, 'E-1')] },
    ]);
    expect(parentOf('S-1')).toBe(existing);
    expect(epics.count('create')).toBe(0);
  });

  it('gives children the id of a parent adopted after its create response was lost', async () => {
    epics.fail('create', 'E-1', 'commit-then-lose');
    await applyPhases(ctx(), [
      { label: 'epics', target: epics, items: [item('E-1', 'create')] },
      { label: 'stories', target: stories, items: [item('S-1', 'create', null, 'E-1')] },
    ]);
    expect(epics.idsOf('E-1')).toHaveLength(1);
    expect(parentOf('S-1')).toBe(epics.idsOf('E-1')[0]);
  });

  it('fails a child whose parent failed, without sending it, and the run goes on', async () => {
    epics.fail('create', 'E-1', 422);
    const reports = await applyPhases(ctx(), [
      { label: 'epics', target: epics, items: [item('E-1', 'create'), item('E-2', 'create')] },
      { label: 'stories', target: stories, items: [item('S-1', 'create', null, 'E-1'), item('S-2', 'create', null, 'E-2')] },
    ]);
    expect(stories.count('create', 'S-1')).toBe(0);
    expect(reports[1]!.intents.get('S-1')).toMatchObject({ state: 'failed', error: expect.stringContaining('parent epic E-1') });
    expect(parentOf('S-2')).toBe(idOf('E-2'));
  });

  it('stops before the next phase when a phase meets an error that stops the run', async () => {
    epics.fail('create', 'E-1', 401);
    await expect(
      applyPhases(ctx(), [
        { label: 'epics', target: epics, items: [item('E-1', 'create')] },
        { label: 'stories', target: stories, items: [item('S-1', 'create', null, 'E-1')] },
      ]),
    ).rejects.toMatchObject({ kind: 'auth' });
    expect(stories.count('create')).toBe(0);
  });
});

describe('deletes', () => {
  it('go through intents, record provenance and forget the identity that pointed at the deleted record', async () => {
    const doomed = epics.seed({ key: 'E-1', name: 'dup' });
    const ref = { system: 'fake', scope: 'http://fake.test', kind: 'epic' };
    ledger.identities.upsert(ref, 'E-1', doomed, null, null);
    const [report] = await applyPhases(ctx(), [{ label: 'deleting', target: epics, items: [item('E-1', 'delete', doomed)] }]);
    expect(epics.records.has(doomed)).toBe(false);
    expect(report!.intents.get('E-1')).toMatchObject({ op: 'delete', state: 'acked' });
    expect(ledger.identities.get(ref, 'E-1')).toBeUndefined();
    expect(ledger.provenance.forKey('E-1', 'fake')).toEqual([expect.objectContaining({ action: 'deleted', target_id: doomed })]);
  });

  it('count a record already gone as deleted', async () => {
    const [report] = await applyPhases(ctx(), [{ label: 'deleting', target: epics, items: [item('E-9', 'delete', 'T-gone')] }]);
    expect(report!.intents.get('E-9')?.state).toBe('acked');
  });

  it('run after a re-parenting phase, so children of a deleted duplicate survive under the kept record', async () => {
    const kept = epics.seed({ key: 'E-1', name: 'kept' });
    const doomed = epics.seed({ key: 'E-1#dup', name: 'dup' });
    const child = epics.seed({ key: 'S-1', name: 'child', parentId: doomed });
    await applyPhases(ctx(), [
      { label: 'keeping', target: epics, items: [item('E-1', 'none', kept)] },
      { label: 're-parenting', target: stories, items: [{ ...item('S-1', 'update', child, 'E-1') }] },
      { label: 'deleting', target: epics, items: [item('E-1#dup', 'delete', doomed)] },
    ]);
    expect(epics.records.get(child)?.parentId).toBe(kept);
    expect(epics.records.has(doomed)).toBe(false);
  });
});
