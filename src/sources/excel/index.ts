/**
 * Excel source: a streaming `.xlsx` sheet reader (exceljs WorkbookReader), header detection by
 * content, and cell value conversion (dates, numbers as text, rich text, formulas' cached results).
 */
export { ExcelSheetReader } from './sheet-reader.js';
export type { ExcelSheetReaderOptions, SheetInfo, SheetRow } from './sheet-reader.js';
export { findHeaderRow, rowTexts, HEADER_SEARCH_ROWS } from './header-row.js';
export type { FindHeaderOptions, SheetHeader } from './header-row.js';
export { CellProblem, cellDate, cellNumber, cellText, excelSerialToIso, resolveCell } from './cell-values.js';
export type { CellScalar } from './cell-values.js';
export { findEndOfCentralDirectory, openWorkbookArchive, signatureOf } from './workbook-file.js';
export type { WorkbookArchive, WorkbookSignature, ZipEntry } from './workbook-file.js';
export { partsInReadOrder, workbookPartsStream } from './workbook-parts.js';
