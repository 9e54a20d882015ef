import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../src/engine/errors.js';
import { ExcelSheetReader } from '../../../../src/sources/excel/sheet-reader.js';
import { openWorkbookArchive } from '../../../../src/sources/excel/workbook-file.js';
import { WPR_FIXTURES, zipOfTextFile } from '../../../helpers/xlsx.js';
import { makeTempDir } from '../../engine/helpers/temp.js';

const plain = path.join(WPR_FIXTURES, 'orders_plain.xlsx');

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  tmp = makeTempDir('mmcp-xlsx-');
});
afterEach(() => tmp.cleanup());

async function failure(file: string): Promise<ValidationError> {
  const error = await openWorkbookArchive(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('openWorkbookArchive', () => {
  it('lists the parts of a workbook saved by LibreOffice from its central directory', async () => {
    const archive = await openWorkbookArchive(plain);
    expect(archive.entries.map((entry) => entry.name)).toEqual(expect.arrayContaining(['xl/workbook.xml', 'xl/worksheets/sheet1.xml', 'xl/sharedStrings.xml']));
    expect(archive.entries.find((entry) => entry.name === 'xl/workbook.xml')).toMatchObject({ method: 8, compressedSize: expect.any(Number) });
  });

  it('says an empty file is empty', async () => {
    const file = path.join(tmp.dir, 'empty.xlsx');
    fs.writeFileSync(file, '');
    const error = await failure(file);
    expect(error.message).toBe('empty.xlsx is not an Excel workbook (.xlsx): the file is empty (0 bytes).');
    expect(error.action).toMatch(/Export the order report again/);
  });

  it('says a CSV renamed .xlsx may be a CSV, and how to save it as a workbook', async () => {
    const file = path.join(tmp.dir, 'orders.xlsx');
    fs.copyFileSync(path.join(WPR_FIXTURES, 'orders_plain.csv'), file);
    const error = await failure(file);
    expect(error.message).toMatch(/orders\.xlsx is not an Excel workbook.*CSV or text file renamed \.xlsx/);
    expect(error.action).toMatch(/save it as "Excel Workbook \(\.xlsx\)"/);
  });

  it('says a password-protected workbook is encrypted', async () => {
    const error = await failure(path.join(WPR_FIXTURES, 'orders_encrypted.xlsx'));
    expect(error.message).toMatch(/password-protected \(encrypted\) workbook or a legacy \.xls/);
    expect(error.action).toMatch(/remove the password/);
  });

  it('says a truncated workbook is incomplete', async () => {
    const file = path.join(tmp.dir, 'cut.xlsx');
    const bytes = fs.readFileSync(plain);
    fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const error = await failure(file);
    expect(error.message).toMatch(/zip archive is incomplete \(truncated/);
  });

  it('says a missing file or a folder cannot be opened', async () => {
    expect((await failure(path.join(tmp.dir, 'nope.xlsx'))).message).toMatch(/cannot be opened: it does not exist/);
    const folder = path.join(tmp.dir, 'folder.xlsx');
    fs.mkdirSync(folder);
    expect((await failure(folder)).message).toMatch(/it is a folder/);
  });
});

describe('ExcelSheetReader on a zip that is not a workbook', () => {
  it('says the archive has no workbook part', async () => {
    const file = path.join(tmp.dir, 'notes.xlsx');
    fs.writeFileSync(file, zipOfTextFile('a.txt', 'hello\n'));
    const reader = new ExcelSheetReader(file, { defaultSheet: 'WP_Overall_Order_Report' });
    await expect(drain(reader)).rejects.toThrow(/notes\.xlsx is a zip archive but not an Excel workbook/);
  });
});

async function drain(reader: ExcelSheetReader): Promise<number> {
  let rows = 0;
  for await (const _row of reader.rows()) rows++;
  return rows;
}
