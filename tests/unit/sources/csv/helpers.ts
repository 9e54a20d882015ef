/** Helpers for the CSV source tests: temp files and reading everything a reader yields. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CsvReader, type CsvColumnSpec, type CsvReaderOptions, type CsvRow } from '../../../../src/sources/csv/index.js';

/** A temp folder removed by `cleanup()`. */
export function tempDir(): { dir: string; write: (name: string, content: string | Buffer) => string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csv-source-'));
  return {
    dir,
    write: (name, content) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, content);
      return file;
    },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** A three-column spec used by most tests: id (required), name, amount. */
export const SPEC: CsvColumnSpec<'id' | 'name' | 'amount'> = {
  aliases: { id: ['ID', 'Id #'], name: ['Name', 'Full Name'], amount: ['Amount'] },
  required: ['id'],
};

/** Reads a file completely; returns the rows and the reader (for header, blankLines, stopped). */
export async function readAll<F extends string>(
  file: string,
  options: Partial<CsvReaderOptions<F>> & { columns: CsvColumnSpec<F> },
): Promise<{ rows: CsvRow<F>[]; reader: CsvReader<F> }> {
  const reader = new CsvReader<F>(file, options);
  const rows: CsvRow<F>[] = [];
  for await (const batch of reader.batches()) rows.push(...batch);
  return { rows, reader };
}

/** A compact view of rows for assertions: `line:value|value` for records, `line:!reason` for errors. */
export function summarize<F extends string>(rows: CsvRow<F>[]): Array<{ line: number; record?: Record<F, string>; error?: string }> {
  return rows.map((row) => (row.ok ? { line: row.line, record: row.record } : { line: row.line, error: row.reason }));
}
