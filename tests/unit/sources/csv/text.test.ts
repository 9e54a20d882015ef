import { describe, expect, it } from 'vitest';
import { formatCsvRow, truncate } from '../../../../src/sources/csv/index.js';
import { isBlankRecord, unwrapSpacedQuotes } from '../../../../src/sources/csv/text.js';

describe('formatCsvRow', () => {
  it('re-serialises a source row verbatim, quoting only where needed and leaving formulas as they were', () => {
    expect(formatCsvRow(['J-1', 'Smith, Jane', ''])).toBe('J-1,"Smith, Jane",');
    expect(formatCsvRow(['=1+1', 'x'])).toBe('=1+1,x');
  });
});

describe('isBlankRecord', () => {
  it('is true for blank lines and rows of bare commas only', () => {
    expect(isBlankRecord([''])).toBe(true);
    expect(isBlankRecord(['  ', '', '\t'])).toBe(true);
    expect(isBlankRecord(['', 'x'])).toBe(false);
  });
});

describe('unwrapSpacedQuotes', () => {
  it('removes the quotes csv-parse keeps when stray spaces follow a quoted value', () => {
    expect(unwrapSpacedQuotes('"Smith, Jane"  ')).toBe('Smith, Jane');
  });

  it('leaves other values starting with a quote alone', () => {
    expect(unwrapSpacedQuotes('"12" drawer"')).toBe('"12" drawer"');
    expect(unwrapSpacedQuotes('"quoted"')).toBe('"quoted"');
  });
});

describe('truncate', () => {
  it('cuts long text and says how much was left out', () => {
    expect(truncate('abcdef', 3)).toBe('abc… (3 more characters)');
    expect(truncate('abc', 3)).toBe('abc');
  });
});
