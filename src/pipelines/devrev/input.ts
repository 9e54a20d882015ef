/**
 * Reading the backfill's input, whichever the source: CSV rows (streamed) or a Snowflake table or
 * query (partition by partition), validated, one row per issue, every invalid row written to the
 * rejects file (`devrev_backfill_rejects_<run_id>.csv`: file, line, reason, raw) with a bounded
 * sample for the result. The input key — the source and a hash of what it held — tells `resume`
 * which earlier run read the same input.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { PathSandbox } from '../../config/sandbox.js';
import { ValidationError } from '../../engine/errors.js';
import { operatorErrorFromFs } from '../../engine/fs-errors.js';
import { OutputFile } from '../../outputs/output-file.js';
import { RejectsWriter } from '../../outputs/rejects-file.js';
import type { SnowflakeClient, SnowflakeSelection } from '../../sources/snowflake/index.js';
import { collectRows, type CollectedRows } from './collect.js';
import type { InvalidRow } from './rows.js';
import { readBackfillCsv, type InputBatch } from './read-csv.js';
import { readBackfillSnowflake } from './read-snowflake.js';

/** Where the rows come from. */
export type BackfillSource = { kind: 'csv'; file: string } | { kind: 'snowflake'; selection: SnowflakeSelection; client: () => SnowflakeClient };

/** One invalid row in a result sample. */
export interface InvalidSample {
  file: string;
  line: number;
  reason: string;
}

/** What the input held. */
export interface BackfillInput extends CollectedRows {
  invalidSamples: InvalidSample[];
  /** The rejects file, when a row was invalid. */
  rejectsFile: string | null;
  /** Description of the source for the result. */
  describe: { kind: 'csv' | 'snowflake'; file: string | null; query: string | null; table: string | null; statement: string | null };
}

/** Columns of the rejects file. */
const REJECT_COLUMNS = ['file', 'line', 'reason', 'raw'] as const;

/** A short, stable key of the input: the source and a hash of its content (CSV) or its text (Snowflake). */
export async function inputKey(source: { kind: 'csv'; file: string } | { kind: 'snowflake'; selection: SnowflakeSelection }): Promise<string> {
  const hash = createHash('sha256');
  if (source.kind === 'csv') {
    hash.update(`csv\u0000${path.resolve(source.file)}\u0000`);
    try {
      for await (const chunk of fs.createReadStream(source.file)) hash.update(chunk as Buffer);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new ValidationError(`The input CSV ${path.basename(source.file)} does not exist.`, { action: 'Check the csv path (relative to the working directory, inside MIGRATION_DATA_ROOTS).' });
      }
      throw operatorErrorFromFs(error) ?? error;
    }
  } else {
    hash.update(`snowflake\u0000${source.selection.table ?? ''}\u0000${source.selection.query ?? ''}`);
  }
  return hash.digest('hex').slice(0, 24);
}

/** Reads and validates the whole input; invalid rows go to the rejects file under `outputDir`. */
export async function readBackfillInput(
  source: BackfillSource,
  options: { runId: string; outputDir: string; sandbox: PathSandbox; signal: AbortSignal; maxRecordBytes?: number; onBatch?: (rows: number) => void },
): Promise<BackfillInput> {
  const batches: AsyncIterable<InputBatch> =
    source.kind === 'csv' ? readBackfillCsv(source.file, options.signal, options.maxRecordBytes) : readBackfillSnowflake(source.client(), source.selection, options.signal);
  const waiting: InvalidRow[] = [];
  let rejects: RejectsWriter<(typeof REJECT_COLUMNS)[number], InvalidSample> | undefined;
  let output: OutputFile | undefined;
  const flushRejects = async () => {
    for (const row of waiting.splice(0)) {
      if (!rejects) {
        const file = options.sandbox.resolve(path.join(options.outputDir, `devrev_backfill_rejects_${options.runId}.csv`), 'rejects file');
        output = await OutputFile.create(file);
        rejects = new RejectsWriter<(typeof REJECT_COLUMNS)[number], InvalidSample>(output, { columns: REJECT_COLUMNS, rawColumn: 'raw', countBy: 'file' });
      }
      if (rejects.add({ file: row.source.file, line: row.source.line, reason: row.reason, raw: row.raw })) await output!.flushIfFull();
    }
  };
  // The rows of a batch are collected as soon as it is yielded; its rejects are written before the next batch is read.
  async function* withRejects(): AsyncGenerator<InputBatch> {
    for await (const batch of batches) {
      options.onBatch?.(batch.length);
      yield batch;
      await flushRejects();
    }
  }
  try {
    const collected = await collectRows(withRejects(), (row) => waiting.push(row));
    await flushRejects();
    await output?.commit();
    if (collected.rows.length === 0 && collected.invalid > 0) {
      const first = rejects?.samples[0];
      throw new ValidationError(`Every one of the ${collected.invalid} rows of the input was rejected; the first: line ${first?.line}: ${first?.reason}.`, {
        action: `Read ${output?.file ?? 'the rejects file'} (file, line, reason per row): usually a wrong delimiter, encoding or header; fix the input and run again.`,
      });
    }
    const sample = collected.rows[0]?.source.file ?? rejects?.samples[0]?.file ?? '';
    const statement = sample.startsWith('snowflake:') ? sample.slice('snowflake:'.length) : null;
    return {
      ...collected,
      invalidSamples: rejects?.samples ?? [],
      rejectsFile: output?.file ?? null,
      describe: {
        kind: source.kind,
        file: source.kind === 'csv' ? source.file : null,
        query: source.kind === 'snowflake' ? (source.selection.query ?? null) : null,
        table: source.kind === 'snowflake' ? (source.selection.table ?? null) : null,
        statement,
      },
    };
  } catch (error) {
    await output?.abort();
    throw error;
  }
}
