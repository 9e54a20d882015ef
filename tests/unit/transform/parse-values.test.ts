import { describe, expect, it } from 'vitest';
import { INVALID, parseBoolean, parseDate, parseMoney, parseNumber } from '../../../src/transform/parse-values.js';

describe('parseDate', () => {
  it('reads ISO dates, with or without a time part', () => {
    expect(parseDate('2024-01-15')).toBe('2024-01-15');
    expect(parseDate(' 2024-01-15T08:30:00Z ')).toBe('2024-01-15');
    expect(parseDate('2024-01-15 00:00:00')).toBe('2024-01-15');
  });

  it('reads US dates MM/DD/YYYY and M/D/YYYY', () => {
    expect(parseDate('01/15/2024')).toBe('2024-01-15');
    expect(parseDate('1/5/2024')).toBe('2024-01-05');
    expect(parseDate('12/31/2023 0:00')).toBe('2023-12-31');
  });

  it('returns null for an empty cell', () => {
    expect(parseDate('')).toBeNull();
    expect(parseDate('   ')).toBeNull();
  });

  it('returns INVALID for impossible days, two-digit years and text', () => {
    for (const text of ['2024-02-30', '2023-02-29', '13/01/2024', '1/32/2024', '1/15/24', 'TBD', '2024-1-5', '2024-01-15x', '15.01.2024']) {
      expect(parseDate(text), text).toBe(INVALID);
    }
    expect(parseDate('2024-02-29')).toBe('2024-02-29');
  });
});

describe('parseMoney', () => {
  it('reads dollar amounts with thousands separators', () => {
    expect(parseMoney('$1,234.50')).toBe(1234.5);
    expect(parseMoney('1,234.50')).toBe(1234.5);
    expect(parseMoney('1234.5')).toBe(1234.5);
    expect(parseMoney(' $ 23,300.00 ')).toBe(23300);
    expect(parseMoney('1,234,567.891')).toBe(1234567.891);
    expect(parseMoney('.5')).toBe(0.5);
  });

  it('reads negative amounts written with a minus sign or accounting parentheses', () => {
    expect(parseMoney('-$5')).toBe(-5);
    expect(parseMoney('$-5.25')).toBe(-5.25);
    expect(parseMoney('(1,234.50)')).toBe(-1234.5);
    expect(parseMoney('($12.00)')).toBe(-12);
  });

  it('returns null for an empty cell and INVALID for anything else', () => {
    expect(parseMoney('')).toBeNull();
    for (const text of ['abc', '$', '13,01.50', '1,2345', ',123', '1.2.3', '--5', '(-5)', '1e5', '5 $', '$$5']) {
      expect(parseMoney(text), text).toBe(INVALID);
    }
  });

  it('gives exactly the number Number() gives for the same digits', () => {
    for (let i = 0; i < 2000; i++) {
      const text = (Math.random() * 10 ** (1 + (i % 12))).toFixed(i % 4);
      expect(parseMoney(text)).toBe(Number(text));
    }
  });
});

describe('parseNumber', () => {
  it('does not accept a currency sign', () => {
    expect(parseNumber('1,240')).toBe(1240);
    expect(parseNumber('$5')).toBe(INVALID);
  });
});

describe('parseBoolean', () => {
  it('reads Y/N, yes/no, true/false, 1/0 and Active/Inactive in any case', () => {
    for (const text of ['Y', 'yes', 'TRUE', '1', 'Active', 't']) expect(parseBoolean(text), text).toBe(true);
    for (const text of ['n', 'No', 'false', '0', 'INACTIVE', 'F']) expect(parseBoolean(text), text).toBe(false);
    expect(parseBoolean('')).toBeNull();
    expect(parseBoolean('maybe')).toBe(INVALID);
  });
});
