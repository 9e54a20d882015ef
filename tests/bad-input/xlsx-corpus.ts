/**
 * Hostile inputs for tools that read an Excel workbook (wpr_ingest_orders), built from the
 * LibreOffice fixtures in tests/fixtures/wpr/: files that are not workbooks (empty, a CSV renamed
 * .xlsx, binary garbage, password-protected, cut in half, damaged, a zip of something else), a
 * report with bad rows, cells that look like formulas, a missing column, and the special paths.
 */
import fs from 'node:fs';
import path from 'node:path';
import { WPR_FIXTURES, zipOfTextFile } from '../helpers/xlsx.js';
import type { HostileInput } from './corpus.js';

const fixture = (name: string) => fs.readFileSync(path.join(WPR_FIXTURES, name));

/** The hostile variants of an order report workbook. */
export function xlsxCorpus(): HostileInput[] {
  const plain = fixture('orders_plain.xlsx');
  const damaged = Buffer.from(plain);
  damaged.fill(0x41, Math.floor(plain.length / 3), Math.floor(plain.length / 3) + 400);
  return [
    { name: 'an empty file', content: Buffer.alloc(0), expect: { kind: 'error' } },
    { name: 'a CSV file renamed .xlsx', content: fixture('orders_plain.csv'), expect: { kind: 'error' } },
    { name: 'binary garbage', content: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), expect: { kind: 'error' } },
    { name: 'a password-protected workbook', content: fixture('orders_encrypted.xlsx'), expect: { kind: 'error' } },
    { name: 'a workbook cut in half', content: plain.subarray(0, Math.floor(plain.length / 2)), expect: { kind: 'error' } },
    { name: 'a workbook with damaged bytes', content: damaged, expect: { kind: 'clear' } },
    { name: 'a zip archive that is not a workbook', content: zipOfTextFile('notes.txt', 'not a workbook\n'), expect: { kind: 'error' } },
    { name: 'a report with a title, bad rows and a duplicate line key', content: fixture('orders_report.xlsx'), expect: { kind: 'kept', kept: 7 } },
    {
      name: 'cells that look like formulas',
      content: fixture('orders_formulas.xlsx'),
      expect: { kind: 'kept', kept: 8 },
      formulas: ['=2+5+cmd'],
    },
    { name: 'a report without its Line Item column', content: fixture('orders_missing_column.xlsx'), expect: { kind: 'error' } },
    { name: 'a folder instead of a file', special: 'directory', expect: { kind: 'error' } },
    { name: 'a symlink to a file outside the data roots', special: 'symlink-outside', expect: { kind: 'error' } },
    { name: 'a path with a NUL byte', special: 'nul-byte', expect: { kind: 'error' } },
    { name: 'a path of 5,000 characters', special: 'long-path', expect: { kind: 'error' } },
    { name: 'a missing file', special: 'missing', expect: { kind: 'error' } },
  ];
}
