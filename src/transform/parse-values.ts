/**
 * Parsers for the values PPak exports write as text: dates (ISO and US), money, quantities and
 * yes/no flags. Each returns the parsed value, `null` for an empty cell, or {@link INVALID} when the
 * text is present but unreadable, so the caller decides between a warning and a reject.
 *
 * These run once per cell on million-row exports: no regular expression is compiled per call and
 * the common shapes are recognised by character codes.
 */

/** Returned for a present but unreadable value. */
export const INVALID: unique symbol = Symbol('invalid');

/** A parsed value: the value, `null` for an empty cell, or INVALID. */
export type Parsed<T> = T | null | typeof INVALID;

const ZERO = 48;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digitAt(text: string, index: number): number {
  const code = text.charCodeAt(index) - ZERO;
  return code >= 0 && code <= 9 ? code : -1;
}

/** Reads `count` digits at `index` as a number, or -1 when any is not a digit. */
function digits(text: string, index: number, count: number): number {
  let value = 0;
  for (let i = 0; i < count; i++) {
    const d = digitAt(text, index + i);
    if (d < 0) return -1;
    value = value * 10 + d;
  }
  return value;
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/** The ISO date for a year/month/day, or INVALID when the day does not exist (2024-02-30). */
function isoDate(year: number, month: number, day: number): string | typeof INVALID {
  if (year < 1000 || month < 1 || month > 12 || day < 1) return INVALID;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const last = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
  if (day > last) return INVALID;
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/** True when what follows the date is nothing, or a time part (`T…` or ` …`) that is ignored. */
function endsDate(text: string, index: number): boolean {
  if (index === text.length) return true;
  const code = text.charCodeAt(index);
  return code === 84 /* T */ || code === 32 /* space */;
}

/**
 * Parses a date written `YYYY-MM-DD` (ISO, optionally followed by a time) or `MM/DD/YYYY` /
 * `M/D/YYYY` (US, optionally followed by a time) into `YYYY-MM-DD`.
 * Two-digit years and impossible days are INVALID.
 */
export function parseDate(input: string): Parsed<string> {
  const text = input.trim();
  if (text === '') return null;
  if (text.length >= 10 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45) {
    const year = digits(text, 0, 4);
    const month = digits(text, 5, 2);
    const day = digits(text, 8, 2);
    if (year < 0 || month < 0 || day < 0 || !endsDate(text, 10)) return INVALID;
    return isoDate(year, month, day);
  }
  const slash1 = text.indexOf('/');
  if (slash1 < 1 || slash1 > 2) return INVALID;
  const slash2 = text.indexOf('/', slash1 + 1);
  if (slash2 - slash1 < 2 || slash2 - slash1 > 3) return INVALID;
  const month = digits(text, 0, slash1);
  const day = digits(text, slash1 + 1, slash2 - slash1 - 1);
  const year = digits(text, slash2 + 1, 4);
  if (month < 0 || day < 0 || year < 0 || !endsDate(text, slash2 + 5)) return INVALID;
  return isoDate(year, month, day);
}

const SPACE = 32;
const COMMA = 44;
const DOT = 46;

function skipSpaces(text: string, index: number, end: number): number {
  while (index < end && (text.charCodeAt(index) === SPACE || text.charCodeAt(index) === 9)) index++;
  return index;
}

/**
 * Parses a number as exports write it: `1234.5`, `1,234.50`, with an optional leading `-` or
 * accounting parentheses `(1,234.50)`; with `currency`, a `$` is also accepted (`$1,234.50`, `-$5`).
 * Thousands separators must group by three (`13,01.50` is INVALID).
 */
export function parseNumber(input: string, currency = false): Parsed<number> {
  let end = input.length;
  while (end > 0 && input.charCodeAt(end - 1) <= SPACE) end--;
  let i = 0;
  while (i < end && input.charCodeAt(i) <= SPACE) i++;
  if (i === end) return null;
  let negative = false;
  if (input.charCodeAt(i) === 40 /* ( */) {
    if (input.charCodeAt(end - 1) !== 41 /* ) */) return INVALID;
    negative = true;
    i = skipSpaces(input, i + 1, end);
    end--;
    while (end > i && input.charCodeAt(end - 1) <= SPACE) end--;
  }
  if (input.charCodeAt(i) === 45 /* - */) {
    if (negative) return INVALID;
    negative = true;
    i = skipSpaces(input, i + 1, end);
  }
  if (currency && input.charCodeAt(i) === 36 /* $ */) {
    i = skipSpaces(input, i + 1, end);
    if (input.charCodeAt(i) === 45) {
      if (negative) return INVALID;
      negative = true;
      i = skipSpaces(input, i + 1, end);
    }
  }
  // Integer part: digits, optionally grouped by three with commas; then an optional fraction.
  const start = i;
  let inGroup = 0;
  let groups = 0;
  for (; i < end; i++) {
    const code = input.charCodeAt(i);
    if (code >= 48 && code <= 57) inGroup++;
    else if (code === COMMA) {
      if (inGroup === 0 || (groups === 0 ? inGroup > 3 : inGroup !== 3)) return INVALID;
      groups++;
      inGroup = 0;
    } else break;
  }
  if (groups > 0 && inGroup !== 3) return INVALID;
  let digits = i - start - groups;
  let fraction = 0;
  if (i < end && input.charCodeAt(i) === DOT) {
    for (i++; i < end; i++) {
      const code = input.charCodeAt(i);
      if (code < 48 || code > 57) break;
      fraction++;
    }
    digits += fraction;
  }
  if (i !== end || digits === 0) return INVALID;
  const value = digits <= 15 ? exactDecimal(input, start, end, fraction) : Number(input.slice(start, end).replaceAll(',', ''));
  if (!Number.isFinite(value)) return INVALID;
  return negative && value !== 0 ? -value : value;
}

const POWERS_OF_TEN = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * The value of a validated decimal literal of at most 15 digits (commas and one dot allowed):
 * all digits as an exact integer divided by 10^fraction. One correctly rounded division of two
 * exact numbers is exactly what Number(literal) returns, without building a string.
 */
function exactDecimal(text: string, start: number, end: number, fraction: number): number {
  let mantissa = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) mantissa = mantissa * 10 + (code - 48);
  }
  return fraction === 0 ? mantissa : mantissa / POWERS_OF_TEN[fraction]!;
}

/** Parses a money amount (`$1,234.50`, `1,234.50`, `1234.5`, `(12.00)`). */
export function parseMoney(input: string): Parsed<number> {
  return parseNumber(input, true);
}

const BOOLEANS = new Map<string, boolean>([
  ['y', true], ['yes', true], ['true', true], ['t', true], ['1', true], ['active', true],
  ['n', false], ['no', false], ['false', false], ['f', false], ['0', false], ['inactive', false],
]);

/** Parses a flag written Y/N, yes/no, true/false, 1/0 or Active/Inactive (any case). */
export function parseBoolean(input: string): Parsed<boolean> {
  const text = input.trim();
  if (text === '') return null;
  const value = BOOLEANS.get(text.toLowerCase());
  return value === undefined ? INVALID : value;
}
