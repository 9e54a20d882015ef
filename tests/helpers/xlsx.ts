/**
 * Small workbooks written by exceljs for tests of cell shapes LibreOffice does not produce from
 * the fixtures (inline strings, error cells, formulas saved without a result, the 1904 date
 * system, a hidden sheet named like the default). The LibreOffice-made fixtures are in
 * tests/fixtures/wpr/.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';

/** The WPR fixtures folder. */
export const WPR_FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'wpr');

/** A sheet to write: name, visibility and rows (arrays of exceljs cell values, column A first). */
export interface SheetSpec {
  name: string;
  state?: 'visible' | 'hidden' | 'veryHidden';
  rows: unknown[][];
}

/** Writes an .xlsx with these sheets. */
export async function writeWorkbook(file: string, sheets: SheetSpec[], options: { date1904?: boolean } = {}): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  if (options.date1904) workbook.properties.date1904 = true;
  for (const spec of sheets) {
    const sheet = workbook.addWorksheet(spec.name, { state: spec.state ?? 'visible' });
    spec.rows.forEach((values, index) => {
      const row = sheet.getRow(index + 1);
      values.forEach((value, col) => {
        if (value !== undefined) row.getCell(col + 1).value = value as ExcelJS.CellValue;
      });
      row.commit();
    });
  }
  await workbook.xlsx.writeFile(file);
}

/** The default WPR header row. */
export const WPR_HEADER = ['Order ID', 'Order Date', 'Customer', 'Product', 'Line Item', 'Description', 'Quantity', 'Unit Price', 'Status', 'Requested Delivery'];
