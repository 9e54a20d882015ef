import { describe, expect, it } from 'vitest';
import { formatCsvRow, formatCsvValue, truncate } from '../../../../src/sources/csv/index.js';
import { isBlankRecord, unwrapSpacedQuotes } from '../../../../src/sources/csv/text.js';

describe('formatCsvValue / formatCsvRow', () => {
  it('quotes values with commas, quotes, line breaks or edge spaces and doubles inner quotes', () => {
    expect(formatCsvValue('plain')).toBe('plain');
    expect(formatCsvValue('a,b')).toBe('"a,b"');
    expect(formatCsvValue('12" drawer')).toBe('"12"" drawer"');
    expect(formatCsvValue('two\nlines')).toBe('"two\nlines"');
    expect(formatCsvValue(' padded')).toBe('" padded"');
    expect(formatCsvRow(['J-1', 'Smith, Jane', ''])).toBe('J-1,"Smith, Jane",');
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
