import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutputFile } from '../../../../src/outputs/output-file.js';
import { csvLine } from '../../../../src/outputs/csv-writer.js';
import { RejectsWriter } from '../../../../src/outputs/rejects-file.js';
import { UnmappedCounter, Warnings } from '../../../../src/transform/warnings.js';
import { readRejects, workspace, type Workspace } from './helpers.js';

let ws: Workspace;
beforeEach(() => {
  ws = workspace();
});
afterEach(() => ws.cleanup());

describe('RejectsWriter', () => {
  it('writes entity,file,line,reason,raw rows, counts per entity and keeps the first 20 as samples', async () => {
    const out = await OutputFile.create(path.join(ws.outputDir, 'rejects_2024-01-15.csv'));
    const rejects = new RejectsWriter(out);
    for (let i = 0; i < 25; i++) rejects.add({ entity: 'projects', file: 'p.csv', line: i + 2, reason: 'missing Job Number', raw: `,Name ${i},"a, b"` });
    rejects.add({ entity: 'work_orders', file: 'w.csv', line: 3, reason: 'job number J-9 is not in p.csv', raw: 'WO-1,J-9' });
    await out.commit();
    const rows = readRejects(out.file);
    expect(rows[0]).toEqual(['entity', 'file', 'line', 'reason', 'raw']);
    expect(rows[1]).toEqual(['projects', 'p.csv', '2', 'missing Job Number', ',Name 0,"a, b"']);
    expect(rows).toHaveLength(27);
    expect(rejects.count('projects')).toBe(25);
    expect(rejects.total).toBe(26);
    expect(rejects.samples).toHaveLength(20);
  });

  it('writes just the header when nothing is rejected', async () => {
    const out = await OutputFile.create(path.join(ws.outputDir, 'rejects.csv'));
    new RejectsWriter(out);
    await out.commit();
    expect(fs.readFileSync(out.file, 'utf8')).toBe('entity,file,line,reason,raw\n');
  });

  it('quotes fields only when needed', () => {
    expect(csvLine(['plain'])).toBe('plain');
    expect(csvLine(['a "b", c'])).toBe('"a ""b"", c"');
    expect(csvLine([' edge '])).toBe('" edge "');
  });
});

describe('Warnings', () => {
  it('keeps at most 50, run-level ones first, then says how many more there were', () => {
    const warnings = new Warnings();
    for (let i = 0; i < 70; i++) warnings.addRow(`row ${i}`);
    warnings.add('Unknown status value');
    const list = warnings.list();
    expect(list).toHaveLength(51);
    expect(list[0]).toBe('Unknown status value');
    expect(list[1]).toBe('row 0');
    expect(list[50]).toBe('… and 21 more');
    expect(warnings.count).toBe(71);
  });

  it('adds no "more" line when everything fits', () => {
    const warnings = new Warnings();
    warnings.add('a');
    expect(warnings.list()).toEqual(['a']);
  });
});

describe('UnmappedCounter', () => {
  it('counts per value, most frequent first', () => {
    const counter = new UnmappedCounter();
    for (const value of ['In Progress', 'Hold', 'In Progress', 'WIP', 'In Progress', 'Hold']) counter.add(value);
    expect(counter.top()).toEqual([
      ['In Progress', 3],
      ['Hold', 2],
      ['WIP', 1],
    ]);
    expect(counter.toRecord(2)).toEqual({ 'In Progress': 3, Hold: 2 });
  });
});
