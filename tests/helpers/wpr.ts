/**
 * WPR test helpers: the LibreOffice fixtures copied into a workspace, the batch store read directly
 * (to count what was stored rather than trusting the tool's report), and large generated reports.
 */
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { SqliteBatchStore } from '../../src/stores/sqlite-batch-store.js';
import type { BatchSummary, WprLine } from '../../src/stores/batch-store.js';
import { WPR_FIXTURES, WPR_HEADER } from './xlsx.js';
import type { Workspace } from './workspace.js';

/** Copies the WPR fixtures into `<workspace>/data/wpr/` and returns that folder. */
export function copyWprFixtures(ws: Workspace): string {
  const dir = path.join(ws.dir, 'data', 'wpr');
  fs.mkdirSync(dir, { recursive: true });
  for (const name of fs.readdirSync(WPR_FIXTURES)) if (name.endsWith('.xlsx') || name.endsWith('.csv')) fs.copyFileSync(path.join(WPR_FIXTURES, name), path.join(dir, name));
  return dir;
}

/** What the embedded store of a state dir holds: every batch and its lines (read directly). */
export async function storedBatches(stateDir: string): Promise<Map<string, { summary: BatchSummary; lines: WprLine[] }>> {
  const store = SqliteBatchStore.open(stateDir);
  try {
    const out = new Map<string, { summary: BatchSummary; lines: WprLine[] }>();
    for (const summary of await store.listBatches()) {
      const lines: WprLine[] = [];
      for await (const line of store.readBatch(summary.batch_id)) lines.push(line);
      out.set(summary.batch_id, { summary, lines });
    }
    return out;
  } finally {
    await store.close();
  }
}

/** Writes an order report of `lines` lines (4 per order) with the streaming writer. */
export async function writeLargeReport(file: string, lines: number): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: true });
  const sheet = workbook.addWorksheet('WP_Overall_Order_Report');
  sheet.addRow(WPR_HEADER).commit();
  for (let i = 0; i < lines; i++) {
    const order = `WPO${String(Math.floor(i / 4)).padStart(8, '0')}`;
    sheet.addRow([order, '1/15/2024', `Customer ${i % 97}`, ['FlowOne', 'NIAM'][i % 2], (i % 4) + 1, `Line ${i} with a longer description`, (i % 9) + 1, 100 + (i % 50), 'Open', '2024-02-01']).commit();
  }
  sheet.commit();
  await workbook.commit();
}
