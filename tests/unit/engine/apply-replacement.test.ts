/** An update that finds its record gone may answer a replacement id: the engine records it and hands it to the children. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPhases, type ApplyItem } from '../../../src/engine/apply.js';
import { contentHash } from '../../../src/engine/canonical-hash.js';
import { Ledger } from '../../../src/engine/ledger/ledger.js';
import { ProgressTracker } from '../../../src/engine/progress.js';
import type { Target } from '../../../src/engine/target.js';
import { getLogger, setLogLevel } from '../../../src/logging/logger.js';
import { makeTempDir } from './helpers/temp.js';

let tmp: ReturnType<typeof makeTempDir>;
let ledger: Ledger;
beforeEach(() => {
  setLogLevel('error');
  tmp = makeTempDir();
  ledger = Ledger.open(tmp.dir);
});
afterEach(() => {
  ledger.close();
  tmp.cleanup();
});

type Payload = { key: string };
const records = new Map<string, { key: string; parentId?: string }>();

function target(kind: string): Target<Payload> {
  return {
    system: 'tree',
    kind,
    scope: 'http://tree',
    check: async () => ({ ok: true, findings: [] }),
    lookup: async () => new Map(),
    create: async (payload, { parentId }) => {
      const id = `${kind}-${records.size + 1}`;
      records.set(id, { key: payload.key, ...(parentId ? { parentId } : {}) });
      return id;
    },
    update: async (id, payload, { parentId }) => {
      if (records.has(id)) {
        records.set(id, { key: payload.key, ...(parentId ? { parentId } : {}) });
        return;
      }
      const replacement = `${kind}-${records.size + 1}`;
      records.set(replacement, { key: payload.key });
      return replacement;
    },
  };
}

const item = (key: string, op: ApplyItem<Payload>['op'], targetId: string | null, parent?: string): ApplyItem<Payload> => ({
  key, op, targetId, payload: { key }, contentHash: contentHash({ key }), parent: parent ? { kind: 'epic', key: parent } : undefined,
});

describe('update answering a replacement id', () => {
  it('records the replacement as the identity and gives it to the children', async () => {
    records.clear();
    records.set('story-0', { key: 'S-1', parentId: 'epic-gone' });
    const ctx = { runId: 'r-1', ledger, signal: new AbortController().signal, progress: new ProgressTracker(0), logger: getLogger() };
    const reports = await applyPhases(ctx, [
      { label: 'epics', target: target('epic'), items: [item('E-1', 'update', 'epic-gone')] },
      { label: 'stories', target: target('story'), items: [item('S-1', 'update', 'story-0', 'E-1')] },
    ]);
    const replacement = reports[0]!.ids.get('E-1')!;
    expect(replacement).not.toBe('epic-gone');
    expect(records.get('story-0')!.parentId).toBe(replacement);
    expect(ledger.identities.get({ system: 'tree', scope: 'http://tree', kind: 'epic' }, 'E-1')!.target_id).toBe(replacement);
  });
});

describe('ProgressTracker.relabel', () => {
  it('changes what the run is doing without resetting the counts', () => {
    const progress = new ProgressTracker(0);
    progress.start('writing stories', 10);
    progress.advance(3);
    progress.relabel('[2/5] order WPO1: epics=1, stories=3');
    expect(progress.snapshot()).toMatchObject({ phase: '[2/5] order WPO1: epics=1, stories=3', done: 3, total: 10 });
  });
});
