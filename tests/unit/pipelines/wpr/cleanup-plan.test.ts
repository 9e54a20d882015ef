/** The duplicate cleanup plan keeps the highest id, moves children off doomed work packages, and deletes the rest. */
import { describe, expect, it } from 'vitest';
import { planCleanup, type CleanupCandidate } from '../../../../src/pipelines/wpr/cleanup-plan.js';

const epic = (id: number, orderId: string | null, extra: Partial<CleanupCandidate> = {}): CleanupCandidate => ({
  id: String(id), role: 'epic', project: 'flowone', lockVersion: 0, subject: `E ${orderId}`, parentId: null, orderId, lineKey: null, ...extra,
});
const story = (id: number, parent: number | null, lineKey: string | null, extra: Partial<CleanupCandidate> = {}): CleanupCandidate => ({
  id: String(id), role: 'story', project: 'flowone', lockVersion: 1, subject: `S ${lineKey}`, parentId: parent === null ? null : String(parent), orderId: 'WPO1', lineKey, ...extra,
});

describe('planCleanup', () => {
  it('finds nothing to do when every key is held once', () => {
    expect(planCleanup([epic(1, 'WPO1'), story(2, 1, 'WPO1-1'), epic(3, 'WPO2')])).toEqual({ groups: [], reparent: [], deletions: [] });
  });

  it('keeps the newest epic of an order and moves the doomed epic\'s stories under it before deleting it', () => {
    const plan = planCleanup([epic(1, 'WPO1'), story(2, 1, 'WPO1-1'), story(3, 1, 'WPO1-2'), epic(10, 'WPO1'), story(11, 10, 'WPO1-3')]);
    expect(plan.groups).toEqual([{ role: 'epic', project: 'flowone', key: 'WPO1', basis: 'WPR Order ID', kept: '10', duplicates: ['1'] }]);
    expect(plan.reparent.map((r) => [r.id, r.from, r.to])).toEqual([
      ['2', '1', '10'],
      ['3', '1', '10'],
    ]);
    expect(plan.deletions).toEqual([{ id: '1', role: 'epic', project: 'flowone', key: 'WPO1', kept: '10' }]);
  });

  it('deletes duplicate stories by line key (keeping the highest id), stories before epics', () => {
    const plan = planCleanup([epic(1, 'WPO1'), story(2, 1, 'WPO1-1'), epic(5, 'WPO1'), story(6, 5, 'WPO1-1'), story(7, 5, 'WPO1-2')]);
    expect(plan.groups.map((g) => [g.role, g.key, g.kept, g.duplicates])).toEqual([
      ['epic', 'WPO1', '5', ['1']],
      ['story', 'WPO1-1', '6', ['2']],
    ]);
    expect(plan.reparent).toEqual([]);
    expect(plan.deletions.map((d) => `${d.role}#${d.id}`)).toEqual(['story#2', 'epic#1']);
  });

  it('groups stories without a line key by subject under the same parent once their epics are merged', () => {
    const plan = planCleanup([
      epic(1, 'WPO1'),
      story(2, 1, null, { subject: 'Cable' }),
      epic(3, 'WPO1'),
      story(4, 3, null, { subject: 'cable ' }),
      story(5, 3, null, { subject: 'Other' }),
    ]);
    expect(plan.groups.find((g) => g.role === 'story')).toEqual({ role: 'story', project: 'flowone', key: '"cable" under #3', basis: 'subject under the same parent', kept: '4', duplicates: ['2'] });
    expect(plan.deletions.map((d) => d.id)).toEqual(['2', '1']);
  });

  it('moves any other child (a task under a doomed story) to the kept one, and keeps projects apart', () => {
    const task: CleanupCandidate = { ...story(9, 2, null), role: 'other', subject: 'Task' };
    const plan = planCleanup([epic(1, 'WPO1'), story(2, 1, 'WPO1-1'), story(3, 1, 'WPO1-1'), task, epic(4, 'WPO1', { project: 'niam' })]);
    expect(plan.groups.map((g) => [g.role, g.kept])).toEqual([['story', '3']]);
    expect(plan.reparent.map((r) => [r.id, r.role, r.to])).toEqual([['9', 'other', '3']]);
  });

  it('ignores epics that carry no order id', () => {
    expect(planCleanup([epic(1, null), epic(2, null)]).groups).toEqual([]);
  });
});
