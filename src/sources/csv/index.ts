/**
 * CSV source: a streaming reader with header aliases, exact line numbers and per-row errors.
 * See reader.ts for what it tolerates and header.ts for how columns are matched.
 */
export { CsvReader, readCsv } from './reader.js';
export type { CsvRow, CsvRecordRow, CsvErrorRow, CsvReaderOptions } from './reader.js';
export { buildAliasIndex, matchHeader, normalizeHeaderName } from './header.js';
export type { CsvColumnSpec, CsvHeaderInfo, MatchHeaderOptions } from './header.js';
export { formatCsvRow, truncate } from './text.js';
