import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/engine/errors.js';
import { ExcelSheetReader, type ExcelSheetReaderOptions } from '../../../../src/sources/excel/sheet-reader.js';
import { rowTexts } from '../../../../src/sources/excel/header-row.js';
import { openWorkbookArchive } from '../../../../src/sources/excel/workbook-file.js';
import { partsInReadOrder } from '../../../../src/sources/excel/workbook-parts.js';
import { WPR_FIXTURES, WPR_HEADER, writeWorkbook } from '../../../helpers/xlsx.js';
import { makeTempDir } from '../../engine/helpers/temp.js';

const report = path.join(WPR_FIXTURES, 'orders_report.xlsx');
const DEFAULT = 'WP_Overall_Order_Report';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir('mmcp-xlsx-');
});
afterEach(() => tmp.cleanup());

async function readAll(file: string, options: Partial<ExcelSheetReaderOptions> = {}): Promise<{ reader: ExcelSheetReader; rows: Array<{ number: number; texts: string[] }> }> {
  const reader = new ExcelSheetReader(file, { defaultSheet: DEFAULT, ...options });
  const rows: Array<{ number: number; texts: string[] }> = [];
  for await (const row of reader.rows()) rows.push({ number: row.number, texts: rowTexts(row) });
  return { reader, rows };
}

async function readError(file: string, options: Partial<ExcelSheetReaderOptions> = {}): Promise<ValidationError> {
  const error = await readAll(file, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('ExcelSheetReader', () => {
  it('reads the default sheet even when another sheet comes first, with its last row from the dimension', async () => {
    const { reader, rows } = await readAll(report);
    expect(reader.sheetName).toBe(DEFAULT);
    expect(reader.lastRow).toBe(20);
    expect(rows[0]).toEqual({ number: 1, texts: ['WP Overall Order Report'] });
    expect(rows.find((row) => row.number === 4)?.texts).toEqual(WPR_HEADER);
    expect(reader.sheets).toEqual([
      { name: 'Summary', hidden: false },
      { name: DEFAULT, hidden: false },
      { name: 'Archive', hidden: true },
    ]);
  });

  it('reads the same rows every time (exceljs alone loses the shared strings in about one read in five)', async () => {
    const first = JSON.stringify((await readAll(report)).rows);
    for (let i = 0; i < 40; i++) expect(JSON.stringify((await readAll(report)).rows)).toBe(first);
    expect(first).toContain('Controller licence');
  });

  it('hands exceljs the relationships, the workbook and the shared strings before the sheets', async () => {
    const archive = await openWorkbookArchive(report);
    expect(partsInReadOrder(archive.entries).map((entry) => entry.name)).toEqual([
      'xl/_rels/workbook.xml.rels',
      'xl/workbook.xml',
      'xl/sharedStrings.xml',
      'xl/worksheets/sheet1.xml',
      'xl/worksheets/sheet2.xml',
      'xl/worksheets/sheet3.xml',
    ]);
  });

  it('reads a hidden sheet when it is named', async () => {
    const { reader, rows } = await readAll(report, { sheet: 'Archive' });
    expect(reader.sheetName).toBe('Archive');
    expect(rows.map((row) => row.texts[0])).toEqual(['Order ID', 'WPO00170001', 'WPO00170001']);
  });

  it('matches a sheet name regardless of case and surrounding spaces', async () => {
    const { reader } = await readAll(report, { sheet: ' wp_overall_order_report ' });
    expect(reader.sheetName).toBe(DEFAULT);
  });

  it('lists the sheets present when the sheet asked for does not exist', async () => {
    const error = await readError(report, { sheet: 'Orders' });
    expect(error.message).toBe("orders_report.xlsx has no sheet named 'Orders'. Sheets: 'Summary', 'WP_Overall_Order_Report', 'Archive' (hidden).");
    expect(error.action).toMatch(/Pass the name of the sheet/);
  });

  it('does not read a hidden sheet by default, and says how to read it', async () => {
    const file = path.join(tmp.dir, 'hidden.xlsx');
    await writeWorkbook(file, [
      { name: 'Notes', rows: [['nothing here']] },
      { name: DEFAULT, state: 'hidden', rows: [WPR_HEADER] },
    ]);
    const error = await readError(file);
    expect(error.message).toMatch(/the sheet 'WP_Overall_Order_Report' is hidden, so it is not read by default/);
    expect(error.action).toMatch(/Pass sheet: "WP_Overall_Order_Report"/);
    const { rows } = await readAll(file, { sheet: DEFAULT });
    expect(rows).toHaveLength(1);
  });

  it('notes the 1904 date system of old Mac workbooks', async () => {
    const file = path.join(tmp.dir, 'mac.xlsx');
    await writeWorkbook(file, [{ name: DEFAULT, rows: [WPR_HEADER] }], { date1904: true });
    const { reader } = await readAll(file);
    expect(reader.date1904).toBe(true);
  });

  it('ends with rows or a ValidationError, never hangs, wherever an archive is damaged', async () => {
    const source = fs.readFileSync(report);
    const file = path.join(tmp.dir, 'scan.xlsx');
    const outcomes = new Set<string>();
    for (let at = 400; at < source.length - 100; at += 397) {
      const bytes = Buffer.from(source);
      bytes.fill(0x41, at, at + 50);
      fs.writeFileSync(file, bytes);
      const outcome = await readAll(file).then(
        () => 'rows',
        (error: unknown) => (error instanceof ValidationError ? 'validation' : `other: ${String(error)}`),
      );
      outcomes.add(outcome);
    }
    expect([...outcomes].filter((outcome) => outcome.startsWith('other'))).toEqual([]);
    expect(outcomes).toContain('validation');
  });

  it('turns damaged compressed data into a ValidationError naming the file', async () => {
    const bytes = Buffer.from(fs.readFileSync(report));
    const archive = await openWorkbookArchive(report);
    const sheet = archive.entries.find((entry) => entry.name === 'xl/worksheets/sheet2.xml')!;
    // Overwrite the middle of the report sheet's compressed data; headers and directory stay intact.
    const start = sheet.localHeaderOffset + 30 + sheet.name.length + Math.floor(sheet.compressedSize / 3);
    bytes.fill(0x41, start, start + 200);
    const file = path.join(tmp.dir, 'damaged.xlsx');
    fs.writeFileSync(file, bytes);
    const error = await readError(file);
    expect(error.message).toMatch(/^damaged\.xlsx cannot be read as an Excel workbook: /);
    expect(error.action).toMatch(/damaged or not an \.xlsx workbook/);
  });

  it('says which part is damaged when the central directory points at nothing', async () => {
    const bytes = Buffer.from(fs.readFileSync(report));
    const archive = await openWorkbookArchive(report);
    const sheet = archive.entries.find((entry) => entry.name === 'xl/worksheets/sheet2.xml')!;
    bytes.fill(0, sheet.localHeaderOffset, sheet.localHeaderOffset + 4);
    const file = path.join(tmp.dir, 'broken.xlsx');
    fs.writeFileSync(file, bytes);
    const error = await readError(file);
    expect(error.message).toBe('broken.xlsx is not an Excel workbook (.xlsx): its part xl/worksheets/sheet2.xml is damaged (no local header where the central directory says).');
  });
});
