/**
 * Bounded bookkeeping for an ETL run, so neither memory nor an agent's context grows with the
 * export: warnings (at most 50 kept, then "… and N more"; run-level warnings such as unknown status
 * values are kept ahead of per-row ones) and per-value counts of unmapped values.
 */

/** Warnings kept in a result or report. */
export const WARNING_LIMIT = 50;

/** Collects warnings: run-level ones first, then per-row ones, at most {@link WARNING_LIMIT} in all. */
export class Warnings {
  private readonly run: string[] = [];
  private readonly rows: string[] = [];
  private total = 0;

  constructor(private readonly onWarning?: (message: string) => void) {}

  /** A warning about the run as a whole (unknown values, missing files, ignored columns). */
  add(message: string): void {
    this.total++;
    if (this.run.length < WARNING_LIMIT) {
      this.run.push(message);
      this.onWarning?.(message);
    }
  }

  /** A warning about one row (an unreadable date or amount); only the first ones are kept. */
  addRow(message: string): void {
    this.total++;
    if (this.rows.length < WARNING_LIMIT) {
      this.rows.push(message);
      this.onWarning?.(message);
    }
  }

  /** Warnings recorded in all (kept or not). */
  get count(): number {
    return this.total;
  }

  /** The bounded list: at most {@link WARNING_LIMIT} warnings, plus "… and N more" when some were left out. */
  list(): string[] {
    const kept = [...this.run, ...this.rows].slice(0, WARNING_LIMIT);
    const more = this.total - kept.length;
    return more > 0 ? [...kept, `… and ${more} more`] : kept;
  }
}

/** At most `max` messages, then one line counting the rest (for lists built outside {@link Warnings}). */
export function boundedList(messages: readonly string[], max = WARNING_LIMIT): string[] {
  return messages.length <= max ? [...messages] : [...messages.slice(0, max), `… and ${messages.length - max} more`];
}

/** Distinct values tracked per kind; further distinct values are only counted. */
const DISTINCT_LIMIT = 10_000;
/** Distinct values listed in a result (the most frequent first). */
export const UNMAPPED_LIST_LIMIT = 100;

/** Counts unmapped values of one kind (status, phase or material) per raw value. */
export class UnmappedCounter {
  private readonly counts = new Map<string, number>();
  /** Occurrences of values beyond the distinct-value limit. */
  private overflow = 0;

  add(value: string): void {
    const count = this.counts.get(value);
    if (count !== undefined) this.counts.set(value, count + 1);
    else if (this.counts.size < DISTINCT_LIMIT) this.counts.set(value, 1);
    else this.overflow++;
  }

  /** Distinct values tracked. */
  get distinct(): number {
    return this.counts.size;
  }

  /** Occurrences not attributed to a listed value (beyond the distinct limit). */
  get untracked(): number {
    return this.overflow;
  }

  /** The values with their counts, most frequent first (ties by value), at most `limit`. */
  top(limit = UNMAPPED_LIST_LIMIT): Array<[string, number]> {
    return [...this.counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, limit);
  }

  /** `{value: count}` for the result, at most `limit` values. */
  toRecord(limit = UNMAPPED_LIST_LIMIT): Record<string, number> {
    return Object.fromEntries(this.top(limit));
  }
}
