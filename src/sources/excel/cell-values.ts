/**
 * Cell values as exceljs's streaming reader hands them over, turned into what a source needs:
 * text, a calendar date (`YYYY-MM-DD`) or a number.
 *
 * What real workbooks contain, and how it is read:
 * - shared strings and inline strings: text (trimmed; an empty text is an empty cell);
 * - rich text (`{richText: [{text}, …]}`): the runs' texts joined;
 * - formulas (`{formula | sharedFormula, result}`): their cached result; a formula saved without a
 *   result, or whose result is an error, cannot be read (the row is rejected with that reason);
 * - error cells (`{error: '#N/A'}`): cannot be read;
 * - numbers: as numbers; in a date column they are Excel serial dates (the reader runs without
 *   styles, so real dates arrive as serials — the 1900 system with its phantom 1900-02-29, or the
 *   1904 system when the workbook says so); `Date` objects are accepted too;
 * - text in number columns: `1,234.50`, `$1,234.50`, `(12.00)`, `€ 12`; text in date columns:
 *   ISO `2024-01-15` and US `1/15/2024`, optionally followed by a time.
 */
import { INVALID, parseDate, parseMoney, parseNumber, type Parsed } from '../../transform/parse-values.js';

/** A cell that holds no usable value, with the reason (e.g. `the cell holds the error #N/A`). */
export class CellProblem {
  constructor(readonly reason: string) {}
}

/** A cell's value once formulas, rich text and errors are resolved. */
export type CellScalar = string | number | boolean | Date | null;

interface RichTextRun {
  text?: unknown;
}

/** Resolves an exceljs cell value to a scalar, or a CellProblem when it cannot be read. */
export function resolveCell(value: unknown): CellScalar | CellProblem {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Number.isNaN(value) ? new CellProblem('the cell holds no readable number') : value;
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      return String(value);
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? new CellProblem('the cell holds an invalid date') : value;
  const object = value as Record<string, unknown>;
  if (Array.isArray(object.richText)) {
    return (object.richText as RichTextRun[]).map((run) => (typeof run?.text === 'string' ? run.text : '')).join('');
  }
  if ('formula' in object || 'sharedFormula' in object || 'result' in object) {
    const result = object.result;
    if (result === undefined || result === null) {
      return new CellProblem('a formula saved without its calculated value (open the workbook in Excel, recalculate and save it)');
    }
    if (typeof result === 'object' && result !== null && 'error' in result) {
      return new CellProblem(`a formula whose result is the error ${String((result as { error: unknown }).error)}`);
    }
    if (typeof result === 'number' && Number.isNaN(result)) return new CellProblem('a formula whose result is an error');
    return resolveCell(result);
  }
  if ('error' in object) return new CellProblem(`the cell holds the error ${String(object.error)}`);
  if ('text' in object && typeof object.text === 'string') return object.text; // a hyperlink
  if ('sharedString' in object) return new CellProblem('a shared string the workbook does not define');
  return new CellProblem('a cell value of an unknown kind');
}

/** A number written as text the way people read it (`1`, `1.5`, `12345678`). */
function numberText(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e21 ? value.toFixed(0) : String(value);
}

function isoFromUtc(date: Date): string {
  return isoFromDays(Math.floor(date.getTime() / MS_PER_DAY));
}

const isoByDay = new Map<number, string>();

/**
 * `YYYY-MM-DD` of a day number (days since 1970-01-01), by the civil-from-days algorithm
 * (H. Hinnant) rather than through Date: this runs for every date cell. Recent results are cached.
 */
function isoFromDays(days: number): string {
  const cached = isoByDay.get(days);
  if (cached !== undefined) return cached;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const iso = `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
  if (isoByDay.size >= 50_000) isoByDay.clear();
  isoByDay.set(days, iso);
  return iso;
}

/** Cell text: trimmed; empty text is null; numbers as written; dates as `YYYY-MM-DD`. */
export function cellText(value: CellScalar): string | null {
  if (value === null) return null;
  if (typeof value === 'string') {
    const text = value.trim();
    return text === '' ? null : text;
  }
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return isoFromUtc(value);
}

const MS_PER_DAY = 86_400_000;
/** 1899-12-30 and 1904-01-01 as days since 1970-01-01. */
const EPOCH_1900_DAYS = Date.UTC(1899, 11, 30) / MS_PER_DAY;
const EPOCH_1904_DAYS = Date.UTC(1904, 0, 1) / MS_PER_DAY;
/** 9999-12-31 in the 1900 system: the last date Excel shows. */
const LAST_SERIAL = 2_958_465;

/**
 * The calendar date of an Excel serial number (time of day dropped), or INVALID.
 * In the 1900 system serial 60 is 1900-02-29, a day that never existed (kept by Excel for Lotus
 * 1-2-3 compatibility), so serials below it count from 1899-12-31.
 */
export function excelSerialToIso(serial: number, date1904 = false): string | typeof INVALID {
  if (!Number.isFinite(serial) || serial < (date1904 ? 0 : 1) || serial > LAST_SERIAL) return INVALID;
  const days = Math.floor(Math.round(serial * MS_PER_DAY) / MS_PER_DAY);
  if (date1904) return isoFromDays(EPOCH_1904_DAYS + days);
  if (days === 60) return INVALID;
  return isoFromDays(EPOCH_1900_DAYS + (days < 60 ? days + 1 : days));
}

/** A calendar date `YYYY-MM-DD`: real dates, Excel serials, ISO or US text; null when empty. */
export function cellDate(value: CellScalar, date1904 = false): Parsed<string> {
  if (value === null) return null;
  if (typeof value === 'string') return parseDate(value);
  if (typeof value === 'number') return excelSerialToIso(value, date1904);
  if (value instanceof Date) return isoFromUtc(value);
  return INVALID;
}

const OTHER_CURRENCY = /[€£¥]/;

/** Moves a leading or trailing €, £ or ¥ (with spaces) out of the way so the money parser reads the amount. */
function withoutOtherCurrency(text: string): string {
  if (!OTHER_CURRENCY.test(text)) return text;
  const trimmed = text.trim();
  if (OTHER_CURRENCY.test(trimmed.at(-1) ?? '')) return trimmed.slice(0, -1);
  return trimmed.replace(/^([-(]?\s*)[€£¥]/, '$1');
}

/**
 * A number: numeric cells as they are; text such as `1,234.50`, or with `money` also `$1,234.50`,
 * `€12`, `(12.00)`. Null when empty, INVALID when unreadable (booleans and dates included).
 */
export function cellNumber(value: CellScalar, money = false): Parsed<number> {
  if (value === null) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : INVALID;
  if (typeof value === 'string') return money ? parseMoney(withoutOtherCurrency(value)) : parseNumber(value);
  return INVALID;
}
