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

/** A valid zip archive holding one stored (uncompressed) text file: a zip that is not a workbook. */
export function zipOfTextFile(name: string, text: string): Buffer {
  const fileName = Buffer.from(name);
  const data = Buffer.from(text);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(fileName.length, 28);
  const localPart = Buffer.concat([local, fileName, data]);
  const centralPart = Buffer.concat([central, fileName]);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(centralPart.length, 12);
  end.writeUInt32LE(localPart.length, 16);
  return Buffer.concat([localPart, centralPart, end]);
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
