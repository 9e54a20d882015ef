import { describe, expect, it } from 'vitest';
import { SourceRowCollector } from '../../../../src/pipelines/acc/source-rows.js';
import type { AccSourceRow, ColumnInfo } from '../../../../src/targets/warehouse/types.js';

const U1 = '66c8a7aa-0b1c-4d2e-8f90-123456789abc';
const U2 = '0e7e8318-837a-5542-b84a-bc2232e690b9';
const row = (over: Partial<AccSourceRow> = {}): AccSourceRow => ({ issueKey: `ACC:${over.uuid ?? U1}`, number: '924', uuid: U1, projectId: 'b.p1', title: 'Clash', ...over });
const columns = (limits: Record<string, number | null> = {}) =>
  new Map<string, ColumnInfo>(Object.entries(limits).map(([name, maxLength]) => [name, { name, dataType: 'character varying', maxLength, isText: true }]));

describe('source rows of the ACC view', () => {
  it('turns a mapped row into dim.issue values with its display id', () => {
    const collector = new SourceRowCollector(columns(), true);
    collector.add(row({ number: ' 0924 ', projectId: ' b.p1 ' }));
    expect(collector.finish()).toEqual({
      read: 1,
      values: [{ sourceIssueId: U1, sourceProjectId: 'b.p1', issueBk: '924', title: 'Clash', displayId: 'ACC-924' }],
      rejects: [],
      duplicates: 0,
    });
  });

  it('keeps the UUID as the source gives it (the seed wrote str(acc_uuid))', () => {
    const collector = new SourceRowCollector(columns(), true);
    collector.add(row({ uuid: U1.toUpperCase() }));
    expect(collector.finish().values[0]!.sourceIssueId).toBe(U1.toUpperCase());
  });

  it.each([
    [{ uuid: null }, 'acc_issue_uuid is empty'],
    [{ uuid: 'not-a-uuid' }, 'acc_issue_uuid "not-a-uuid" is not a UUID'],
    [{ number: null }, 'acc_issue_number is empty'],
    [{ number: '12a' }, 'acc_issue_number "12a" is not a positive whole number'],
    [{ number: '0' }, 'acc_issue_number "0" is not a positive whole number'],
    [{ projectId: ' ' }, 'source_project_id is empty'],
  ])('rejects a row with %o and goes on with the others', (bad, reason) => {
    const collector = new SourceRowCollector(columns(), true);
    collector.add(row({ ...bad, issueKey: 'bad' }));
    collector.add(row({ uuid: U2, issueKey: 'good' }));
    const result = collector.finish();
    expect(result.values.map((v) => v.sourceIssueId)).toEqual([U2]);
    expect(result.rejects).toHaveLength(1);
    expect(result.rejects[0]).toMatchObject({ issue_key: 'bad' });
    expect(result.rejects[0]!.reason).toContain(reason);
  });

  it('rejects a value longer than its dim.issue column holds, naming the column and limits', () => {
    const collector = new SourceRowCollector(columns({ title: 10 }), true);
    collector.add(row({ title: 'A title far longer than ten' }));
    expect(collector.finish().rejects[0]!.reason).toBe('title is 27 characters long; dim.issue.title holds at most 10');
  });

  it('counts characters, not UTF-16 units, against a column limit', () => {
    const collector = new SourceRowCollector(columns({ title: 3 }), true);
    collector.add(row({ title: '✓😀✓' }));
    expect(collector.finish().rejects).toEqual([]);
  });

  it('keeps one of exact duplicate rows and counts the rest', () => {
    const collector = new SourceRowCollector(columns(), true);
    collector.add(row());
    collector.add(row());
    const result = collector.finish();
    expect(result.values).toHaveLength(1);
    expect(result.duplicates).toBe(1);
  });

  it('rejects every row of a key that appears with different values', () => {
    const collector = new SourceRowCollector(columns(), true);
    collector.add(row({ number: '1' }));
    collector.add(row({ number: '2' }));
    collector.add(row({ uuid: U2 }));
    const result = collector.finish();
    expect(result.values.map((v) => v.sourceIssueId)).toEqual([U2]);
    expect(result.rejects).toHaveLength(2);
    expect(result.rejects[0]!.reason).toMatch(/appears 2 times in project b\.p1 with different values \(numbers 1, 2\)/);
  });

  it('treats keys differing only in case as one key where the warehouse compares case-insensitively', () => {
    const exact = new SourceRowCollector(columns(), true, 'exact');
    const folded = new SourceRowCollector(columns(), true, 'case-insensitive');
    for (const collector of [exact, folded]) {
      collector.add(row());
      collector.add(row({ uuid: U1.toUpperCase() }));
    }
    expect(exact.finish().values).toHaveLength(2);
    expect(folded.finish().values).toHaveLength(1);
  });

  it('orders values by issue id, then project (the unique index order)', () => {
    const collector = new SourceRowCollector(columns(), true);
    collector.add(row({ uuid: U1, projectId: 'b.p2' }));
    collector.add(row({ uuid: U1, projectId: 'b.p1' }));
    collector.add(row({ uuid: U2, projectId: 'b.p2' }));
    expect(collector.finish().values.map((v) => `${v.sourceProjectId}/${v.sourceIssueId.slice(0, 2)}`)).toEqual(['b.p2/0e', 'b.p1/66', 'b.p2/66']);
  });
});
