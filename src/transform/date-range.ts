/** ISO dates and the `date_range` argument (`YYYY-MM-DD,YYYY-MM-DD`, inclusive bounds). */
import { ValidationError } from '../engine/errors.js';
import { parseDate } from './parse-values.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Checks an ISO `YYYY-MM-DD` date (a real calendar day). */
export function isIsoDate(text: string): boolean {
  return ISO_DATE.test(text) && typeof parseDate(text) === 'string';
}

/**
 * Parses a `date_range` argument `YYYY-MM-DD,YYYY-MM-DD` (inclusive bounds on the project start date).
 * @throws ValidationError with a message saying the expected form
 */
export function parseDateRange(text: string): { from: string; to: string } {
  const parts = text.split(',').map((part) => part.trim());
  const [from, to] = parts;
  if (parts.length !== 2 || from === undefined || to === undefined || !isIsoDate(from) || !isIsoDate(to)) {
    throw new ValidationError(`date_range '${text}' is not two dates written 'YYYY-MM-DD,YYYY-MM-DD'.`, {
      action: "Pass date_range as 'start,end' with ISO dates, e.g. '2024-01-01,2024-01-31' (both bounds inclusive).",
    });
  }
  if (from > to) {
    throw new ValidationError(`date_range '${text}' starts after it ends.`, {
      action: `Swap the bounds: '${to},${from}'.`,
    });
  }
  return { from, to };
}
