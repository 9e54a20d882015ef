import { describe, expect, it } from 'vitest';
import { CellProblem, cellDate, cellNumber, cellText, excelSerialToIso, resolveCell } from '../../../../src/sources/excel/cell-values.js';
import { INVALID } from '../../../../src/transform/parse-values.js';

describe('resolveCell', () => {
  it('joins the runs of rich text', () => {
    expect(resolveCell({ richText: [{ text: 'Rush', font: { bold: true } }, { text: ' install' }] })).toBe('Rush install');
  });

  it('takes the cached result of a formula, number or text', () => {
    expect(resolveCell({ formula: 'ROUND(1000/3,2)', result: 333.33 })).toBe(333.33);
    expect(resolveCell({ formula: 'UPPER("x")', result: 'X' })).toBe('X');
    expect(resolveCell({ sharedFormula: 'A1', result: 7 })).toBe(7);
  });

  it('reports a formula saved without a result, an error result and an error cell', () => {
    expect(resolveCell({ formula: 'A1*2' })).toBeInstanceOf(CellProblem);
    expect((resolveCell({ formula: 'A1*2' }) as CellProblem).reason).toMatch(/without its calculated value/);
    expect((resolveCell({ formula: '1/0', result: { error: '#DIV/0!' } }) as CellProblem).reason).toMatch(/#DIV\/0!/);
    expect((resolveCell({ formula: 'NA()', result: Number.NaN }) as CellProblem).reason).toMatch(/error/);
    expect((resolveCell({ error: '#N/A' }) as CellProblem).reason).toBe('the cell holds the error #N/A');
  });

  it('keeps plain values and empty cells as they are', () => {
    expect(resolveCell(undefined)).toBeNull();
    expect(resolveCell(null)).toBeNull();
    expect(resolveCell(' text ')).toBe(' text ');
    expect(resolveCell(12.5)).toBe(12.5);
    expect(resolveCell(true)).toBe(true);
  });
});

describe('cellText', () => {
  it('trims text and reads whitespace-only text as empty', () => {
    expect(cellText('  Beta LLC  ')).toBe('Beta LLC');
    expect(cellText('   ')).toBeNull();
  });

  it('writes whole numbers without a decimal part and dates as ISO', () => {
    expect(cellText(1)).toBe('1');
    expect(cellText(1.5)).toBe('1.5');
    expect(cellText(182554)).toBe('182554');
    expect(cellText(new Date(Date.UTC(2024, 0, 15)))).toBe('2024-01-15');
    expect(cellText(false)).toBe('FALSE');
  });
});

describe('excelSerialToIso', () => {
  it('reads serials of the 1900 system, including the days around the phantom 1900-02-29', () => {
    expect(excelSerialToIso(45306)).toBe('2024-01-15');
    expect(excelSerialToIso(1)).toBe('1900-01-01');
    expect(excelSerialToIso(59)).toBe('1900-02-28');
    expect(excelSerialToIso(60)).toBe(INVALID);
    expect(excelSerialToIso(61)).toBe('1900-03-01');
    expect(excelSerialToIso(2958465)).toBe('9999-12-31');
  });

  it('agrees with the calendar for every serial from 1900-03-01 to 2119', () => {
    for (let serial = 61; serial < 80_000; serial += 1) {
      const expected = new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000).toISOString().slice(0, 10);
      if (excelSerialToIso(serial) !== expected) expect(excelSerialToIso(serial)).toBe(expected);
    }
  });

  it('drops the time of day', () => {
    expect(excelSerialToIso(45306.99999)).toBe('2024-01-15');
    expect(excelSerialToIso(45306.5)).toBe('2024-01-15');
  });

  it('reads the 1904 system', () => {
    expect(excelSerialToIso(0, true)).toBe('1904-01-01');
    expect(excelSerialToIso(43844, true)).toBe('2024-01-15');
  });

  it('refuses serials outside Excel range', () => {
    expect(excelSerialToIso(0)).toBe(INVALID);
    expect(excelSerialToIso(-5)).toBe(INVALID);
    expect(excelSerialToIso(3_000_000)).toBe(INVALID);
  });
});

describe('cellDate', () => {
  it('reads real dates, serials, ISO text and US text', () => {
    expect(cellDate(new Date(Date.UTC(2024, 1, 1)))).toBe('2024-02-01');
    expect(cellDate(45323)).toBe('2024-02-01');
    expect(cellDate('2024-03-01')).toBe('2024-03-01');
    expect(cellDate('1/16/2024')).toBe('2024-01-16');
    expect(cellDate('02/15/2024 10:30')).toBe('2024-02-15');
    expect(cellDate(null)).toBeNull();
  });

  it('refuses impossible dates and other values', () => {
    expect(cellDate('13/45/2024')).toBe(INVALID);
    expect(cellDate('soon')).toBe(INVALID);
    expect(cellDate(true)).toBe(INVALID);
  });
});

describe('cellNumber', () => {
  it('reads numbers stored as text with thousands separators', () => {
    expect(cellNumber('1,200')).toBe(1200);
    expect(cellNumber(' 3 ')).toBe(3);
    expect(cellNumber(4)).toBe(4);
  });

  it('reads amounts with currency symbols and accounting parentheses', () => {
    expect(cellNumber('$2,000.00', true)).toBe(2000);
    expect(cellNumber('€12.00', true)).toBe(12);
    expect(cellNumber('12.00 £', true)).toBe(12);
    expect(cellNumber('(1,250.50)', true)).toBe(-1250.5);
  });

  it('refuses words, misplaced separators and currency in a quantity', () => {
    expect(cellNumber('ten')).toBe(INVALID);
    expect(cellNumber('13,01.5')).toBe(INVALID);
    expect(cellNumber('$5')).toBe(INVALID);
    expect(cellNumber(new Date())).toBe(INVALID);
    expect(cellNumber('')).toBeNull();
  });
});
