import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { csvDocument, csvLine, CsvWriter, neutraliseFormula } from '../../../src/outputs/csv-writer.js';
import { OutputFile } from '../../../src/outputs/output-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('csvLine', () => {
  it('quotes values with commas, quotes, line breaks or edge spaces and doubles inner quotes', () => {
    expect(csvLine(['plain'])).toBe('plain');
    expect(csvLine(['a,b'])).toBe('"a,b"');
    expect(csvLine(['12" drawer'])).toBe('"12"" drawer"');
    expect(csvLine(['two\nlines'])).toBe('"two\nlines"');
    expect(csvLine([' padded'])).toBe('" padded"');
    expect(csvLine(['a', null, undefined, 3, true])).toBe('a,,,3,true');
  });

  it.each([
    ['=HYPERLINK("http://evil","click")', `"'=HYPERLINK(""http://evil"",""click"")"`],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['\tTAB', "'\tTAB"],
    ['\rCR', `"'\rCR"`],
  ])('neutralises the formula %j with a leading quote', (value, expected) => {
    expect(csvLine([value])).toBe(expected);
  });

  it('keeps numbers as numbers and text that does not start a formula as it was', () => {
    expect(csvLine([-12.5, 'a=b', 'x-1'])).toBe('-12.5,a=b,x-1');
    expect(neutraliseFormula('Smith')).toBe('Smith');
  });

  it('round-trips through a CSV parser: the neutralised text reads back with its leading quote only', () => {
    const text = csvDocument(['a', 'b'], [['=cmd|calc', 'x, "y"']]);
    expect(parse(text)).toEqual([['a', 'b'], ["'=cmd|calc", 'x, "y"']]);
  });
});

describe('CsvWriter', () => {
  it('writes the header then rows given as arrays or records, through an atomic output file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csvw-'));
    dirs.push(dir);
    const out = await OutputFile.create(path.join(dir, 'out.csv'));
    const writer = new CsvWriter(out, ['sku', 'name'] as const, '\r\n');
    writer.write(['A-1', 'Panel']);
    writer.write({ name: '@risk', sku: 'B-2' });
    await out.commit();
    expect(fs.readFileSync(path.join(dir, 'out.csv'), 'utf8')).toBe("sku,name\r\nA-1,Panel\r\nB-2,'@risk\r\n");
    expect(writer.written).toBe(2);
  });
});
