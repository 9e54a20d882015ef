/** The backfill's inputs: the CSV source with the seed's rules, repeated issues, and the group mapping file. */
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, ValidationError } from '../../../../src/engine/errors.js';
import { collectRows } from '../../../../src/pipelines/devrev/collect.js';
import { loadGroupMapping } from '../../../../src/pipelines/devrev/group-mapping.js';
import { readBackfillCsv } from '../../../../src/pipelines/devrev/read-csv.js';
import type { InvalidRow } from '../../../../src/pipelines/devrev/rows.js';
import { tempDir } from '../../sources/csv/helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function collect(name: string, content: string | Buffer) {
  const invalid: InvalidRow[] = [];
  const result = await collectRows(readBackfillCsv(tmp.write(name, content)), (row) => invalid.push(row));
  return { ...result, invalidRows: invalid };
}

describe('backfill CSV', () => {
  it('reads the seed format, creator_group optional', async () => {
    const result = await collect('seed.csv', 'issue_id,creator_user_id,assigned_group,creator_group\nISS-1,DEVU-1,GROUP-A,\nISS-2,DEVU-2,GROUP-B,Platform\n');
    expect(result.read).toBe(2);
    expect(result.invalid).toBe(0);
    expect(result.rows.map((r) => [r.key, r.creatorUserId, r.assignedGroup, r.creatorGroup, r.source.line])).toEqual([
      ['ISS-1', 'DEVU-1', 'GROUP-A', undefined, 2],
      ['ISS-2', 'DEVU-2', 'GROUP-B', 'Platform', 3],
    ]);
  });

  it('handles a BOM, CRLF, quoting, stray spaces and header aliases', async () => {
    const content = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(' Issue ID , Creator ,Assigned Group\r\n iss-7 , "DEVU-3" ,"Ops, EU"\r\n\r\n')]);
    const result = await collect('bom.csv', content);
    expect(result.rows).toHaveLength(1);
    expect(result.rows[0]).toMatchObject({ issueId: 'iss-7', key: 'ISS-7', creatorUserId: 'DEVU-3', assignedGroup: 'Ops, EU', creatorGroup: undefined });
  });

  it('reports each invalid row with its line and reason, and goes on', async () => {
    const result = await collect(
      'bad.csv',
      [
        'issue_id,creator_user_id,assigned_group,creator_group',
        ',DEVU-1,A,',
        'ISS-2,,A,',
        'not an id,DEVU-1,A,',
        'ISS-4,DEVU 4,A,',
        'ISS-5,DEVU-5,A,,extra',
        'ISS-6,DEVU-6,A,',
      ].join('\n'),
    );
    expect(result.rows.map((r) => r.key)).toEqual(['ISS-6']);
    expect(result.invalidRows.map((r) => [r.source.line, r.reason])).toEqual([
      [2, 'issue_id is empty'],
      [3, 'creator_user_id is empty'],
      [4, expect.stringContaining("issue_id 'not an id' is not a DevRev issue id")],
      [5, expect.stringContaining('contains spaces')],
      [6, expect.stringContaining('5 values but the header has 4 columns')],
    ]);
  });

  it('accepts DevRev DONs as issue ids', async () => {
    const result = await collect('don.csv', 'issue_id,creator_user_id,assigned_group\ndon:core:dvrv-us-1:devo/x:issue/9,DEVU-1,A\n');
    expect(result.rows[0]?.key).toBe('don:core:dvrv-us-1:devo/x:issue/9');
  });

  it('refuses a file without a required column before reading any row', async () => {
    await expect(collect('nohdr.csv', 'issue_id,creator_user_id\nISS-1,DEVU-1\n')).rejects.toThrow(ValidationError);
  });

  it('skips an exact repeat and rejects the same issue with other values', async () => {
    const result = await collect('dup.csv', 'issue_id,creator_user_id,assigned_group,creator_group\nISS-1,DEVU-1,A,\niss-1,DEVU-1,A,\nISS-1,DEVU-2,A,\n');
    expect(result.rows).toHaveLength(1);
    expect(result.duplicates.map((d) => [d.row.source.line, d.firstLine])).toEqual([[3, 2]]);
    expect(result.invalidRows.map((r) => [r.source.line, r.reason])).toEqual([[4, expect.stringContaining('already appears on line 2')]]);
  });
});

describe('group mapping file', () => {
  it('reads CSV with header aliases, matching users like issue ids', async () => {
    const mapping = await loadGroupMapping(tmp.write('map.csv', 'user,group\ndevu-1,Platform\nDEVU-2, Billing \n'));
    expect([...mapping]).toEqual([
      ['DEVU-1', 'Platform'],
      ['DEVU-2', 'Billing'],
    ]);
  });

  it('reads JSON, flat or under "mappings"', async () => {
    expect([...(await loadGroupMapping(tmp.write('flat.json', '{"DEVU-1": "Platform"}')))]).toEqual([['DEVU-1', 'Platform']]);
    expect([...(await loadGroupMapping(tmp.write('nested.json', '{"mappings": {"devu-2": "Ops"}}')))]).toEqual([['DEVU-2', 'Ops']]);
  });

  it('names the file and line of a bad entry', async () => {
    await expect(loadGroupMapping(tmp.write('twice.csv', 'creator_user_id,creator_group\nDEVU-1,A\nDEVU-1,B\n'))).rejects.toThrow(/twice\.csv line 3: DEVU-1 is already mapped to 'A' on line 2/);
    await expect(loadGroupMapping(tmp.write('empty.csv', 'creator_user_id,creator_group\nDEVU-1,\n'))).rejects.toThrow(/line 2: creator_group is empty/);
    const error = await loadGroupMapping(tmp.write('bad.json', '{"DEVU-1": ""}')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect(String((error as Error).message)).toMatch(/bad\.json line 1/);
  });
});
