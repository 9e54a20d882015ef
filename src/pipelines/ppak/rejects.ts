/**
 * The rejects file `rejects_<date>.csv` (DESIGN §11): one row per rejected record with the columns
 * `entity,file,line,reason,raw`, streamed to disk (a bad export can reject every row), plus a
 * bounded sample for the tool result and the summary report.
 */
import type { OutputFile } from './canonical-writer.js';

/** One rejected record. */
export interface RejectRecord {
  /** `projects`, `materials` or `work_orders`. */
  entity: string;
  /** Base name of the export file. */
  file: string;
  /** Physical line where the record starts. */
  line: number;
  reason: string;
}

/** The header of the rejects file. */
export const REJECTS_HEADER = 'entity,file,line,reason,raw\n';

/** Raw text longer than this is cut in the rejects file (a runaway quote can make a huge "record"). */
const RAW_LIMIT = 10_000;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** Quotes a CSV value when needed (RFC 4180: commas, quotes, line breaks; also edge spaces). */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Streams rejects to an OutputFile and keeps the counts and a sample. */
export class RejectsWriter {
  private readonly byEntity = new Map<string, number>();
  /** The first rejects, for results and reports. */
  readonly samples: RejectRecord[] = [];

  constructor(readonly output: OutputFile, private readonly sampleSize = 20) {
    output.append(REJECTS_HEADER);
  }

  /** Records a reject; returns true when the caller should flush the output. */
  add(reject: RejectRecord, raw: string): boolean {
    this.byEntity.set(reject.entity, (this.byEntity.get(reject.entity) ?? 0) + 1);
    if (this.samples.length < this.sampleSize) this.samples.push(reject);
    const text = raw.length > RAW_LIMIT ? `${raw.slice(0, RAW_LIMIT)}…` : raw;
    return this.output.append(
      `${csvField(reject.entity)},${csvField(reject.file)},${reject.line},${csvField(reject.reason)},${csvField(text)}\n`,
    );
  }

  /** Rejects recorded for an entity. */
  count(entity: string): number {
    return this.byEntity.get(entity) ?? 0;
  }

  /** Rejects recorded in all. */
  get total(): number {
    let total = 0;
    for (const n of this.byEntity.values()) total += n;
    return total;
  }
}
