/** Group resolution and the backfill planner: pure functions of rows, mapping, directory and current values. */
import { describe, expect, it } from 'vitest';
import { planRows } from '../../../../src/pipelines/devrev/plan-rows.js';
import { pickGroup, resolveCreatorGroup } from '../../../../src/pipelines/devrev/resolve-group.js';
import type { BackfillRow } from '../../../../src/pipelines/devrev/rows.js';
import type { DirectoryGroup, GroupDirectory } from '../../../../src/targets/devrev/groups.js';
import type { IssueIndex, IssueState } from '../../../../src/targets/devrev/target.js';

let line = 1;
function row(issue: string, creator: string, assigned = 'Unused', creatorGroup?: string): BackfillRow {
  line += 1;
  return { issueId: issue, key: issue.toUpperCase(), creatorUserId: creator, assignedGroup: assigned, creatorGroup, source: { file: 'in.csv', line } };
}

const ops: DirectoryGroup = { id: 'don:identity:x:group/1', displayId: 'GRP-1', name: 'Ops' };
const billing: DirectoryGroup = { id: 'don:identity:x:group/2', displayId: 'GRP-2', name: 'billing' };
const platform: DirectoryGroup = { id: 'don:identity:x:group/3', displayId: 'GRP-3', name: 'Platform' };
const directory: GroupDirectory = {
  groups: [ops, billing, platform],
  skippedDefault: 1,
  groupsOf: (user) => ({ 'DEVU-1': [ops], 'DEVU-2': [ops, platform, billing] })[user.toUpperCase()] ?? [],
};

function issues(...states: Array<[string, string | undefined, string?]>): IssueIndex {
  const index: IssueIndex = new Map();
  for (const [key, value, creator] of states) {
    const state: IssueState = { id: `don:core:x:issue/${key}`, displayId: key, creatorKeys: [creator ?? 'DEVU-1'], value };
    index.set(key, state);
  }
  return index;
}

describe('resolveCreatorGroup', () => {
  const mapping = new Map([['DEVU-1', 'Mapped']]);

  it("prefers the row's creator_group, then the mapping file, then DevRev", () => {
    expect(resolveCreatorGroup(row('ISS-1', 'DEVU-1', 'A', 'Given'), { mapping, directory })).toMatchObject({ value: 'Given', via: 'row' });
    expect(resolveCreatorGroup(row('ISS-1', 'devu-1'), { mapping, directory })).toMatchObject({ value: 'Mapped', via: 'mapping' });
    expect(resolveCreatorGroup(row('ISS-1', 'DEVU-1'), { directory })).toMatchObject({ value: 'Ops', via: 'devrev', candidates: 1 });
  });

  it('is pending without the directory, and unresolved for a user in no group', () => {
    expect(resolveCreatorGroup(row('ISS-1', 'DEVU-1'), {})).toEqual({ kind: 'pending' });
    const unresolved = resolveCreatorGroup(row('ISS-1', 'DEVU-9'), { directory });
    expect(unresolved).toMatchObject({ kind: 'unresolved', reason: expect.stringContaining('DEVU-9') });
  });

  it('picks the assigned group among several, else the first by name', () => {
    expect(pickGroup([ops, platform, billing], 'platform').name).toBe('Platform');
    expect(pickGroup([ops, platform, billing], 'GRP-1').name).toBe('Ops');
    expect(pickGroup([ops, platform, billing], 'Elsewhere').name).toBe('billing');
    expect(resolveCreatorGroup(row('ISS-1', 'DEVU-2', 'Platform'), { directory })).toMatchObject({ value: 'Platform', candidates: 3 });
  });
});

describe('planRows', () => {
  const resolve = (r: BackfillRow) => resolveCreatorGroup(r, { directory });

  it('updates issues that lack the value and leaves those holding it unchanged', () => {
    const { planned } = planRows([row('ISS-1', 'DEVU-1'), row('ISS-2', 'DEVU-1')], resolve, issues(['ISS-1', undefined], ['ISS-2', 'Ops']));
    expect(planned.map((p) => [p.row.key, p.action, p.value, p.current, p.targetId])).toEqual([
      ['ISS-1', 'update', 'Ops', null, 'don:core:x:issue/ISS-1'],
      ['ISS-2', 'unchanged', 'Ops', 'Ops', 'don:core:x:issue/ISS-2'],
    ]);
  });

  it('skips with a reason: unresolved groups, unknown issues, and different values unless overwrite', () => {
    const rows = [row('ISS-1', 'DEVU-9'), row('ISS-404', 'DEVU-1'), row('ISS-3', 'DEVU-1')];
    const index = issues(['ISS-1', undefined], ['ISS-3', 'Legacy']);
    const { planned } = planRows(rows, resolve, index);
    expect(planned.map((p) => [p.action, p.reason])).toEqual([
      ['skip', expect.stringContaining('no DevRev group')],
      ['skip', expect.stringContaining('ISS-404 was not found')],
      ['skip', expect.stringContaining("already holds creator group 'Legacy'")],
    ]);
    expect(planRows([rows[2]!], resolve, index, { overwrite: true }).planned[0]?.action).toBe('update');
  });

  it('counts users in several groups, resolution sources and creator mismatches', () => {
    const rows = [row('ISS-1', 'DEVU-2'), row('ISS-2', 'DEVU-2'), row('ISS-3', 'DEVU-1', 'A', 'Given'), row('ISS-4', 'DEVU-1')];
    const { notes } = planRows(rows, resolve, issues(['ISS-1', undefined, 'DEVU-2'], ['ISS-2', undefined, 'DEVU-2'], ['ISS-3', undefined], ['ISS-4', undefined, 'DEVU-7']));
    expect(notes).toEqual({ creatorMismatch: 1, multiGroupUsers: 1, resolvedVia: { row: 1, mapping: 0, devrev: 3 } });
  });

  it('gives a row the same content hash whenever it wants the same value', () => {
    const first = planRows([row('ISS-1', 'DEVU-1')], resolve, issues(['ISS-1', undefined])).planned[0]!;
    const again = planRows([row('ISS-1', 'DEVU-1')], resolve, issues(['ISS-1', 'Ops'])).planned[0]!;
    expect(again.contentHash).toBe(first.contentHash);
  });
});
