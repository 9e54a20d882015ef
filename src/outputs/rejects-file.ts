/**
 * A rejects file: one CSV row per rejected record — where it came from, why it was rejected and its
 * raw text — streamed to disk through the one CSV writer (a bad input can reject every row), plus
 * per-group counts and a bounded sample for tool results and reports.
 *
 * The PPak ETL's `rejects_<date>.csv` (DESIGN §11) uses the default columns
 * `entity,file,line,reason,raw`; other sources name their own (e.g. `file,sheet,row,reason,raw`).
 */
import { CsvWriter } from './csv-writer.js';
import type { OutputFile } from './output-file.js';

/** Raw text longer than this is cut in the rejects file (a runaway quote can make a huge "record"). */
export const RAW_LIMIT = 10_000;

/** The default columns (DESIGN §11). */
export const DEFAULT_REJECT_COLUMNS = ['entity', 'file', 'line', 'reason', 'raw'] as const;

/** One rejected record of the default layout, as kept in samples (without its raw text). */
export interface RejectRecord {
  /** `projects`, `materials` or `work_orders` for PPak. */
  entity: string;
  /** Base name of the input file. */
  file: string;
  /** Physical line (or sheet row) where the record starts. */
  line: number;
  reason: string;
}

export interface RejectsOptions<C extends string> {
  /** Header of the file, in order. */
  columns: readonly C[];
  /** The column holding the raw text (cut at RAW_LIMIT, left out of samples). */
  rawColumn?: C;
  /** The column rejects are counted by (e.g. `entity`). */
  countBy?: C;
  /** Rejects kept as samples. @default 20 */
  sampleSize?: number;
}

/** Streams rejects to an OutputFile and keeps counts and a sample. */
export class RejectsWriter<C extends string = (typeof DEFAULT_REJECT_COLUMNS)[number], S = RejectRecord> {
  private readonly csv: CsvWriter<C>;
  private readonly byGroup = new Map<string, number>();
  private readonly options: Required<Omit<RejectsOptions<C>, 'rawColumn' | 'countBy'>> & Pick<RejectsOptions<C>, 'rawColumn' | 'countBy'>;
  /** The first rejects (raw text left out), for results and reports. */
  readonly samples: S[] = [];

  constructor(readonly output: OutputFile, options?: RejectsOptions<C>) {
    const defaults = { columns: DEFAULT_REJECT_COLUMNS, rawColumn: 'raw', countBy: 'entity' } as unknown as RejectsOptions<C>;
    this.options = { sampleSize: 20, ...(options ?? defaults) };
    this.csv = new CsvWriter(output, this.options.columns);
  }

  /** Records a reject; returns true when the caller should flush the output. */
  add(reject: Readonly<Record<C, string | number | null | undefined>>): boolean {
    const { rawColumn, countBy, sampleSize } = this.options;
    const group = countBy === undefined ? '' : String(reject[countBy] ?? '');
    this.byGroup.set(group, (this.byGroup.get(group) ?? 0) + 1);
    if (this.samples.length < sampleSize) {
      const sample: Record<string, unknown> = { ...reject };
      if (rawColumn !== undefined) delete sample[rawColumn];
      this.samples.push(sample as S);
    }
    if (rawColumn === undefined) return this.csv.write(reject);
    const raw = String(reject[rawColumn] ?? '');
    return this.csv.write({ ...reject, [rawColumn]: raw.length > RAW_LIMIT ? `${raw.slice(0, RAW_LIMIT)}…` : raw });
  }

  /** Rejects recorded for one value of the `countBy` column. */
  count(group: string): number {
    return this.byGroup.get(group) ?? 0;
  }

  /** Rejects recorded in all. */
  get total(): number {
    let total = 0;
    for (const n of this.byGroup.values()) total += n;
    return total;
  }
}
